"""Generated product artwork: a quiet SVG still-life of each product, in its colour.

Vivre draws its own pictures. Each category has a motif (a vase, a folded throw, a
ring on a plinth…) drawn in the variant's colour on a warm ground with soft light,
a contact shadow and a table edge. The picture depends only on the product's id,
name, motif, art seed and colour and on the view (front, detail, side), so the same
URL always returns the same bytes and can be cached for a day.

The SVG uses presentation attributes only: no fonts, images, scripts or ``style``,
so it renders under the site's ``default-src 'self'`` Content-Security-Policy.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from .models import Product, Variant

WIDTH, HEIGHT = 800, 1000
CX = 400
VIEWS = ("front", "detail", "side")
_NAME = re.compile(r"^(front|detail|side)(?:-([1-9][0-9]{0,17}))?$")
DEFAULT_COLOUR = "#b8a68c"
CACHE_SECONDS = 86400

# Wall top, wall bottom, table near, table far: warm ivory, stone, linen, sage-grey.
GROUNDS = (
    ("#f7f2e9", "#ede5d8", "#ddd1bf", "#e6dccd"),
    ("#f1ebe1", "#e2d9cb", "#d0c4b1", "#dad0bf"),
    ("#f6eee7", "#ebdfd5", "#d9c9bb", "#e3d5c9"),
    ("#eff0e9", "#e1e3d8", "#cdd0c2", "#d8dacd"),
)
# Deeper grounds, so that an ivory or white object still stands out.
DEEP_GROUNDS = (
    ("#e8dfd1", "#d8ccba", "#bfae96", "#cbbba5"),
    ("#e3e0d8", "#d1cdc2", "#b6b0a2", "#c3beb0"),
)
# Gem colours named in product names, for rings, necklaces and earrings.
STONES = {
    "moonstone": "#dfe6ec",
    "garnet": "#7a1f2b",
    "onyx": "#1d1d20",
    "topaz": "#9cc3d8",
    "pearl": "#f2ece2",
    "pavé": "#f4f6f8",
}


# Colour arithmetic -----------------------------------------------------------------


def _rgb(hex_: str) -> tuple[float, float, float]:
    hex_ = hex_.lstrip("#")
    return tuple(int(hex_[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def mix(a: str, b: str, t: float) -> str:
    """Return the colour ``t`` of the way from ``a`` to ``b``."""
    ra, rb = _rgb(a), _rgb(b)
    return _hex(tuple(x + (y - x) * t for x, y in zip(ra, rb, strict=True)))  # type: ignore[arg-type]


def lighten(hex_: str, t: float) -> str:
    return mix(hex_, "#fffdf8", t)


def darken(hex_: str, t: float) -> str:
    # Towards a warm near-black rather than pure black, as in a photograph.
    return mix(hex_, "#1c1510", t)


def luminance(hex_: str) -> float:
    r, g, b = _rgb(hex_)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def valid_colour(value: str | None) -> str:
    """Return ``value`` if it is a #rrggbb colour, else the default."""
    if value and re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        return value.lower()
    return DEFAULT_COLOUR


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


# Drawing ------------------------------------------------------------------------------


@dataclass
class Shape:
    """What a motif tells the scene: how wide its base is and where the detail view looks."""

    width: float
    focus: tuple[float, float]
    base: float  # y of the contact shadow
    hung: bool = False  # on the wall: it casts its own shadow there, none on the table


