"""Server-drawn SVG charts for staff pages: no script, no inline style (strict CSP).

Colours are SVG presentation attributes (``fill="…"``), which the CSP allows; the
chart names itself with ``<title>`` and ``<desc>`` (``role="img"``), and the page
shows the same figures as a table for anyone who cannot see it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# The shop's palette (vivre.css): the accent green and the brass, both ≥ 5:1 on ivory.
COLOURS = ("#2d4a3b", "#7d5f2a")
INK = "#1c1a17"
MUTED = "#5f584d"
LINE = "#d9d0c1"


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int]


def nice_ceiling(value: int) -> int:
    """Return a round number at or above ``value`` for the top of the scale (at least 4)."""
    if value <= 4:
        return 4
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value and top % 4 == 0:
            return top
    return ((value + 3) // 4) * 4


def grouped_bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    series: list[Series],
    label_every: int = 5,
    width: int = 720,
    height: int = 260,
) -> SafeString:
    """Return an accessible SVG bar chart: one group of bars per label, one bar per series."""
    left, right, top, bottom = 44, 12, 36, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = nice_ceiling(max((v for s in series for v in s.values), default=0))
    group_w = plot_w / max(len(labels), 1)
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1)
    parts: list[str] = []

    def y_of(value: float) -> float:
        return top + plot_h - plot_h * value / top_value

    for i in range(5):  # the scale: 0, ¼, ½, ¾ and the top
        value = top_value * i // 4
        y = y_of(value)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="{}">{}</text>',
                left,
                f"{y:.1f}",
                width - right,
                f"{y:.1f}",
                LINE,
                left - 6,
                f"{y + 4:.1f}",
                MUTED,
                value,
            )
        )
    for g, label in enumerate(labels):
        x0 = left + g * group_w + group_w * 0.1
        for s_index, s in enumerate(series):
            value = s.values[g] if g < len(s.values) else 0
            if value <= 0:
                continue
            y = y_of(value)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}: {} {}</title></rect>",
                    f"{x0 + s_index * bar_w:.1f}",
                    f"{y:.1f}",
                    f"{bar_w:.1f}",
                    f"{top + plot_h - y:.1f}",
                    COLOURS[s_index % len(COLOURS)],
                    label,
                    value,
                    s.label.lower(),
                )
            )
        last = g == len(labels) - 1
        if g % label_every == 0 or last:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="{}" font-size="11" fill="{}">{}</text>',
                    f"{width - right if last else left + g * group_w + group_w / 2:.1f}",
                    height - bottom + 16,
                    "end" if last else "middle",
                    MUTED,
                    label,
                )
            )
    for s_index, s in enumerate(series):  # the legend, above the plot
        x = left + s_index * 150
        parts.append(
            format_html(
                '<rect x="{}" y="10" width="12" height="12" fill="{}"/>'
                '<text x="{}" y="20" font-size="12" fill="{}">{}</text>',
                x,
                COLOURS[s_index % len(COLOURS)],
                x + 18,
                INK,
                s.label,
            )
        )
    svg = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        'aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {h}" width="100%" '
        'preserveAspectRatio="xMidYMid meet" font-family="Inter, system-ui, sans-serif">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=escape(chart_id),
        w=width,
        h=height,
        title=title,
        desc=description,
        body=mark_safe("".join(parts)),  # noqa: S308 - every part was built with format_html
    )
    return svg
