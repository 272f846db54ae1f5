"""Markdown for staff-written pages: rendered, sanitised, cached, with the store's details.

Staff are trusted to write the shop's words, not its code: whatever a body holds,
the HTML that reaches a customer is limited to the tags below (no scripts, styles,
event handlers or ``javascript:`` links).

A body may name the store's contact details as ``{{ store.CARE_EMAIL }}``. That is
not template code: only the names in ``STORE_PLACEHOLDERS`` are recognised, and
their values are filled in, HTML-escaped, each time a page is shown, so a change
in settings shows at once even though the rendered HTML is cached.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import markdown as python_markdown
import nh3
from django.conf import settings
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Bump when the renderer or the allowed HTML changes, so cached pages are redone.
RENDERER_VERSION = 1
CACHE_SECONDS = 24 * 60 * 60

EXTENSIONS = ["attr_list", "toc", "tables", "sane_lists"]
EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
ALLOWED_TAGS = HEADINGS | {
    "p",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "code",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "blockquote",
    "hr",
    "address",
    "br",
}
ALLOWED_ATTRIBUTES = {
    **{h: {"id"} for h in HEADINGS},
    "a": {"href"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def _dial(number: str) -> str:
    return re.sub(r"[^0-9+]", "", number)


# Placeholder name -> how to read it from settings.VIVRE.
STORE_PLACEHOLDERS = {
    "STORE_NAME": lambda v: v["STORE_NAME"],
    "POSTAL_ADDRESS": lambda v: v["POSTAL_ADDRESS"],
    "CARE_EMAIL": lambda v: v["CARE_EMAIL"],
    "CARE_PHONE": lambda v: v["CARE_PHONE"],
    "CARE_PHONE_DIAL": lambda v: _dial(v["CARE_PHONE"]),
}
_PLACEHOLDER = re.compile(r"\{\{\s*store\.([A-Z_]+)\s*\}\}")
# What a placeholder becomes while Markdown runs: plain letters, which neither
# Markdown nor the sanitiser touch, and which survive inside a link's address.
_TOKEN = re.compile(r"vivrestoreplaceholder([A-Z_]+)end")


@dataclass(frozen=True)
class TocEntry:
    """A heading of a rendered document, for its table of contents."""

    id: str
    title: str
    level: int
    children: tuple[TocEntry, ...] = field(default=())


@dataclass(frozen=True)
class Rendered:
    """A rendered document: safe HTML (still holding store tokens) and its headings."""

    html: str
    toc: tuple[TocEntry, ...]


def _tokenise(text: str) -> str:
    def to_token(match: re.Match) -> str:
        name = match.group(1)
        return f"vivrestoreplaceholder{name}end" if name in STORE_PLACEHOLDERS else match.group(0)

    return _PLACEHOLDER.sub(to_token, text)


def _fill_store_details(rendered_html: str) -> SafeString:
    values = settings.VIVRE

    def to_value(match: re.Match) -> str:
        return escape(STORE_PLACEHOLDERS[match.group(1)](values))

    return mark_safe(_TOKEN.sub(to_value, rendered_html))  # noqa: S308 - sanitised, escaped


def sanitise(raw_html: str) -> str:
    """Return the HTML with everything outside the allowed tags and attributes removed."""
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def _toc_entries(tokens: list[dict]) -> tuple[TocEntry, ...]:
    return tuple(
        TocEntry(
            id=t["id"],
            title=html.unescape(t["name"]),
            level=t["level"],
            children=_toc_entries(t["children"]),
        )
        for t in tokens
    )


def render_document(text: str) -> Rendered:
    """Render Markdown to sanitised HTML and collect its headings (store tokens left in)."""
    md = python_markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    raw = md.convert(_tokenise(text))
    return Rendered(html=sanitise(raw), toc=_toc_entries(md.toc_tokens))


def render_markdown(text: str) -> SafeString:
    """Return the Markdown as sanitised HTML, with the store's details filled in."""
    return _fill_store_details(render_document(text).html)


def render_page(page) -> tuple[SafeString, tuple[TocEntry, ...]]:
    """Return a service page's body as safe HTML and its table of contents.

    The rendering is cached under the page's id and last change, so an edit is
    shown at once and an unchanged page is rendered once.
    """
    key = f"storefront:page:{RENDERER_VERSION}:{page.pk}:{page.updated_at.timestamp()}"
    rendered = cache.get(key)
    if rendered is None:
        rendered = render_document(page.body)
        cache.set(key, rendered, CACHE_SECONDS)
    return _fill_store_details(rendered.html), rendered.toc