class Canvas:
    """Collects SVG definitions and elements while a motif draws itself."""

    def __init__(self, rng: random.Random, colour: str, name: str):
        self.rng = rng
        self.colour = colour
        self.name = name.lower()
        self.defs: list[str] = []
        self.parts: list[str] = []
        self._ids = 0
        self._cache: dict[tuple, str] = {}

    # Elements

    def el(self, tag: str, **attrs) -> str:
        return f"<{tag}{_attrs(attrs)}/>"

    def add(self, tag: str, **attrs) -> None:
        self.parts.append(self.el(tag, **attrs))

    def open(self, tag: str, **attrs) -> None:
        self.parts.append(f"<{tag}{_attrs(attrs)}>")

    def close(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def uid(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}{self._ids}"

    def has(self, *words: str) -> bool:
        """Say whether the product's name mentions any of ``words``."""
        return any(word in self.name for word in words)

    # Paints

    def linear(self, stops, x1=0.0, y1=0.0, x2=1.0, y2=0.0, user=False) -> str:
        key = ("linear", tuple(stops), x1, y1, x2, y2, user)
        if key not in self._cache:
            gid = self.uid("g")
            units = ' gradientUnits="userSpaceOnUse"' if user else ""
            self.defs.append(
                f'<linearGradient id="{gid}" x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" '
                f'y2="{_n(y2)}"{units}>{_stops(stops)}</linearGradient>'
            )
            self._cache[key] = f"url(#{gid})"
        return self._cache[key]

    def radial(self, stops, cx=0.5, cy=0.5, r=0.5, fx=None, fy=None) -> str:
        key = ("radial", tuple(stops), cx, cy, r, fx, fy)
        if key not in self._cache:
            gid = self.uid("g")
            focus = f' fx="{_n(fx)}" fy="{_n(fy)}"' if fx is not None else ""
            self.defs.append(
                f'<radialGradient id="{gid}" cx="{cx:g}" cy="{cy:g}" r="{r:g}"{focus}>'
                f"{_stops(stops)}</radialGradient>"
            )
            self._cache[key] = f"url(#{gid})"
        return self._cache[key]

    def round(self, colour: str, sheen: float = 0.3) -> str:
        """A paint for a rounded surface lit from the upper left."""
        return self.linear(
            [
                (0, darken(colour, 0.32)),
                (0.16, colour),
                (0.34, lighten(colour, sheen)),
                (0.55, colour),
                (0.86, darken(colour, 0.18)),
                (1, darken(colour, 0.36)),
            ]
        )

    def metal(self, colour: str) -> str:
        """A paint for polished metal: bright, with hard reflections."""
        return self.linear(
            [
                (0, darken(colour, 0.45)),
                (0.22, lighten(colour, 0.55)),
                (0.36, colour),
                (0.58, darken(colour, 0.3)),
                (0.74, lighten(colour, 0.7)),
                (0.88, colour),
                (1, darken(colour, 0.4)),
            ],
            x1=0,
            y1=0,
            x2=1,
            y2=0.35,
        )

    def flat(self, colour: str, top: float = 0.1, bottom: float = 0.14) -> str:
        """A paint for a face lit from above."""
        return self.linear(
            [(0, lighten(colour, top)), (1, darken(colour, bottom))], x1=0, y1=0, x2=0, y2=1
        )

    def glass(self, colour: str) -> str:
        """A paint for tinted glass: denser at the edges, clear in the middle."""
        # Clear and pale glass needs darker edges to read against a pale wall.
        edge = darken(colour, 0.45 if luminance(colour) > 0.6 else 0.15)
        mid = lighten(colour, 0.35)
        return self.linear(
            [
                (0, edge, 0.85),
                (0.12, colour, 0.5),
                (0.4, mid, 0.22),
                (0.8, colour, 0.35),
                (1, edge, 0.8),
            ]
        )

    def glass_edge(self, colour: str) -> str:
        """Return the colour of a glass rim: light on dark glass, dark on pale glass."""
        return darken(colour, 0.4) if luminance(colour) > 0.6 else lighten(colour, 0.5)

    def sphere(self, colour: str, sheen: float = 0.6) -> str:
        return self.radial(
            [(0, lighten(colour, sheen)), (0.45, colour), (1, darken(colour, 0.35))],
            cx=0.5,
            cy=0.5,
            r=0.6,
            fx=0.35,
            fy=0.3,
        )


def _attrs(attrs: dict) -> str:
    out = []
    for key, value in attrs.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = _n(value)
        out.append(f' {name}="{value}"')
    return "".join(out)


def _stops(stops) -> str:
    parts = []
    for stop in stops:
        offset, colour, *opacity = stop
        extra = f' stop-opacity="{opacity[0]:g}"' if opacity else ""
        parts.append(f'<stop offset="{offset:g}" stop-color="{colour}"{extra}/>')
    return "".join(parts)


def smooth(points: list[tuple[float, float]], closed: bool = False) -> str:
    """Return path commands for a Catmull-Rom curve through ``points`` (after the first)."""
    pts = points + points[:2] if closed else [points[0], *points, points[-1]]
    out = []
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        out.append(f"C{_n(c1[0])} {_n(c1[1])} {_n(c2[0])} {_n(c2[1])} {_n(p2[0])} {_n(p2[1])}")
    return " ".join(out)


def symmetric_body(profile: list[tuple[float, float]], base: float) -> str:
    """Return a closed path for a turned form from its right-hand profile.

    ``profile`` is (half width, height above base) from the foot up to the lip.
    """
    right = [(CX + w, base - h) for w, h in profile]
    left = [(CX - w, base - h) for w, h in reversed(profile)]
    return (
        f"M{_n(right[0][0])} {_n(right[0][1])} {smooth(right)} "
        f"L{_n(left[0][0])} {_n(left[0][1])} {smooth(left)} Z"
    )


def rounded_rect_path(x: float, y: float, w: float, h: float, r: float) -> str:
    r = min(r, w / 2, h / 2)
    return (
        f"M{_n(x + r)} {_n(y)} H{_n(x + w - r)} Q{_n(x + w)} {_n(y)} {_n(x + w)} {_n(y + r)} "
        f"V{_n(y + h - r)} Q{_n(x + w)} {_n(y + h)} {_n(x + w - r)} {_n(y + h)} H{_n(x + r)} "
        f"Q{_n(x)} {_n(y + h)} {_n(x)} {_n(y + h - r)} V{_n(y + r)} Q{_n(x)} {_n(y)} "
        f"{_n(x + r)} {_n(y)} Z"
    )


# Motifs ---------------------------------------------------------------------------------
# Each draws one still-life centred on x=CX, standing on y=base, and returns its Shape.


def _vase(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    kind = rng.choice(("ovoid", "amphora", "bottle", "column", "bud"))
    # The name, where it says, decides the silhouette.
    for words, named in (
        (("bud", "low"), "bud"),
        (("bottle",), "bottle"),
        (("amphora", "jug"), "amphora"),
        (("ovoid", "pebble", "dimpled"), "ovoid"),
        (("column", "tall"), "column"),
    ):
        if c.has(*words):
            kind = named
            break
    h = rng.uniform(400, 470)
    foot = rng.uniform(52, 70)
    if kind == "ovoid":
        profile = [
            (foot, 0),
            (foot * 1.7, h * 0.2),
            (foot * 2.15, h * 0.5),
            (foot * 1.5, h * 0.82),
            (foot * 0.95, h * 0.94),
            (foot * 1.05, h),
        ]
    elif kind == "amphora":
        profile = [
            (foot * 0.8, 0),
            (foot * 1.2, h * 0.12),
            (foot * 2.0, h * 0.42),
            (foot * 1.7, h * 0.66),
            (foot * 0.75, h * 0.86),
            (foot * 0.72, h * 0.95),
            (foot * 0.95, h),
        ]
    elif kind == "bottle":
        profile = [
            (foot * 1.2, 0),
            (foot * 1.75, h * 0.12),
            (foot * 1.85, h * 0.38),
            (foot * 1.2, h * 0.56),
            (foot * 0.42, h * 0.7),
            (foot * 0.38, h * 0.95),
            (foot * 0.5, h),
        ]
    elif kind == "column":
        profile = [
            (foot * 1.3, 0),
            (foot * 1.42, h * 0.3),
            (foot * 1.45, h * 0.7),
            (foot * 1.3, h * 0.93),
            (foot * 1.42, h),
        ]
    else:
        h *= 0.62
        profile = [
            (foot * 0.9, 0),
            (foot * 1.55, h * 0.3),
            (foot * 1.2, h * 0.62),
            (foot * 0.4, h * 0.86),
            (foot * 0.55, h),
        ]
    glass = c.has("glass")
    body = symmetric_body(profile, base)
    paint = c.glass(colour) if glass else c.round(colour)
    c.add(
        "path",
        d=body,
        fill=paint,
        stroke=c.glass_edge(colour) if glass else None,
        stroke_width=2 if glass else None,
    )
    if c.has("fluted", "ribbed"):
        widest = max(w for w, _ in profile)
        for i in range(-4, 5):
            x = CX + i * widest / 5
            c.add(
                "path",
                d=f"M{_n(x)} {_n(base - 14)} L{_n(x)} {_n(base - h * 0.8)}",
                stroke=darken(colour, 0.25),
                stroke_width=2.5,
                stroke_opacity=0.18,
                stroke_linecap="round",
                fill="none",
            )
    # The glaze darkens where it pools towards the foot.
    c.add(
        "path",
        d=body,
        fill=c.linear(
            [(0, colour, 0), (0.7, colour, 0), (1, darken(colour, 0.35), 0.5)], 0, 0, 0, 1
        ),
    )
    lip_w = profile[-1][0]
    c.add("ellipse", cx=CX, cy=base - h, rx=lip_w, ry=lip_w * 0.22, fill=darken(colour, 0.45))
    c.add(
        "ellipse",
        cx=CX,
        cy=base - h,
        rx=lip_w,
        ry=lip_w * 0.22,
        fill="none",
        stroke=lighten(colour, 0.35),
        stroke_width=3,
    )
    if glass:
        c.add(
            "path",
            d=f"M{_n(CX - foot * 0.9)} {_n(base - h * 0.2)} Q{_n(CX - foot * 1.3)} "
            f"{_n(base - h * 0.45)} {_n(CX - foot * 0.8)} {_n(base - h * 0.7)}",
            stroke="#ffffff",
            stroke_opacity=0.55,
            stroke_width=5,
            fill="none",
            stroke_linecap="round",
        )
    widest = max(w for w, _ in profile)
    return Shape(width=widest * 2, focus=(CX, base - h * 0.78), base=base)


def _bowl(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    w = rng.uniform(225, 265)
    h = rng.uniform(140, 175) if not c.has("low") else rng.uniform(95, 115)
    foot_h = 26 if c.has("footed") else 12
    foot = w * 0.38
    top = base - h - foot_h
    ry = w * 0.2
    inside = darken(colour, 0.3)
    c.add(
        "ellipse",
        cx=CX,
        cy=top,
        rx=w,
        ry=ry,
        fill=c.linear(
            [(0, darken(colour, 0.45)), (0.7, inside), (1, lighten(colour, 0.1))], 0, 0, 0, 1
        ),
    )
    if c.has("fruit", "serving") or rng.random() < 0.35:
        fruit = "#d9b443" if rng.random() < 0.6 else "#c9793e"
        for dx, dy, r in ((-80, 8, 52), (10, -6, 56), (95, 10, 48), (-20, 30, 50)):
            c.add("circle", cx=CX + dx, cy=top + dy - 18, r=r, fill=c.sphere(fruit, 0.5))
    c.add(
        "rect",
        x=CX - foot,
        y=base - foot_h - 2,
        width=foot * 2,
        height=foot_h + 2,
        rx=4,
        fill=c.round(darken(colour, 0.08)),
    )
    c.add(
        "path",
        d=f"M{_n(CX - w)} {_n(top)} A{_n(w)} {_n(ry)} 0 0 0 {_n(CX + w)} {_n(top)} "
        f"C{_n(CX + w)} {_n(top + h * 0.75)} {_n(CX + foot * 1.5)} {_n(base - foot_h)} "
        f"{_n(CX + foot)} {_n(base - foot_h)} L{_n(CX - foot)} {_n(base - foot_h)} "
        f"C{_n(CX - foot * 1.5)} {_n(base - foot_h)} {_n(CX - w)} {_n(top + h * 0.75)} "
        f"{_n(CX - w)} {_n(top)} Z",
        fill=c.round(colour, 0.25),
    )
    c.add(
        "path",
        d=f"M{_n(CX - w)} {_n(top)} A{_n(w)} {_n(ry)} 0 0 0 {_n(CX + w)} {_n(top)}",
        fill="none",
        stroke=lighten(colour, 0.4),
        stroke_width=3,
    )
    return Shape(width=w * 1.6, focus=(CX - w * 0.3, top + 10), base=base)


def _candle(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    w = rng.uniform(105, 130) * (1.25 if c.has("three-wick", "grand") else 1)
    h = rng.uniform(200, 250) * (0.7 if c.has("travel") else 1)
    top = base - h
    glass = c.has("glass")
    # A warm glow on the wall behind the flame.
    c.add(
        "circle",
        cx=CX,
        cy=top - 70,
        r=260,
        fill=c.radial([(0, "#ffe7b0", 0.55), (0.5, "#ffe7b0", 0.12), (1, "#ffe7b0", 0)]),
    )
    body = rounded_rect_path(CX - w, top, w * 2, h, 14)
    c.add("path", d=body, fill=c.glass(colour) if glass else c.round(colour))
    wax = "#f3ead9"
    c.add(
        "ellipse",
        cx=CX,
        cy=top + 4,
        rx=w - 4,
        ry=w * 0.2,
        fill=c.linear([(0, darken(wax, 0.12)), (1, wax)], 0, 0, 0, 1),
    )
    c.add(
        "ellipse",
        cx=CX,
        cy=top,
        rx=w,
        ry=w * 0.2,
        fill="none",
        stroke=lighten(colour, 0.35),
        stroke_width=3,
    )
    if not glass:
        c.add(
            "rect",
            x=CX - w * 0.55,
            y=top + h * 0.38,
            width=w * 1.1,
            height=h * 0.3,
            rx=2,
            fill="#f6f0e4",
            fill_opacity=0.92,
        )
        for i, frac in enumerate((0.3, 0.55)):
            lw = w * (0.6 if i else 0.8)
            c.add(
                "rect",
                x=CX - lw / 2,
                y=top + h * 0.38 + h * 0.3 * frac,
                width=lw,
                height=3,
                fill=darken(colour, 0.1),
                fill_opacity=0.5,
            )
    wicks = (-w * 0.45, 0, w * 0.45) if c.has("three-wick") else (0,)
    for dx in wicks:
        x = CX + dx
        c.add(
            "path",
            d=f"M{_n(x)} {_n(top + 4)} L{_n(x + 1)} {_n(top - 16)}",
            stroke="#2a211a",
            stroke_width=3,
            stroke_linecap="round",
        )
        c.add(
            "path",
            d=f"M{_n(x)} {_n(top - 14)} C{_n(x + 14)} {_n(top - 34)} {_n(x + 8)} "
            f"{_n(top - 58)} {_n(x + 1)} {_n(top - 78)} C{_n(x - 7)} {_n(top - 58)} "
            f"{_n(x - 14)} {_n(top - 34)} {_n(x)} {_n(top - 14)} Z",
            fill=c.radial([(0, "#fffdf2"), (0.45, "#ffe2a0"), (1, "#f0a040", 0.6)], cy=0.7, r=0.6),
        )
    return Shape(width=w * 2, focus=(CX, top), base=base)


def _fabric_pattern(c: Canvas, colour: str, kind: str) -> str:
    pid = c.uid("p")
    line = darken(colour, 0.22)
    if kind == "herringbone":
        body = (
            f'<path d="M0 0 L8 8 M8 0 L16 8 M0 16 L8 8 M8 16 L16 8" stroke="{line}" '
            f'stroke-width="1.6" stroke-opacity="0.35" fill="none"/>'
        )
        size = 16
    elif kind == "check":
        body = (
            f'<rect width="28" height="28" fill="none"/><path d="M0 14 H28 M14 0 V28" '
            f'stroke="{line}" stroke-width="3" stroke-opacity="0.25"/>'
        )
        size = 28
    elif kind == "stripe":
        body = f'<rect x="0" y="0" width="9" height="24" fill="{line}" fill-opacity="0.2"/>'
        size = 24
    else:
        body = (
            f'<path d="M0 3 H12 M0 9 H12" stroke="{line}" stroke-width="1" stroke-opacity="0.22"/>'
        )
        size = 12
    c.defs.append(
        f'<pattern id="{pid}" width="{size}" height="{size}" patternUnits="userSpaceOnUse">'
        f"{body}</pattern>"
    )
    return f"url(#{pid})"


def _throw(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    w = rng.uniform(250, 285)
    layers = rng.choice((3, 4))
    layer_h = rng.uniform(44, 54)
    kind = (
        "herringbone"
        if c.has("herringbone")
        else "check"
        if c.has("windowpane")
        else "stripe"
        if rng.random() < 0.3
        else "weave"
    )
    pattern = _fabric_pattern(c, colour, kind)
    top = base - layers * layer_h
    depth = 70
    # The top of the stack, seen from a little above.
    surface = (
        f"M{_n(CX - w + 20)} {_n(top)} L{_n(CX + w - 30)} {_n(top)} "
        f"L{_n(CX + w - 60)} {_n(top - depth)} L{_n(CX - w + 60)} {_n(top - depth)} Z"
    )
    c.add("path", d=surface, fill=c.flat(lighten(colour, 0.08), 0.12, 0.02))
    c.add("path", d=surface, fill=pattern)
    for i in range(layers):
        y = top + i * layer_h
        inset = (i % 2) * 10 + rng.uniform(-4, 4)
        x0, x1 = CX - w + inset, CX + w - 12 + inset * 0.5
        fold = (
            f"M{_n(x0 + 26)} {_n(y)} L{_n(x1)} {_n(y)} L{_n(x1)} {_n(y + layer_h)} "
            f"L{_n(x0 + 26)} {_n(y + layer_h)} C{_n(x0 - 6)} {_n(y + layer_h)} "
            f"{_n(x0 - 6)} {_n(y)} {_n(x0 + 26)} {_n(y)} Z"
        )
        c.add(
            "path",
            d=fold,
            fill=c.linear(
                [(0, lighten(colour, 0.12)), (0.45, colour), (1, darken(colour, 0.3))], 0, 0, 0, 1
            ),
        )
        c.add("path", d=fold, fill=pattern)
        c.add(
            "path",
            d=f"M{_n(x0 + 26)} {_n(y + 1)} L{_n(x1)} {_n(y + 1)}",
            stroke=lighten(colour, 0.3),
            stroke_width=2,
            stroke_opacity=0.7,
        )
        if c.has("fringed") or i == layers - 1:
            for fx in range(int(x1) + 2, int(x1) + 20, 5):
                c.add(
                    "path",
                    d=f"M{fx} {_n(y + 6)} L{fx + 2} {_n(y + layer_h - 4)}",
                    stroke=darken(colour, 0.1),
                    stroke_width=2,
                    stroke_linecap="round",
                )
    return Shape(width=w * 2.1, focus=(CX + w - 40, top + layer_h), base=base)


def _cushion(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    lumbar = c.has("lumbar")
    w = rng.uniform(190, 215) * (1.25 if lumbar else 1)
    h = rng.uniform(190, 215) * (0.55 if lumbar else 1)
    cy = base - h - 6
    tilt = rng.uniform(-5, 5)
    pinch = 0.16
    x0, x1, y0, y1 = CX - w, CX + w, cy - h, cy + h
    d = (
        f"M{_n(x0)} {_n(y0)} Q{_n(CX)} {_n(y0 + h * pinch)} {_n(x1)} {_n(y0)} "
        f"Q{_n(x1 - w * pinch)} {_n(cy)} {_n(x1)} {_n(y1)} "
        f"Q{_n(CX)} {_n(y1 - h * pinch)} {_n(x0)} {_n(y1)} "
        f"Q{_n(x0 + w * pinch)} {_n(cy)} {_n(x0)} {_n(y0)} Z"
    )
    # A second, plainer cushion behind gives the picture depth.
    back = mix(colour, "#d9cdb8", 0.65)
    back_x = -40 if lumbar else -70
    c.open("g", transform=f"translate({back_x} -60) rotate({_n(tilt - 8)} {CX} {_n(cy)})")
    c.add("path", d=d, fill=c.radial([(0, lighten(back, 0.15)), (1, darken(back, 0.2))], r=0.7))
    c.close("g")
    c.open("g", transform=f"rotate({_n(tilt)} {CX} {_n(cy)})")
    c.add(
        "path",
        d=d,
        fill=c.radial(
            [(0, lighten(colour, 0.22)), (0.55, colour), (1, darken(colour, 0.3))],
            cx=0.45,
            cy=0.42,
            r=0.72,
        ),
    )
    if c.has("striped"):
        pattern = _fabric_pattern(c, colour, "stripe")
        c.add("path", d=d, fill=pattern)
    if c.has("channel", "quilted"):
        for i in range(1, 5):
            y = y0 + 2 * h * i / 5
            c.add(
                "path",
                d=f"M{_n(x0 + 20)} {_n(y)} Q{_n(CX)} {_n(y + 6)} {_n(x1 - 20)} {_n(y)}",
                stroke=darken(colour, 0.3),
                stroke_width=2,
                stroke_opacity=0.4,
                fill="none",
            )
    c.add(
        "path",
        d=d,
        fill="none",
        stroke=darken(colour, 0.28),
        stroke_width=5,
        stroke_opacity=0.8 if c.has("piped") else 0.35,
    )
    if c.has("fringed"):
        for x in range(int(x0) + 10, int(x1) - 5, 9):
            c.add(
                "path",
                d=f"M{x} {_n(y1 - 4)} L{x} {_n(y1 + 14)}",
                stroke=colour,
                stroke_width=3,
                stroke_linecap="round",
            )
    c.close("g")
    return Shape(width=w * 2.2, focus=(x1 - 30, y0 + 30), base=base)


def _glass_piece(c: Canvas, x: float, base: float, kind: str, scale: float) -> None:
    colour = c.colour
    paint = c.glass(colour)
    rim = c.glass_edge(colour)
    if kind in ("wine", "coupe", "flute"):
        bowl_w = {"wine": 70, "coupe": 95, "flute": 38}[kind] * scale
        bowl_h = {"wine": 130, "coupe": 55, "flute": 170}[kind] * scale
        stem = {"wine": 130, "coupe": 140, "flute": 110}[kind] * scale
        top = base - stem - bowl_h
        c.add(
            "ellipse",
            cx=x,
            cy=base - 4,
            rx=58 * scale,
            ry=11 * scale,
            fill=paint,
            stroke=rim,
            stroke_width=2,
        )
        c.add("rect", x=x - 4 * scale, y=base - stem, width=8 * scale, height=stem, fill=paint)
        if kind == "coupe":
            bowl = (
                f"M{_n(x - bowl_w)} {_n(top)} Q{_n(x - bowl_w * 0.9)} {_n(top + bowl_h * 1.6)} "
                f"{_n(x)} {_n(top + bowl_h)} Q{_n(x + bowl_w * 0.9)} {_n(top + bowl_h * 1.6)} "
                f"{_n(x + bowl_w)} {_n(top)} Z"
            )
        else:
            bowl = (
                f"M{_n(x - bowl_w)} {_n(top)} C{_n(x - bowl_w * 1.05)} {_n(top + bowl_h * 0.8)} "
                f"{_n(x - 10)} {_n(top + bowl_h)} {_n(x)} {_n(top + bowl_h)} "
                f"C{_n(x + 10)} {_n(top + bowl_h)} "
                f"{_n(x + bowl_w * 1.05)} {_n(top + bowl_h * 0.8)} "
                f"{_n(x + bowl_w)} {_n(top)} Z"
            )
        c.add("path", d=bowl, fill=paint, stroke=rim, stroke_width=2, stroke_opacity=0.7)
        c.add(
            "ellipse",
            cx=x,
            cy=top,
            rx=bowl_w,
            ry=bowl_w * 0.16,
            fill="none",
            stroke=rim,
            stroke_width=2.5,
        )
        c.add(
            "path",
            d=f"M{_n(x - bowl_w * 0.6)} {_n(top + 12)} Q{_n(x - bowl_w * 0.75)} "
            f"{_n(top + bowl_h * 0.5)} {_n(x - bowl_w * 0.35)} {_n(top + bowl_h * 0.8)}",
            stroke="#ffffff",
            stroke_opacity=0.6,
            stroke_width=4,
            fill="none",
            stroke_linecap="round",
        )
        return
    w = (48 if kind == "highball" else 62) * scale
    h = (230 if kind == "highball" else 150) * scale
    top = base - h
    c.add(
        "path",
        d=f"M{_n(x - w)} {_n(top)} L{_n(x - w * 0.9)} {_n(base - 6)} Q{_n(x - w * 0.9)} "
        f"{_n(base)} {_n(x - w * 0.8)} {_n(base)} L{_n(x + w * 0.8)} {_n(base)} Q{_n(x + w * 0.9)} "
        f"{_n(base)} {_n(x + w * 0.9)} {_n(base - 6)} L{_n(x + w)} {_n(top)} Z",
        fill=paint,
        stroke=rim,
        stroke_width=2,
        stroke_opacity=0.7,
    )
    # Water, and the thick base of the glass.
    c.add(
        "path",
        d=f"M{_n(x - w * 0.955)} {_n(top + h * 0.45)} L{_n(x - w * 0.9)} {_n(base - 16)} "
        f"L{_n(x + w * 0.9)} {_n(base - 16)} L{_n(x + w * 0.955)} {_n(top + h * 0.45)} Z",
        fill=colour,
        fill_opacity=0.22,
    )
    c.add(
        "rect",
        x=x - w * 0.88,
        y=base - 16,
        width=w * 1.76,
        height=14,
        rx=4,
        fill=darken(colour, 0.05),
        fill_opacity=0.45,
    )
    c.add("ellipse", cx=x, cy=top, rx=w, ry=w * 0.16, fill="none", stroke=rim, stroke_width=2.5)
    if c.has("ribbed", "fluted", "optic", "faceted"):
        for i in range(-3, 4):
            xx = x + i * w * 0.26
            c.add(
                "path",
                d=f"M{_n(xx)} {_n(top + 8)} L{_n(xx * 0.98 + x * 0.02)} {_n(base - 10)}",
                stroke=lighten(colour, 0.5),
                stroke_opacity=0.35,
                stroke_width=2,
            )
    c.add(
        "path",
        d=f"M{_n(x - w * 0.7)} {_n(top + 14)} L{_n(x - w * 0.62)} {_n(base - 24)}",
        stroke="#ffffff",
        stroke_opacity=0.6,
        stroke_width=5,
        stroke_linecap="round",
    )


def _glass(c: Canvas, base: float) -> Shape:
    kind = (
        "wine"
        if c.has("wine")
        else "coupe"
        if c.has("coupe")
        else "flute"
        if c.has("flute")
        else "highball"
        if c.has("highball", "water")
        else "tumbler"
    )
    gap = 95 if kind in ("wine", "coupe", "flute") else 80
    _glass_piece(c, CX - gap, base - 28, kind, 0.92)
    _glass_piece(c, CX + gap, base, kind, 1.0)
    return Shape(width=gap * 2 + 160, focus=(CX + gap, base - 150), base=base)


def _plate(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    size = 1.1 if c.has("charger") else 0.85 if c.has("side", "dessert") else 1
    r = rng.uniform(200, 220) * size
    cy = base - r - 34
    gilded = c.has("gilded")
    edge = "#c9a45c" if gilded else lighten(colour, 0.35)
    # The standing plate, face on: the rim lit at the top, the well shaded there.
    c.add(
        "circle",
        cx=CX,
        cy=cy,
        r=r,
        fill=c.linear(
            [(0, lighten(colour, 0.3)), (0.5, colour), (1, darken(colour, 0.25))], 0, 0, 0.6, 1
        ),
    )
    c.add(
        "circle",
        cx=CX,
        cy=cy,
        r=r * 0.7,
        fill=c.linear(
            [(0, darken(colour, 0.16)), (0.55, colour), (1, lighten(colour, 0.2))], 0, 0, 0.6, 1
        ),
    )
    c.add(
        "circle",
        cx=CX,
        cy=cy,
        r=r * 0.7,
        fill="none",
        stroke=lighten(colour, 0.25),
        stroke_width=2,
        stroke_opacity=0.6,
    )
    c.add(
        "circle", cx=CX, cy=cy, r=r - 3, fill="none", stroke=edge, stroke_width=6 if gilded else 3
    )
    if c.has("scalloped", "embossed"):
        for i in range(28):
            a = i * math.tau / 28
            c.add(
                "circle",
                cx=CX + math.cos(a) * r * 0.85,
                cy=cy + math.sin(a) * r * 0.85,
                r=r * 0.055,
                fill=lighten(colour, 0.2),
                fill_opacity=0.35,
            )
    if c.has("hand-painted", "speckled"):
        for _ in range(60):
            a, d = rng.uniform(0, math.tau), rng.uniform(0.05, 0.95) * r
            c.add(
                "circle",
                cx=CX + math.cos(a) * d,
                cy=cy + math.sin(a) * d,
                r=rng.uniform(1.2, 3.2),
                fill=darken(colour, 0.5),
                fill_opacity=0.4,
            )
    c.add(
        "path",
        d=f"M{_n(CX - r * 0.92)} {_n(cy - r * 0.2)} A{_n(r * 0.94)} {_n(r * 0.94)} 0 0 1 "
        f"{_n(CX - r * 0.2)} {_n(cy - r * 0.92)}",
        fill="none",
        stroke="#ffffff",
        stroke_opacity=0.5,
        stroke_width=5,
        stroke_linecap="round",
    )
    # A short stack in front, seen from a little above.
    sw = r * 1.02
    for i in range(3):
        y = base - i * 14
        c.add("ellipse", cx=CX, cy=y, rx=sw, ry=sw * 0.13, fill=c.flat(colour, 0.0, 0.3))
        c.add(
            "ellipse",
            cx=CX,
            cy=y - 7,
            rx=sw,
            ry=sw * 0.13,
            fill=c.flat(lighten(colour, 0.12), 0.15, 0.0),
            stroke=edge,
            stroke_width=2,
        )
    c.add(
        "ellipse",
        cx=CX,
        cy=base - 35,
        rx=sw * 0.64,
        ry=sw * 0.08,
        fill=c.flat(colour, 0.0, 0.1),
        stroke=lighten(colour, 0.3),
        stroke_width=1.5,
        stroke_opacity=0.6,
    )
    return Shape(width=sw * 2, focus=(CX + r * 0.55, cy - r * 0.6), base=base)


def _carafe(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    h = rng.uniform(400, 440)
    belly = rng.uniform(110, 130)
    neck = belly * 0.32
    profile = [
        (belly * 0.75, 0),
        (belly, h * 0.18),
        (belly * 0.95, h * 0.42),
        (neck * 1.2, h * 0.68),
        (neck, h * 0.84),
        (neck * 1.25, h * 0.9),
    ]
    body = symmetric_body(profile, base)
    paint = c.glass(colour)
    c.add(
        "path",
        d=f"M{_n(CX - belly * 0.96)} {_n(base - h * 0.38)} L{_n(CX - belly * 0.75)} {_n(base - 8)} "
        f"L{_n(CX + belly * 0.75)} {_n(base - 8)} L{_n(CX + belly * 0.96)} {_n(base - h * 0.38)} Z",
        fill=colour,
        fill_opacity=0.25,
    )
    c.add("path", d=body, fill=paint, stroke=c.glass_edge(colour), stroke_width=2)
    if c.has("pitcher"):
        c.add(
            "path",
            d=f"M{_n(CX + neck * 1.2)} {_n(base - h * 0.82)} C{_n(CX + belly * 1.6)} "
            f"{_n(base - h * 0.85)} {_n(CX + belly * 1.5)} {_n(base - h * 0.35)} "
            f"{_n(CX + belly * 0.95)} "
            f"{_n(base - h * 0.3)}",
            fill="none",
            stroke=paint,
            stroke_width=16,
            stroke_linecap="round",
        )
    else:
        # A tumbler turned over the neck serves as its lid.
        tw, th = neck * 1.9, h * 0.2
        ty = base - h * 0.88
        c.add(
            "path",
            d=f"M{_n(CX - tw * 0.8)} {_n(ty)} L{_n(CX - tw)} {_n(ty - th)} L{_n(CX + tw)} "
            f"{_n(ty - th)} L{_n(CX + tw * 0.8)} {_n(ty)} Z",
            fill=paint,
            stroke=c.glass_edge(colour),
            stroke_width=2,
        )
    c.add(
        "path",
        d=f"M{_n(CX - belly * 0.6)} {_n(base - h * 0.12)} Q{_n(CX - belly * 0.9)} "
        f"{_n(base - h * 0.3)} {_n(CX - belly * 0.55)} {_n(base - h * 0.5)}",
        stroke="#ffffff",
        stroke_opacity=0.6,
        stroke_width=6,
        fill="none",
        stroke_linecap="round",
    )
    return Shape(width=belly * 2.2, focus=(CX, base - h * 0.8), base=base)


def _folded_stack(c: Canvas, base: float, *, layer_h: float, w: float, band: bool) -> float:
    rng, colour = c.rng, c.colour
    layers = 3 if layer_h > 30 else 4
    top = base - layers * layer_h
    depth = w * 0.2
    c.add(
        "path",
        d=f"M{_n(CX - w + 10)} {_n(top + 4)} L{_n(CX + w - 10)} {_n(top + 4)} L{_n(CX + w - 34)} "
        f"{_n(top - depth)} L{_n(CX - w + 34)} {_n(top - depth)} Z",
        fill=c.flat(lighten(colour, 0.12), 0.12, 0.0),
    )
    if c.has("hemstitched", "embroidered", "scalloped") or not band:
        c.add(
            "path",
            d=f"M{_n(CX - w + 34)} {_n(top - 6)} L{_n(CX + w - 34)} {_n(top - 6)} "
            f"L{_n(CX + w - 50)} {_n(top - depth + 8)} L{_n(CX - w + 50)} {_n(top - depth + 8)} Z",
            fill="none",
            stroke=darken(colour, 0.22),
            stroke_width=1.5,
            stroke_dasharray="4 4",
            stroke_opacity=0.6,
        )
    for i in range(layers):
        y = top + i * layer_h
        shift = rng.uniform(-8, 8)
        d = rounded_rect_path(CX - w + shift, y, w * 2, layer_h, layer_h * 0.5)
        c.add(
            "path",
            d=d,
            fill=c.linear(
                [(0, lighten(colour, 0.18)), (0.45, colour), (1, darken(colour, 0.3))], 0, 0, 0, 1
            ),
        )
        if band:
            c.add(
                "rect",
                x=CX - w * 0.62 + shift,
                y=y + layer_h * 0.12,
                width=w * 0.18,
                height=layer_h * 0.76,
                fill=darken(colour, 0.2),
                fill_opacity=0.45,
            )
        if c.has("striped", "checked"):
            for k in range(-3, 4):
                c.add(
                    "rect",
                    x=CX + k * w * 0.25 + shift,
                    y=y + 4,
                    width=6,
                    height=layer_h - 8,
                    fill=darken(colour, 0.3),
                    fill_opacity=0.3,
                )
    return top - depth


def _napkin(c: Canvas, base: float) -> Shape:
    w = c.rng.uniform(200, 230)
    top = _folded_stack(c, base, layer_h=24, w=w, band=False)
    # A brass napkin ring resting on the stack.
    ry = base - 4 * 24 - 22
    c.add(
        "ellipse",
        cx=CX + w * 0.35,
        cy=ry,
        rx=36,
        ry=22,
        fill="none",
        stroke=c.metal("#b08d57"),
        stroke_width=9,
    )
    return Shape(width=w * 2.1, focus=(CX - w * 0.3, top + 40), base=base)


def _towel(c: Canvas, base: float) -> Shape:
    w = c.rng.uniform(205, 235)
    top = _folded_stack(c, base, layer_h=62, w=w, band=True)
    return Shape(width=w * 2.1, focus=(CX - w * 0.4, top + 80), base=base)


def _scarf(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    rod_y = 215
    w = rng.uniform(150, 170)
    long_len = rng.uniform(500, 540)
    short_len = long_len * rng.uniform(0.7, 0.8)
    folds = c.linear(
        [(i / 12, lighten(colour, 0.16) if i % 2 else darken(colour, 0.14)) for i in range(13)]
    )
    panels = []
    for x0, x1, length in (
        (CX - w * 0.55, CX + w * 1.08, short_len),
        (CX - w, CX + w * 0.7, long_len),
    ):
        bottom = rod_y + length
        panels.append(
            (
                f"M{_n(x0)} {_n(rod_y)} L{_n(x1)} {_n(rod_y)} L{_n(x1 + 16)} {_n(bottom - 18)} "
                f"Q{_n(x1 - (x1 - x0) * 0.22)} {_n(bottom + 24)} {_n((x0 + x1) / 2)} {_n(bottom)} "
                f"Q{_n(x0 + (x1 - x0) * 0.22)} {_n(bottom - 22)} {_n(x0 - 16)} {_n(bottom + 8)} Z",
                x0,
                x1,
                bottom,
            )
        )
    for d, *_ in panels:
        c.add(
            "path",
            d=d,
            fill="#2a1d12",
            fill_opacity=0.16,
            filter="url(#blur)",
            transform="translate(18 22)",
        )
    bar = "#b08d57"
    c.add("rect", x=CX - w - 60, y=rod_y - 7, width=w * 2 + 130, height=14, rx=7, fill=c.metal(bar))
    for x in (CX - w - 62, CX + w + 72):
        c.add("circle", cx=x, cy=rod_y, r=12, fill=c.sphere(bar, 0.6))
    for k, (d, x0, x1, bottom) in enumerate(panels):
        c.add("path", d=d, fill=darken(colour, 0.14) if k == 0 else colour)
        c.add("path", d=d, fill=folds, fill_opacity=0.5)
        if k == 1 and (
            c.has("printed", "paisley", "ombré", "jacquard", "plaid") or rng.random() < 0.4
        ):
            c.add(
                "path",
                d=d,
                fill=c.linear(
                    [
                        (0, "#ffffff", 0),
                        (0.78, "#ffffff", 0),
                        (0.8, lighten(colour, 0.6), 0.75),
                        (0.86, lighten(colour, 0.6), 0.75),
                        (0.88, "#ffffff", 0),
                    ],
                    0,
                    0,
                    0,
                    1,
                ),
            )
        if c.has("fringed"):
            for i in range(16):
                t = i / 15
                fx = x0 - 16 + (x1 - x0 + 32) * t
                fy = bottom + 8 - 26 * math.sin(t * math.pi) * 0.4
                c.add(
                    "path",
                    d=f"M{_n(fx)} {_n(fy - 6)} l1 24",
                    stroke=colour,
                    stroke_width=2.5,
                    stroke_linecap="round",
                )
    c.add(
        "path",
        d=rounded_rect_path(CX - w - 4, rod_y - 16, w * 2.12, 32, 14),
        fill=c.flat(colour, 0.25, 0.1),
    )
    return Shape(width=w * 2.2, focus=(CX - w * 0.1, rod_y + long_len * 0.8), base=base, hung=True)


def _handbag(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    clutch = c.has("clutch")
    tote = c.has("tote")
    bucket = c.has("bucket")
    w = rng.uniform(185, 210) * (1.12 if tote else 1.0)
    h = w * (0.62 if clutch else 1.0 if tote else 0.82)
    top = base - h
    taper = 0 if clutch or bucket else w * 0.1
    body = (
        f"M{_n(CX - w + taper)} {_n(top)} L{_n(CX + w - taper)} {_n(top)} L{_n(CX + w)} "
        f"{_n(base - 30)} Q{_n(CX + w)} {_n(base)} {_n(CX + w - 30)} {_n(base)} L{_n(CX - w + 30)} "
        f"{_n(base)} Q{_n(CX - w)} {_n(base)} {_n(CX - w)} {_n(base - 30)} Z"
    )
    stitch = lighten(colour, 0.35)
    if not clutch:
        handle_h = rng.uniform(120, 160) if not c.has("crossbody", "shoulder", "saddle") else 250
        for dx in (-w * 0.45, w * 0.45) if tote else (-w * 0.45,):
            x0 = CX + dx if tote else CX - w * 0.48
            x1 = x0 + (w * 0.3 if tote else w * 0.96)
            if c.has("crossbody", "shoulder", "saddle"):
                x0, x1 = CX - w + taper + 20, CX + w - taper - 20
            c.add(
                "path",
                d=f"M{_n(x0)} {_n(top + 4)} C{_n(x0)} {_n(top - handle_h)} {_n(x1)} "
                f"{_n(top - handle_h)} {_n(x1)} {_n(top + 4)}",
                fill="none",
                stroke=darken(colour, 0.12),
                stroke_width=14,
                stroke_linecap="round",
            )
    c.add("path", d=body, fill=c.round(colour, 0.22))
    c.add("path", d=body, fill=c.linear([(0, "#ffffff", 0.08), (1, "#000000", 0.12)], 0, 0, 0, 1))
    inset = 12
    c.add(
        "path",
        d=(
            f"M{_n(CX - w + taper + inset)} {_n(top + inset)} L{_n(CX + w - taper - inset)} "
            f"{_n(top + inset)} L{_n(CX + w - inset)} {_n(base - 30)} Q{_n(CX + w - inset)} "
            f"{_n(base - inset)} {_n(CX + w - 30)} {_n(base - inset)} L{_n(CX - w + 30)} "
            f"{_n(base - inset)} Q{_n(CX - w + inset)} {_n(base - inset)} {_n(CX - w + inset)} "
            f"{_n(base - 30)} Z"
        ),
        fill="none",
        stroke=stitch,
        stroke_width=2,
        stroke_dasharray="7 5",
        stroke_opacity=0.7,
    )
    if not tote and not bucket:
        flap_y = top + h * (0.55 if clutch else 0.48)
        c.add(
            "path",
            d=f"M{_n(CX - w + taper)} {_n(top)} L{_n(CX + w - taper)} {_n(top)} "
            f"L{_n(CX + w - taper * 0.4)} {_n(flap_y - 40)} Q{_n(CX)} {_n(flap_y + 30)} "
            f"{_n(CX - w + taper * 0.4)} {_n(flap_y - 40)} Z",
            fill=c.round(darken(colour, 0.05), 0.18),
        )
        c.add("rect", x=CX - 24, y=flap_y - 14, width=48, height=28, rx=6, fill=c.metal("#c9a45c"))
    else:
        c.add("rect", x=CX - 20, y=top + 18, width=40, height=16, rx=4, fill=c.metal("#c9a45c"))
    return Shape(width=w * 2.1, focus=(CX, top + h * 0.45), base=base)


def _glove_path(x: float, y: float, s: float) -> str:
    """One glove, fingers up, its cuff's bottom centre at (x, y)."""
    parts = [rounded_rect_path(x - 82 * s, y - 290 * s, 164 * s, 300 * s, 40 * s)]
    fingers = ((-62, 118), (-22, 142), (18, 134), (56, 104))
    for fx, length in fingers:
        parts.append(
            rounded_rect_path(
                x + (fx - 19) * s, y - (270 + length) * s, 38 * s, (length + 40) * s, 19 * s
            )
        )
    return " ".join(parts)


def _gloves(c: Canvas, base: float) -> Shape:
    colour = c.colour
    s = 1.0
    back = darken(colour, 0.18)
    c.open("g", transform=f"rotate(-12 {CX - 60} {_n(base)})")
    c.add("path", d=_glove_path(CX - 60, base, s), fill=c.round(back, 0.15))
    c.close("g")
    c.open("g", transform=f"rotate(9 {CX + 70} {_n(base)})")
    gx = CX + 70
    c.add("path", d=_glove_path(gx, base, s), fill=c.round(colour, 0.25))
    # Thumb, folded across the palm.
    c.add(
        "path",
        d=rounded_rect_path(gx - 100, base - 240, 42, 120, 21),
        fill=c.round(colour, 0.2),
        transform=f"rotate(-28 {gx - 80} {_n(base - 180)})",
    )
    # Points stitching on the back of the hand, and the cuff.
    for dx in (-30, 4, 38):
        c.add(
            "path",
            d=f"M{_n(gx + dx)} {_n(base - 270)} L{_n(gx + dx)} {_n(base - 180)}",
            stroke=lighten(colour, 0.3),
            stroke_width=2.5,
            stroke_dasharray="5 4",
        )
    c.add(
        "rect",
        x=gx - 82,
        y=base - 70,
        width=164,
        height=8,
        fill=darken(colour, 0.25),
        fill_opacity=0.6,
    )
    if c.has("cashmere-lined", "silk-lined"):
        c.add(
            "rect", x=gx - 82, y=base - 10, width=164, height=12, rx=4, fill=lighten(colour, 0.55)
        )
    if c.has("button"):
        c.add("circle", cx=gx + 40, cy=base - 40, r=9, fill=c.sphere("#b08d57"))
    c.close("g")
    return Shape(width=400, focus=(gx, base - 300), base=base)


def _wallet(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    tall = c.has("passport")
    w = rng.uniform(150, 170) * (0.85 if tall else 1)
    h = w * (1.35 if tall else 0.72 if c.has("card") else 0.85)
    # Propped against an unseen book: a slight lean.
    c.open("g", transform=f"rotate(-6 {CX} {_n(base)})")
    top = base - h
    body = rounded_rect_path(CX - w, top, w * 2, h, 16)
    if c.has("card", "wallet") and not tall:
        c.add("rect", x=CX - w * 0.7, y=top - 34, width=w * 1.2, height=80, rx=6, fill="#efe8dc")
        c.add("rect", x=CX - w * 0.6, y=top - 22, width=w * 0.4, height=6, fill="#cdb89a")
    c.add("path", d=body, fill=c.round(colour, 0.2))
    c.add("path", d=body, fill=c.linear([(0, "#ffffff", 0.1), (1, "#000000", 0.15)], 0, 0, 0, 1))
    c.add(
        "path",
        d=rounded_rect_path(CX - w + 10, top + 10, w * 2 - 20, h - 20, 10),
        fill="none",
        stroke=lighten(colour, 0.35),
        stroke_width=2,
        stroke_dasharray="6 5",
    )
    if c.has("zip"):
        c.add(
            "path",
            d=f"M{_n(CX - w + 6)} {_n(top + 6)} H{_n(CX + w - 6)}",
            stroke=c.metal("#c9a45c"),
            stroke_width=6,
        )
        c.add("rect", x=CX + w - 40, y=top - 2, width=14, height=34, rx=4, fill=c.metal("#c9a45c"))
    elif c.has("key"):
        c.add(
            "circle",
            cx=CX,
            cy=top - 24,
            r=26,
            fill="none",
            stroke=c.metal("#c0c3c7"),
            stroke_width=6,
        )
    else:
        c.add(
            "path",
            d=f"M{_n(CX - w + 22)} {_n(top + h * 0.42)} H{_n(CX + w - 22)}",
            stroke=darken(colour, 0.3),
            stroke_width=2,
            stroke_opacity=0.6,
        )
    c.close("g")
    return Shape(width=w * 2.1, focus=(CX + w * 0.6, top + 20), base=base)


def _belt(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    width = 30 if c.has("skinny") else 44
    hook_y = 250
    metal = "#c0c3c7" if c.has("silver") else "#b08d57"
    left_len, right_len = rng.uniform(440, 490), rng.uniform(370, 420)
    xl, xr = CX - 60, CX + 46
    loop = (
        f"M{_n(xl)} {_n(hook_y + left_len)} L{_n(xl)} {_n(hook_y + 30)} "
        f"Q{_n(xl)} {_n(hook_y - 14)} {_n(CX)} {_n(hook_y - 14)} "
        f"Q{_n(xr + width)} {_n(hook_y - 14)} "
        f"{_n(xr + width)} {_n(hook_y + 30)} L{_n(xr + width)} {_n(hook_y + right_len)}"
    )
    c.add(
        "path",
        d=loop,
        fill="none",
        stroke="#2a1d12",
        stroke_opacity=0.16,
        stroke_width=width,
        filter="url(#blur)",
        transform="translate(16 20)",
    )
    c.add("path", d=loop, fill="none", stroke=darken(colour, 0.1), stroke_width=width)
    c.add(
        "path",
        d=f"M{_n(xl - width / 2)} {_n(hook_y + 40)} V{_n(hook_y + left_len)} "
        f"L{_n(xl)} {_n(hook_y + left_len + width * 0.7)} "
        f"L{_n(xl + width / 2)} {_n(hook_y + left_len)} "
        f"V{_n(hook_y + 40)} Z",
        fill=c.round(colour, 0.3),
    )
    for k in range(5):
        c.add("circle", cx=xl, cy=hook_y + left_len - 50 - k * 34, r=4.5, fill=darken(colour, 0.55))
    c.add(
        "rect",
        x=xr + width / 2,
        y=hook_y + 40,
        width=width,
        height=right_len - 40,
        fill=c.round(colour, 0.3),
    )
    # The brass peg it hangs from.
    c.add("circle", cx=CX - 7, cy=hook_y - 14, r=15, fill=c.sphere("#b08d57", 0.6))
    by = hook_y + right_len - 10
    bw, bh = width * 1.5, width * 1.7
    bx = xr + width
    if c.has("horseshoe", "double-ring"):
        c.add(
            "path",
            d=f"M{_n(bx - bw / 2)} {_n(by)} V{_n(by + bh * 0.4)} A{_n(bw / 2)} {_n(bw / 2)} 0 0 0 "
            f"{_n(bx + bw / 2)} {_n(by + bh * 0.4)} V{_n(by)}",
            fill="none",
            stroke=c.metal(metal),
            stroke_width=9,
        )
    else:
        c.add(
            "rect",
            x=bx - bw / 2,
            y=by,
            width=bw,
            height=bh,
            rx=8,
            fill="none",
            stroke=c.metal(metal),
            stroke_width=9,
        )
    c.add(
        "path",
        d=f"M{_n(bx)} {_n(by - 6)} V{_n(by + bh * 0.75)}",
        stroke=c.metal(metal),
        stroke_width=5,
    )
    for y in (hook_y + 50, hook_y + right_len - 30):
        c.add(
            "path",
            d=f"M{_n(xr + width / 2 + 6)} {_n(y)} H{_n(xr + width * 1.5 - 6)}",
            stroke=lighten(colour, 0.3),
            stroke_width=2,
            stroke_dasharray="4 3",
        )
    return Shape(width=220, focus=(bx, by + 10), base=base, hung=True)


def _stone(c: Canvas) -> str | None:
    """Return the colour of a gem the product's name mentions, if any."""
    for word, hex_ in STONES.items():
        if word in c.name:
            return hex_
    return None


def _plinth(c: Canvas, base: float, w: float, h: float) -> float:
    stone = "#e4dccd"
    c.add("rect", x=CX - w, y=base - h, width=w * 2, height=h, fill=c.round(stone, 0.12))
    c.add(
        "ellipse",
        cx=CX,
        cy=base - h,
        rx=w,
        ry=w * 0.16,
        fill=c.flat(lighten(stone, 0.2), 0.1, 0.05),
    )
    c.add("ellipse", cx=CX, cy=base, rx=w, ry=w * 0.16, fill=darken(stone, 0.22))
    c.add("rect", x=CX - w, y=base - h, width=w * 2, height=h, fill=c.round(stone, 0.12))
    return base - h


def _ring(c: Canvas, base: float) -> Shape:
    colour = c.colour
    top = _plinth(c, base, 150, 150)
    r = 92
    cy = top - r - 4
    band = 26 if c.has("signet", "cocktail", "dome", "band") else 16
    c.add(
        "ellipse",
        cx=CX,
        cy=cy,
        rx=r,
        ry=r * 1.02,
        fill="none",
        stroke=c.metal(colour),
        stroke_width=band,
    )
    c.add(
        "ellipse",
        cx=CX,
        cy=cy,
        rx=r - band / 2 + 2,
        ry=r * 1.02 - band / 2 + 2,
        fill="none",
        stroke=darken(colour, 0.35),
        stroke_width=3,
        stroke_opacity=0.6,
    )
    stone = _stone(c)
    head_y = cy - r
    if c.has("signet"):
        c.add("ellipse", cx=CX, cy=head_y, rx=48, ry=30, fill=c.metal(colour))
        c.add(
            "ellipse", cx=CX, cy=head_y, rx=38, ry=22, fill=darken(colour, 0.12), fill_opacity=0.5
        )
    elif c.has("pavé"):
        for k in range(-3, 4):
            a = math.pi * (1.5 + k * 0.09)
            c.add(
                "circle",
                cx=CX + math.cos(a) * r,
                cy=cy + math.sin(a) * r * 1.02,
                r=8,
                fill=c.sphere(STONES["pavé"], 0.9),
            )
    elif stone:
        size = 34 if c.has("cocktail") else 24
        c.add(
            "path",
            d=f"M{_n(CX - 14)} {_n(head_y + 10)} L{_n(CX - size)} {_n(head_y - 12)} "
            f"M{_n(CX + 14)} {_n(head_y + 10)} L{_n(CX + size)} {_n(head_y - 12)}",
            stroke=c.metal(colour),
            stroke_width=5,
        )
        if c.has("pearl"):
            c.add("circle", cx=CX, cy=head_y - size, r=size, fill=c.sphere(stone, 0.8))
        else:
            c.add(
                "path",
                d=f"M{_n(CX - size)} {_n(head_y - size)} L{_n(CX)} {_n(head_y + 6)} "
                f"L{_n(CX + size)} {_n(head_y - size)} "
                f"L{_n(CX + size * 0.6)} {_n(head_y - size * 1.6)} "
                f"L{_n(CX - size * 0.6)} {_n(head_y - size * 1.6)} Z",
                fill=c.linear([(0, lighten(stone, 0.5)), (0.5, stone), (1, darken(stone, 0.3))]),
            )
            c.add(
                "path",
                d=f"M{_n(CX - size)} {_n(head_y - size)} H{_n(CX + size)}",
                stroke=lighten(stone, 0.6),
                stroke_width=2,
            )
    elif c.has("hammered", "twisted", "knot"):
        for k in range(12):
            a = k * math.tau / 12
            c.add(
                "circle",
                cx=CX + math.cos(a) * r,
                cy=cy + math.sin(a) * r * 1.02,
                r=3,
                fill=lighten(colour, 0.7),
                fill_opacity=0.7,
            )
    focus = (CX, head_y) if stone or c.has("signet", "pavé") else (CX, cy)
    return Shape(width=300, focus=focus, base=base)


def _bust(c: Canvas, base: float) -> tuple[float, float]:
    linen = "#e6dccb"
    brass = "#a88a5c"
    neck_w, shoulder_y = 62, base - 300
    d = (
        f"M{_n(CX - neck_w)} {_n(base - 580)} L{_n(CX - neck_w)} {_n(shoulder_y - 90)} "
        f"C{_n(CX - neck_w)} {_n(shoulder_y - 20)} {_n(CX - 220)} {_n(shoulder_y - 40)} "
        f"{_n(CX - 230)} {_n(shoulder_y + 60)} L{_n(CX - 196)} {_n(base - 70)} "
        f"Q{_n(CX)} {_n(base - 50)} {_n(CX + 196)} {_n(base - 70)} "
        f"L{_n(CX + 230)} {_n(shoulder_y + 60)} "
        f"C{_n(CX + 220)} {_n(shoulder_y - 40)} {_n(CX + neck_w)} {_n(shoulder_y - 20)} "
        f"{_n(CX + neck_w)} {_n(shoulder_y - 90)} L{_n(CX + neck_w)} {_n(base - 580)} Z"
    )
    c.add("ellipse", cx=CX, cy=base - 6, rx=80, ry=13, fill=c.round(brass, 0.4))
    c.add("rect", x=CX - 7, y=base - 80, width=14, height=74, fill=c.round(brass, 0.5))
    c.add("path", d=d, fill=c.round(linen, 0.18))
    c.add("ellipse", cx=CX, cy=base - 580, rx=neck_w, ry=14, fill=darken(linen, 0.1))
    return neck_w, shoulder_y


def _necklace(c: Canvas, base: float) -> Shape:
    colour = c.colour
    neck_w, shoulder_y = _bust(c, base)
    drop = c.rng.uniform(120, 175) if not c.has("choker") else 30
    y0 = shoulder_y - 110
    bottom = shoulder_y + drop
    chain = (
        f"M{_n(CX - neck_w - 4)} {_n(y0)} C{_n(CX - neck_w - 30)} {_n(bottom - 40)} "
        f"{_n(CX - 40)} {_n(bottom)} {_n(CX)} {_n(bottom)} C{_n(CX + 40)} {_n(bottom)} "
        f"{_n(CX + neck_w + 30)} {_n(bottom - 40)} {_n(CX + neck_w + 4)} {_n(y0)}"
    )
    heavy = c.has("herringbone", "curb", "paperclip")
    c.add("path", d=chain, fill="none", stroke=darken(colour, 0.25), stroke_width=7 if heavy else 4)
    c.add(
        "path",
        d=chain,
        fill="none",
        stroke=c.metal(colour),
        stroke_width=5 if heavy else 3,
        stroke_dasharray="9 3" if c.has("paperclip", "curb") else None,
    )
    stone = _stone(c)
    py = bottom + 6
    if c.has("pearl"):
        c.add("circle", cx=CX, cy=py + 16, r=18, fill=c.sphere(STONES["pearl"], 0.8))
    elif c.has("coin", "initial", "locket"):
        c.add("circle", cx=CX, cy=py + 26, r=28, fill=c.metal(colour))
        c.add(
            "circle",
            cx=CX,
            cy=py + 26,
            r=20,
            fill="none",
            stroke=darken(colour, 0.3),
            stroke_width=2,
            stroke_opacity=0.5,
        )
    elif c.has("bar"):
        c.add("rect", x=CX - 40, y=py, width=80, height=12, rx=4, fill=c.metal(colour))
    elif not c.has("chain", "choker", "herringbone", "curb", "paperclip"):
        fill = c.sphere(stone, 0.7) if stone else c.metal(colour)
        c.add(
            "path",
            d=f"M{_n(CX)} {_n(py)} C{_n(CX + 18)} {_n(py + 22)} {_n(CX + 16)} {_n(py + 42)} "
            f"{_n(CX)} {_n(py + 46)} C{_n(CX - 16)} {_n(py + 42)} {_n(CX - 18)} {_n(py + 22)} "
            f"{_n(CX)} {_n(py)} Z",
            fill=fill,
        )
    return Shape(width=460, focus=(CX, bottom), base=base)


def _earring(c: Canvas, x: float, y: float, kind: str, stone: str | None) -> None:
    colour = c.colour
    metal = c.metal(colour)
    c.add(
        "path",
        d=f"M{_n(x - 10)} {_n(y + 8)} Q{_n(x)} {_n(y - 22)} {_n(x + 10)} {_n(y + 8)}",
        fill="none",
        stroke=metal,
        stroke_width=4,
    )
    if kind == "hoop":
        c.add("circle", cx=x, cy=y + 62, r=54, fill="none", stroke=metal, stroke_width=9)
    elif kind == "huggie":
        c.add("circle", cx=x, cy=y + 32, r=24, fill="none", stroke=metal, stroke_width=11)
    elif kind == "pearl":
        c.add("circle", cx=x, cy=y + 26, r=8, fill=metal)
        c.add("circle", cx=x, cy=y + 66, r=28, fill=c.sphere(STONES["pearl"], 0.8))
    elif kind == "orb":
        c.add("circle", cx=x, cy=y + 56, r=30, fill=c.sphere(colour, 0.7))
    else:
        fill = c.sphere(stone, 0.7) if stone else metal
        c.add("circle", cx=x, cy=y + 24, r=8, fill=metal)
        c.add(
            "path",
            d=f"M{_n(x)} {_n(y + 30)} C{_n(x + 30)} {_n(y + 70)} {_n(x + 28)} {_n(y + 120)} "
            f"{_n(x)} {_n(y + 124)} C{_n(x - 28)} {_n(y + 120)} {_n(x - 30)} {_n(y + 70)} {_n(x)} "
            f"{_n(y + 30)} Z",
            fill=fill,
        )


def _earrings(c: Canvas, base: float) -> Shape:
    bar_y = base - 380
    brass = "#a88a5c"
    for x in (CX - 190, CX + 190):
        c.add("rect", x=x - 6, y=bar_y, width=12, height=380, fill=c.round(brass, 0.4))
        c.add("ellipse", cx=x, cy=base - 2, rx=46, ry=9, fill=c.round(brass, 0.4))
    c.add("rect", x=CX - 200, y=bar_y - 8, width=400, height=12, rx=5, fill=c.metal(brass))
    kind = (
        "hoop"
        if c.has("hoop")
        else "huggie"
        if c.has("huggie", "stud")
        else "pearl"
        if c.has("pearl")
        else "orb"
        if c.has("orb", "sculpted")
        else "drop"
    )
    stone = _stone(c)
    for x in (CX - 80, CX + 80):
        c.open("g", transform=f"translate({x} {_n(bar_y)}) scale(1.6) translate({-x} {_n(-bar_y)})")
        _earring(c, x, bar_y + 4, kind, stone)
        c.close("g")
    return Shape(width=420, focus=(CX + 80, bar_y + 100), base=base)


def _bracelet(c: Canvas, base: float) -> Shape:
    colour = c.colour
    metal = c.metal(colour)
    cuff = c.has("cuff")
    enamel = c.has("enamel")
    top = _plinth(c, base, 170, 110)
    r = 120
    cy = top - r * 0.95
    # One lying flat on the plinth, one standing behind it.
    c.add(
        "ellipse",
        cx=CX,
        cy=cy,
        rx=r,
        ry=r * 0.95,
        fill="none",
        stroke=metal,
        stroke_width=28 if cuff else 14,
        stroke_dasharray="600 160" if cuff else None,
    )
    if c.has("chain", "link", "beaded", "pearl"):
        for k in range(22):
            a = k * math.tau / 22
            c.add(
                "circle",
                cx=CX + math.cos(a) * r,
                cy=cy + math.sin(a) * r * 0.95,
                r=10,
                fill=c.sphere(STONES["pearl"] if c.has("pearl") else colour, 0.7),
            )
    c.add(
        "ellipse",
        cx=CX + 20,
        cy=top - 8,
        rx=r * 0.95,
        ry=r * 0.22,
        fill="none",
        stroke=c.sphere(colour, 0.5) if enamel else metal,
        stroke_width=12,
    )
    return Shape(width=360, focus=(CX, cy - r), base=base)


def _watch(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    case = "#d4b06a" if c.has("gold") else "#b9bcbf" if not c.has("titanium") else "#9a9d9f"
    r = 118 * (0.94 if c.has("36 mm") else 1)
    cy = base - 330
    strap_w = r * 0.95
    dial = rng.choice(("#f4efe4", "#f7f4ee", "#1f2430", "#2f4a3a", "#e7ddc9"))
    # The strap runs up the wall and curves over the stand at the bottom.
    c.add(
        "path",
        d=rounded_rect_path(CX - strap_w / 2, cy - 330, strap_w, 320, 18),
        fill=c.round(colour, 0.2),
    )
    c.add(
        "path",
        d=f"M{_n(CX - strap_w / 2)} {_n(cy)} L{_n(CX - strap_w / 2)} {_n(base - 70)} "
        f"Q{_n(CX - strap_w / 2)} {_n(base)} {_n(CX)} {_n(base)} "
        f"Q{_n(CX + strap_w / 2)} {_n(base)} "
        f"{_n(CX + strap_w / 2)} {_n(base - 70)} L{_n(CX + strap_w / 2)} {_n(cy)} Z",
        fill=c.round(colour, 0.2),
    )
    for x in (CX - strap_w / 2 + 9, CX + strap_w / 2 - 9):
        c.add(
            "path",
            d=f"M{_n(x)} {_n(cy - 320)} V{_n(base - 60)}",
            stroke=lighten(colour, 0.35),
            stroke_width=2,
            stroke_dasharray="6 5",
            stroke_opacity=0.7,
        )
    c.add("rect", x=CX + r - 4, y=cy - 16, width=26, height=32, rx=6, fill=c.metal(case))
    if c.has("cushion"):
        c.add(
            "path", d=rounded_rect_path(CX - r, cy - r, r * 2, r * 2, r * 0.4), fill=c.metal(case)
        )
    else:
        c.add("circle", cx=CX, cy=cy, r=r, fill=c.metal(case))
    c.add(
        "circle",
        cx=CX,
        cy=cy,
        r=r * 0.84,
        fill=c.radial([(0, lighten(dial, 0.1)), (1, darken(dial, 0.1))], cx=0.4, cy=0.35, r=0.8),
    )
    ink = "#2a2520" if luminance(dial) > 0.5 else "#efe6d2"
    for k in range(12):
        a = k * math.tau / 12
        inner = 0.66 if k % 3 == 0 else 0.72
        c.add(
            "path",
            d=f"M{_n(CX + math.sin(a) * r * inner)} {_n(cy - math.cos(a) * r * inner)} "
            f"L{_n(CX + math.sin(a) * r * 0.78)} {_n(cy - math.cos(a) * r * 0.78)}",
            stroke=ink,
            stroke_width=4 if k % 3 == 0 else 2,
            stroke_linecap="round",
        )
    if c.has("small-seconds"):
        c.add(
            "circle", cx=CX, cy=cy + r * 0.4, r=r * 0.16, fill="none", stroke=ink, stroke_width=1.5
        )
    if c.has("moonphase"):
        c.add("circle", cx=CX, cy=cy + r * 0.38, r=r * 0.14, fill="#e9c46a")
    hour, minute = rng.uniform(0, math.tau), rng.uniform(0, math.tau)
    for angle, length, width in ((hour, 0.45, 6), (minute, 0.68, 4)):
        c.add(
            "path",
            d=f"M{CX} {_n(cy)} L{_n(CX + math.sin(angle) * r * length)} "
            f"{_n(cy - math.cos(angle) * r * length)}",
            stroke=ink,
            stroke_width=width,
            stroke_linecap="round",
        )
    c.add("circle", cx=CX, cy=cy, r=6, fill=ink)
    c.add(
        "circle",
        cx=CX,
        cy=cy,
        r=r * 0.84,
        fill=c.linear([(0, "#ffffff", 0.35), (0.45, "#ffffff", 0), (1, "#ffffff", 0)], 0, 0, 1, 1),
    )
    return Shape(width=strap_w * 1.6, focus=(CX, cy), base=base)


def _soap(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    dish = "#ddd6ca"
    c.add("ellipse", cx=CX, cy=base - 10, rx=250, ry=42, fill=c.flat(dish, 0.1, 0.25))
    c.add(
        "ellipse", cx=CX, cy=base - 22, rx=236, ry=34, fill=c.flat(lighten(dish, 0.25), 0.1, 0.05)
    )
    bars = 3 if c.has("trio", "guest") else 2
    bar_h, w = 62, rng.uniform(150, 170)
    y = base - 30
    for i in range(bars):
        shade = (lighten(colour, 0.04 * i), 0)
        dx = rng.uniform(-14, 14)
        top = y - bar_h
        c.add(
            "path",
            d=rounded_rect_path(CX - w + dx, top, w * 2, bar_h, 22),
            fill=c.linear([(0, lighten(shade[0], 0.1)), (1, darken(shade[0], 0.22))], 0, 0, 0, 1),
        )
        y = top + 10
    depth = 64
    c.add(
        "path",
        d=f"M{_n(CX - w + 14)} {_n(y)} L{_n(CX + w - 14)} {_n(y)} L{_n(CX + w - 44)} "
        f"{_n(y - depth)} L{_n(CX - w + 44)} {_n(y - depth)} Z",
        fill=c.flat(lighten(colour, 0.14), 0.12, 0.0),
    )
    c.add(
        "ellipse",
        cx=CX,
        cy=y - depth / 2,
        rx=w * 0.45,
        ry=depth * 0.3,
        fill="none",
        stroke=darken(colour, 0.2),
        stroke_width=3,
        stroke_opacity=0.55,
    )
    return Shape(width=520, focus=(CX, y - depth / 2), base=base)


def _bottle(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    w = rng.uniform(92, 108)
    h = rng.uniform(300, 340)
    shoulder = base - h
    body = (
        f"M{_n(CX - w)} {_n(shoulder + 40)} Q{_n(CX - w)} {_n(shoulder)} {_n(CX - w * 0.4)} "
        f"{_n(shoulder - 10)} L{_n(CX - 26)} {_n(shoulder - 22)} "
        f"L{_n(CX - 26)} {_n(shoulder - 60)} L{_n(CX + 26)} {_n(shoulder - 60)} "
        f"L{_n(CX + 26)} {_n(shoulder - 22)} L{_n(CX + w * 0.4)} "
        f"{_n(shoulder - 10)} Q{_n(CX + w)} {_n(shoulder)} {_n(CX + w)} {_n(shoulder + 40)} "
        f"L{_n(CX + w)} {_n(base - 16)} Q{_n(CX + w)} {_n(base)} {_n(CX + w - 16)} {_n(base)} "
        f"L{_n(CX - w + 16)} {_n(base)} Q{_n(CX - w)} {_n(base)} {_n(CX - w)} {_n(base - 16)} Z"
    )
    c.add("path", d=body, fill=c.round(colour, 0.35))
    c.add("path", d=body, fill="#ffffff", fill_opacity=0.05)
    cap = "#1f1c1a" if rng.random() < 0.6 else "#b08d57"
    if c.has("oil"):
        c.add(
            "path", d=rounded_rect_path(CX - 30, shoulder - 100, 60, 44, 8), fill=c.round(cap, 0.3)
        )
        c.add(
            "path",
            d=rounded_rect_path(CX - 20, shoulder - 190, 40, 96, 20),
            fill=c.round("#2a2622", 0.25),
        )
    else:
        c.add(
            "path", d=rounded_rect_path(CX - 32, shoulder - 110, 64, 52, 8), fill=c.round(cap, 0.3)
        )
        c.add("rect", x=CX - 9, y=shoulder - 160, width=18, height=54, fill=c.round(cap, 0.3))
        c.add(
            "path",
            d=rounded_rect_path(CX - 12, shoulder - 176, 120, 26, 10),
            fill=c.round(cap, 0.3),
        )
    label_y = shoulder + h * 0.28
    c.add("rect", x=CX - w * 0.72, y=label_y, width=w * 1.44, height=h * 0.42, rx=3, fill="#f4eee2")
    for k, lw in enumerate((0.9, 0.5, 0.7)):
        c.add(
            "rect",
            x=CX - w * 0.72 * lw,
            y=label_y + h * (0.1 + 0.08 * k),
            width=w * 1.44 * lw,
            height=4 if k == 0 else 2.5,
            fill="#4a403a",
            fill_opacity=0.8 if k == 0 else 0.45,
        )
    c.add(
        "path",
        d=f"M{_n(CX - w * 0.78)} {_n(shoulder + 30)} L{_n(CX - w * 0.78)} {_n(base - 30)}",
        stroke="#ffffff",
        stroke_opacity=0.35,
        stroke_width=8,
        stroke_linecap="round",
    )
    return Shape(width=w * 2.4, focus=(CX, shoulder - 60), base=base)


def _jar(c: Canvas, base: float, *, low: bool = False) -> Shape:
    rng, colour = c.rng, c.colour
    w = rng.uniform(120, 140) * (1.15 if low else 1)
    h = rng.uniform(170, 200) * (0.55 if low else 1)
    top = base - h
    c.add(
        "path",
        d=rounded_rect_path(CX - w, top, w * 2, h, 26 if not low else 18),
        fill=c.round(colour, 0.28),
    )
    lid_h = 34 if not low else 40
    dome = 30 if low or c.has("domed") else 12
    c.add(
        "path",
        d=f"M{_n(CX - w - 6)} {_n(top + 8)} L{_n(CX - w - 6)} {_n(top - lid_h + 10)} "
        f"Q{_n(CX - w - 6)} {_n(top - lid_h - dome)} {_n(CX)} {_n(top - lid_h - dome)} "
        f"Q{_n(CX + w + 6)} {_n(top - lid_h - dome)} {_n(CX + w + 6)} {_n(top - lid_h + 10)} "
        f"L{_n(CX + w + 6)} {_n(top + 8)} Z",
        fill=c.round(lighten(colour, 0.06), 0.3),
    )
    c.add(
        "path",
        d=f"M{_n(CX - w - 6)} {_n(top + 8)} H{_n(CX + w + 6)}",
        stroke=darken(colour, 0.3),
        stroke_width=2,
        stroke_opacity=0.5,
    )
    c.add(
        "ellipse",
        cx=CX,
        cy=top - lid_h - dome - 4,
        rx=18,
        ry=10,
        fill=c.sphere("#b08d57" if low else darken(colour, 0.1), 0.5),
    )
    if not low:
        # A little heap of salts in front of the jar.
        for _ in range(26):
            x = CX + w * 0.9 + rng.uniform(-70, 70)
            y = base + rng.uniform(6, 26) - max(0, 24 - abs(x - CX - w * 0.9) * 0.3)
            c.add("circle", cx=x, cy=y, r=rng.uniform(3, 6), fill=c.sphere("#f8f5ee", 0.4))
    focus = (CX, top - lid_h) if low else (CX + w * 0.8, base - 20)
    return Shape(width=w * 2.3, focus=focus, base=base)


def _trinket(c: Canvas, base: float) -> Shape:
    shape = _jar(c, base, low=True)
    # A ring set down beside the box.
    c.add(
        "ellipse",
        cx=CX + 200,
        cy=base - 10,
        rx=36,
        ry=12,
        fill="none",
        stroke=c.metal("#d4b06a"),
        stroke_width=7,
    )
    return shape


def _giftbox(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    w = rng.uniform(165, 185)
    h = rng.uniform(160, 200)
    dx, dy = 70, -56
    x0, x1, y0, y1 = CX - w - 20, CX + w - 50, base - h, base
    ribbon = "#f1e9da" if luminance(colour) < 0.6 else "#7a1f2b"
    lid = 40

    def quad(*points) -> str:
        return "M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in points) + " Z"

    c.add(
        "path",
        d=quad((x1, y0), (x1 + dx, y0 + dy), (x1 + dx, y1 + dy), (x1, y1)),
        fill=c.flat(darken(colour, 0.22), 0.0, 0.1),
    )
    c.add("rect", x=x0, y=y0, width=x1 - x0, height=h, fill=c.flat(colour, 0.04, 0.14))
    c.add(
        "path",
        d=quad((x0, y0), (x1, y0), (x1 + dx, y0 + dy), (x0 + dx, y0 + dy)),
        fill=c.flat(lighten(colour, 0.16), 0.05, 0.0),
    )
    # The lid's lower edge, with the shadow it casts.
    c.add(
        "path",
        d=f"M{_n(x0)} {_n(y0 + lid)} H{_n(x1)} L{_n(x1 + dx)} {_n(y0 + lid + dy)}",
        fill="none",
        stroke=darken(colour, 0.3),
        stroke_width=2.5,
        stroke_opacity=0.6,
    )
    c.add("rect", x=x0, y=y0 + lid + 1, width=x1 - x0, height=8, fill="#000000", fill_opacity=0.06)
    # Ribbon: down the front and side, across the top both ways, and a bow.
    xm = (x0 + x1) / 2
    rw = 14
    c.add("rect", x=xm - rw, y=y0, width=rw * 2, height=h, fill=c.round(ribbon, 0.3))
    c.add(
        "path",
        d=quad((xm - rw, y0), (xm + rw, y0), (xm + rw + dx, y0 + dy), (xm - rw + dx, y0 + dy)),
        fill=lighten(ribbon, 0.1),
    )
    c.add(
        "path",
        d=quad(
            (x0 + dx / 2, y0 + dy / 2 - rw * 0.55),
            (x1 + dx / 2, y0 + dy / 2 - rw * 0.55),
            (x1 + dx / 2, y0 + dy / 2 + rw * 0.55),
            (x0 + dx / 2, y0 + dy / 2 + rw * 0.55),
        ),
        fill=ribbon,
    )
    c.add(
        "path",
        d=quad(
            (x1 + dx / 2 - rw * 0.7, y0 + dy / 2),
            (x1 + dx / 2 + rw * 0.7, y0 + dy / 2 - rw * 0.5),
            (x1 + dx / 2 + rw * 0.7, y1 + dy / 2 - rw * 0.5),
            (x1 + dx / 2 - rw * 0.7, y1 + dy / 2),
        ),
        fill=darken(ribbon, 0.15),
    )
    bx, by = xm + dx / 2, y0 + dy / 2
    for side in (-1, 1):
        c.add(
            "path",
            d=f"M{_n(bx)} {_n(by)} Q{_n(bx + side * 34)} {_n(by + 40)} {_n(bx + side * 50)} "
            f"{_n(by + 78)}",
            fill="none",
            stroke=darken(ribbon, 0.05),
            stroke_width=13,
        )
        c.add(
            "path",
            d=f"M{_n(bx)} {_n(by)} C{_n(bx + side * 40)} {_n(by - 78)} {_n(bx + side * 118)} "
            f"{_n(by - 46)} {_n(bx + side * 74)} {_n(by - 2)} C{_n(bx + side * 54)} {_n(by + 14)} "
            f"{_n(bx + side * 22)} {_n(by + 6)} {_n(bx)} {_n(by)} Z",
            fill=c.round(ribbon, 0.35),
        )
    c.add("ellipse", cx=bx, cy=by, rx=17, ry=13, fill=c.sphere(ribbon, 0.3))
    return Shape(width=(x1 - x0 + dx) * 1.1, focus=(bx, by), base=base)


def _notebook(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    w = rng.uniform(190, 210) * (0.8 if c.has("pocket") else 1)
    paper = "#f4eee2"
    tones = [mix(colour, "#d8cdbb", 0.7), mix(colour, "#e8dfd0", 0.45), colour]
    slab = 30
    y = base
    for i, tone in enumerate(tones):
        shift = rng.uniform(-18, 18) if i else 0
        x0 = CX - w + shift
        c.add(
            "path", d=rounded_rect_path(x0, y - slab, w * 2, slab, 4), fill=c.flat(tone, 0.05, 0.2)
        )
        c.add("rect", x=x0 + 6, y=y - slab + 6, width=w * 2 - 18, height=slab - 12, fill=paper)
        for k in (1, 2):
            c.add(
                "rect",
                x=x0 + 6,
                y=y - slab + 6 + k * (slab - 12) / 3,
                width=w * 2 - 18,
                height=0.8,
                fill="#cbbfae",
            )
        y -= slab
    x0 = CX - w
    depth = 74
    top = (
        f"M{_n(x0)} {_n(y + 1)} L{_n(x0 + w * 2)} {_n(y + 1)} "
        f"L{_n(x0 + w * 2 - 40)} {_n(y - depth)} "
        f"L{_n(x0 + 40)} {_n(y - depth)} Z"
    )
    c.add("path", d=top, fill=c.flat(lighten(colour, 0.1), 0.1, 0.0))
    if c.has("marbled"):
        for _ in range(10):
            mx, my = CX + rng.uniform(-w * 0.7, w * 0.6), y - rng.uniform(10, depth - 10)
            c.add(
                "path",
                d=f"M{_n(mx - 30)} {_n(my)} q15 -10 30 0 t30 0",
                fill="none",
                stroke=lighten(colour, 0.45),
                stroke_width=2.5,
                stroke_opacity=0.6,
            )
    # The elastic closure over the top and down the front, and a ribbon marker.
    ex = x0 + w * 2 - 70
    c.add(
        "path",
        d=f"M{_n(ex)} {_n(y + 1)} L{_n(ex - 22)} {_n(y - depth)}",
        stroke=darken(colour, 0.5),
        stroke_width=7,
    )
    c.add("rect", x=ex - 3.5, y=y, width=7, height=slab, fill=darken(colour, 0.5))
    c.add(
        "path",
        d=f"M{_n(CX - w * 0.3)} {_n(y + slab - 6)} l0 44 l8 -8 l8 8 l0 -44 Z",
        fill="#b5654a" if luminance(colour) > 0.35 else "#c9a45c",
    )
    return Shape(width=w * 2.2, focus=(ex, y - depth * 0.4), base=base)


def _pen(c: Canvas, base: float) -> Shape:
    colour = c.colour
    nib = c.metal("#c9a45c" if not c.has("silver") else "#c3c5c8")
    tray = "#e2d9ca"
    # An ink bottle behind, and a stone tray the pen rests on.
    c.add(
        "path",
        d=rounded_rect_path(CX - 210, base - 200, 130, 150, 22),
        fill=c.round("#2a2f3a", 0.3),
    )
    c.add(
        "rect", x=CX - 172, y=base - 228, width=54, height=32, rx=5, fill=c.round("#1b1b1b", 0.25)
    )
    c.add(
        "path", d=rounded_rect_path(CX - 270, base - 64, 540, 64, 32), fill=c.flat(tray, 0.12, 0.22)
    )
    c.add(
        "path",
        d=rounded_rect_path(CX - 256, base - 58, 512, 40, 20),
        fill=c.flat(darken(tray, 0.07), 0, 0.04),
    )
    c.open("g", transform=f"rotate(-6 {CX} {_n(base - 50)})")
    y = base - 58
    c.add("path", d=rounded_rect_path(CX - 250, y - 19, 190, 38, 17), fill=c.round(colour, 0.4))
    c.add("path", d=rounded_rect_path(CX - 64, y - 17, 230, 34, 10), fill=c.round(colour, 0.4))
    c.add(
        "path",
        d=f"M{_n(CX + 164)} {_n(y - 12)} L{_n(CX + 236)} {_n(y)} L{_n(CX + 164)} {_n(y + 12)} Z",
        fill=nib,
    )
    c.add("rect", x=CX - 66, y=y - 19, width=10, height=38, fill=nib)
    c.add("rect", x=CX - 220, y=y - 27, width=130, height=8, rx=4, fill=nib)
    c.add("rect", x=CX - 244, y=y - 19, width=8, height=38, fill=nib)
    c.close("g")
    return Shape(width=560, focus=(CX + 170, base - 70), base=base)


def _frame(c: Canvas, base: float) -> Shape:
    rng, colour = c.rng, c.colour
    w = rng.uniform(165, 185)
    h = w * 1.28
    top = base - h * 2
    metal = c.has("brass", "silver")
    moulding = 34 if c.has("deep-set", "gallery") else 22
    paint = c.metal(colour) if metal else c.round(colour, 0.2)
    c.add("rect", x=CX - w, y=top, width=w * 2, height=h * 2, rx=2, fill=paint)
    c.add(
        "rect",
        x=CX - w + moulding,
        y=top + moulding,
        width=(w - moulding) * 2,
        height=(h - moulding) * 2,
        fill=darken(colour, 0.3),
        fill_opacity=0.6,
    )
    mat = 36
    ix, iy = CX - w + moulding + 3, top + moulding + 3
    iw, ih = (w - moulding - 3) * 2, (h - moulding - 3) * 2
    c.add("rect", x=ix, y=iy, width=iw, height=ih, fill="#f6f1e7")
    px, py, pw, ph = ix + mat, iy + mat, iw - 2 * mat, ih - 2 * mat
    sky = rng.choice(("#e9d9c1", "#dfe3dc", "#efd6c6"))
    c.add("rect", x=px, y=py, width=pw, height=ph, fill=sky)
    c.add(
        "circle",
        cx=px + pw * 0.68,
        cy=py + ph * 0.36,
        r=pw * 0.14,
        fill="#d08b5b",
        fill_opacity=0.85,
    )
    c.add(
        "path",
        d=f"M{_n(px)} {_n(py + ph * 0.7)} Q{_n(px + pw * 0.35)} {_n(py + ph * 0.52)} "
        f"{_n(px + pw * 0.6)} {_n(py + ph * 0.68)} T{_n(px + pw)} {_n(py + ph * 0.62)} "
        f"V{_n(py + ph)} H{_n(px)} Z",
        fill="#8f9a7a",
    )
    c.add(
        "path",
        d=f"M{_n(px)} {_n(py + ph * 0.82)} Q{_n(px + pw * 0.5)} {_n(py + ph * 0.7)} "
        f"{_n(px + pw)} {_n(py + ph * 0.84)} V{_n(py + ph)} H{_n(px)} Z",
        fill="#5f6b52",
    )
    c.add(
        "rect",
        x=ix,
        y=iy,
        width=iw,
        height=ih,
        fill=c.linear(
            [(0, "#ffffff", 0.3), (0.4, "#ffffff", 0.0), (1, "#ffffff", 0.0)], 0, 0, 1, 1
        ),
    )
    for x0, y0, x1, y1 in (
        (CX - w, top, ix, iy),
        (CX + w, top, ix + iw, iy),
        (CX - w, top + h * 2, ix, iy + ih),
        (CX + w, top + h * 2, ix + iw, iy + ih),
    ):
        c.add(
            "path",
            d=f"M{_n(x0)} {_n(y0)} L{_n(x1)} {_n(y1)}",
            stroke=darken(colour, 0.3),
            stroke_width=1.5,
            stroke_opacity=0.5,
        )
    return Shape(width=w * 2.2, focus=(CX - w + 20, top + 20), base=base)


# How much larger than drawn each motif appears, so that every picture is well filled.
SCALES = {
    "vase": 1.15, "bowl": 1.2, "candle": 1.35, "throw": 1.2, "cushion": 1.1, "glass": 1.35,
    "plate": 1.1, "carafe": 1.15, "napkin": 1.3, "towel": 1.25, "scarf": 1.0, "handbag": 1.3,
    "gloves": 1.15, "wallet": 1.45, "belt": 1.0, "ring": 1.3, "necklace": 1.05, "earrings": 1.0,
    "bracelet": 1.2, "watch": 1.1, "soap": 1.2, "bottle": 1.2, "jar": 1.35, "trinket": 1.5,
    "giftbox": 1.3, "notebook": 1.25, "pen": 1.15, "frame": 1.15,
}  # fmt: skip

MOTIFS: dict[str, Callable[[Canvas, float], Shape]] = {
    "vase": _vase,
    "vessel": _vase,
    "bowl": _bowl,
    "candle": _candle,
    "throw": _throw,
    "cushion": _cushion,
    "glass": _glass,
    "plate": _plate,
    "carafe": _carafe,
    "napkin": _napkin,
    "towel": _towel,
    "scarf": _scarf,
    "handbag": _handbag,
    "gloves": _gloves,
    "wallet": _wallet,
    "belt": _belt,
    "ring": _ring,
    "necklace": _necklace,
    "earrings": _earrings,
    "bracelet": _bracelet,
    "watch": _watch,
    "soap": _soap,
    "bottle": _bottle,
    "jar": _jar,
    "trinket": _trinket,
    "giftbox": _giftbox,
    "notebook": _notebook,
    "pen": _pen,
    "frame": _frame,
}


# The scene ----------------------------------------------------------------------------


def render_art(
    *, product_id: int, title: str, motif: str, seed: int, colour_hex: str, view: str = "front"
) -> str:
    """Return the SVG still-life of a product in one colour, seen from ``view``.

    ``front`` is the object alone, centred; ``detail`` looks closely at one part of it;
    ``side`` shows it lit from the other side beside a small stone.
    """
    colour = valid_colour(colour_hex)
    draw = MOTIFS.get(motif, _vase)
    # Shape and ground come from the product alone, so every view shows the same object.
    rng = random.Random(f"{product_id}:{seed}:{motif}")
    pale = luminance(colour) > 0.72
    wall_top, wall_bottom, table_near, table_far = rng.choice(DEEP_GROUNDS if pale else GROUNDS)
    horizon = rng.uniform(600, 640)
    base = rng.uniform(815, 835)

    canvas = Canvas(rng, colour, title)
    shape = draw(canvas, base)
    side = view == "side"
    k = 1.0 if shape.hung else SCALES.get(motif, 1.15)
    shift = 0.0
    if side and not shape.hung:
        k *= 0.9
        shift = -70.0
    x = CX + shift
    w = shape.width * k
    fx, fy = x + (shape.focus[0] - CX) * k, base + (shape.focus[1] - base) * k
    contact = canvas.radial([(0, "#2a1d12", 0.38), (0.6, "#2a1d12", 0.12), (1, "#2a1d12", 0)])
    cast = canvas.radial([(0, "#2a1d12", 0.16), (1, "#2a1d12", 0)])

    scene = [
        f'<rect x="-800" y="-1000" width="2400" height="{_n(horizon + 1000)}" fill="url(#wall)"/>',
        f'<rect x="-800" y="{_n(horizon)}" width="2400" height="{_n(2000 - horizon)}" '
        'fill="url(#table)"/>',
        f'<rect x="-800" y="{_n(horizon)}" width="2400" height="2" fill="#fffaf0" '
        'fill-opacity="0.55"/>',
        f'<rect x="-800" y="{_n(horizon + 2)}" width="2400" height="10" fill="#3a2a1a" '
        'fill-opacity="0.04"/>',
    ]
    if not shape.hung:
        scene += [
            f'<ellipse cx="{_n(x + w * 0.32)}" cy="{_n(shape.base - 8)}" rx="{_n(w * 0.72)}" '
            f'ry="{_n(max(24, w * 0.1))}" fill="{cast}" filter="url(#blur)"/>',
            f'<ellipse cx="{_n(x)}" cy="{_n(shape.base)}" rx="{_n(w * 0.56)}" '
            f'ry="{_n(max(12, w * 0.06))}" fill="{contact}"/>',
        ]
    stone_x = x + w / 2 + 80
    if side and not shape.hung and stone_x < 730:
        pebble = canvas.sphere(mix(table_near, "#8a7f70", 0.25), 0.45)
        scene += [
            f'<ellipse cx="{_n(stone_x + 10)}" cy="{_n(base + 30)}" rx="60" ry="11" '
            f'fill="{contact}"/>',
            f'<ellipse cx="{_n(stone_x)}" cy="{_n(base + 2)}" rx="46" ry="32" fill="{pebble}"/>',
        ]
    scene += [
        f'<g transform="translate({_n(x)} {_n(base)}) scale({k:g}) translate({-CX} {_n(-base)})">',
        *canvas.parts,
        "</g>",
    ]
    if view == "detail":
        scene = [
            f'<g transform="translate(400 500) scale(2.1) translate({_n(-fx)} {_n(-fy)})">',
            *scene,
            "</g>",
        ]
    elif side:
        # Mirrored: the light now falls from the right.
        scene = ['<g transform="translate(800 0) scale(-1 1)">', *scene, "</g>"]

    light_x = 0.78 if side else 0.22
    defs = [
        f'<linearGradient id="wall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" '
        f'stop-color="{wall_top}"/><stop offset="1" stop-color="{wall_bottom}"/></linearGradient>',
        f'<linearGradient id="table" x1="0" y1="0" x2="0" y2="1"><stop offset="0" '
        f'stop-color="{table_far}"/><stop offset="1" stop-color="{table_near}"/></linearGradient>',
        f'<radialGradient id="light" cx="{light_x:g}" cy="0.12" r="0.85"><stop offset="0" '
        'stop-color="#fffdf7" stop-opacity="0.75"/><stop offset="1" stop-color="#fffdf7" '
        'stop-opacity="0"/></radialGradient>',
        '<radialGradient id="vignette" cx="0.5" cy="0.45" r="0.75"><stop offset="0.6" '
        'stop-color="#3a2a1a" stop-opacity="0"/><stop offset="1" stop-color="#3a2a1a" '
        'stop-opacity="0.14"/></radialGradient>',
        '<filter id="blur" x="-50%" y="-50%" width="200%" height="200%">'
        '<feGaussianBlur stdDeviation="16"/></filter>',
        *canvas.defs,
    ]
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="t">',
            f'<title id="t">{escape(title)}</title>',
            "<defs>",
            *defs,
            "</defs>",
            *scene,
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="url(#light)"/>',
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="url(#vignette)"/>',
            "</svg>",
        ]
    )


def art_url(product_id: int, name: str = "front", variant_id: int | None = None) -> str:
    """Return the URL of a product's artwork, for one view and optionally one variant."""
    return reverse("catalog:art", args=[product_id, f"{name}-{variant_id}" if variant_id else name])


def _swatch(**variant_filters) -> Subquery:
    """Return a subquery for the colour of the product's first variant matching the filters."""
    return Subquery(
        Variant.objects.filter(product=OuterRef("pk"), **variant_filters)
        .order_by("position", "id")
        .values("colour_hex")[:1]
    )


@require_safe
def product_art(request, product_id, name):
    """Serve a product's generated artwork as SVG, cached publicly for a day.

    ``name`` is the view, optionally with a variant id: ``front``, ``detail-42``.
    Without a variant the picture takes the first variant's colour.
    """
    match = _NAME.match(name)
    if not match:
        raise Http404("No such view")
    view, variant_id = match.group(1), match.group(2)
    row = (
        Product.objects.filter(pk=product_id)
        .values("id", "name", "art_motif", "art_seed")
        .annotate(colour=_swatch(pk=variant_id) if variant_id else _swatch())
        .first()
    )
    if row is None or (variant_id and row["colour"] is None):
        raise Http404("No such product")
    colour = row["colour"]
    svg = render_art(
        product_id=row["id"],
        title=row["name"],
        motif=row["art_motif"],
        seed=row["art_seed"],
        colour_hex=colour or "",
        view=view,
    ).encode()
    etag = quote_etag(hashlib.sha256(svg).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(svg, content_type="image/svg+xml")
    response.headers["ETag"] = etag
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
