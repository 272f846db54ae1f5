"""The customer service section (P25): its pages, their groups, and the policy date (P2).

Each page starts life as a Markdown file in ``content/<slug>.md``; a data migration
loads the files into ``Page`` rows, and from then on staff edit them in the admin.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache
from django.db import DatabaseError, transaction

# In the order the footer and the side navigation list them.
SERVICE_PAGES = [
    ("first-time-shoppers", "First-time shoppers"),
    ("shop-with-confidence", "Shop with confidence"),
    ("your-account", "Your account"),
    ("your-order", "Your order"),
    ("sending-a-gift", "Sending a gift"),
    ("payment-information", "Payment information"),
    ("shipping", "Shipping"),
    ("returns-and-exchanges", "Returns and exchanges"),
    ("terms-of-use", "Terms of use"),
    ("get-in-touch", "Get in touch"),
    ("privacy-policy", "Privacy policy"),
    ("security-policy", "Security policy"),
]

SERVICE_LINKS = [{"url": f"/service/{slug}/", "title": title} for slug, title in SERVICE_PAGES]

# How the customer service index groups the pages; a page staff add later, in no
# group, is listed under "More".
SERVICE_GROUPS = [
    ("Shopping with Vivre", ["first-time-shoppers", "shop-with-confidence", "your-account"]),
    (
        "Orders and delivery",
        [
            "your-order",
            "sending-a-gift",
            "payment-information",
            "shipping",
            "returns-and-exchanges",
        ],
    ),
    ("Policies and contact", ["get-in-touch", "privacy-policy", "security-policy", "terms-of-use"]),
]

PRIVACY_POLICY_SLUG = "privacy-policy"
POLICY_REVISED_CACHE_KEY = "storefront:privacy-policy-revised"
POLICY_REVISED_SECONDS = 60
FIRST_REVISION = datetime.date(2026, 11, 25)
CONTENT_DIR = Path(__file__).resolve().parent / "content"

_MISSING = "missing"


@dataclass(frozen=True)
class PageSource:
    """A service page as first written, from its Markdown file."""

    slug: str
    title: str
    summary: str
    body: str


def read_page_source(slug: str) -> PageSource:
    """Read ``content/<slug>.md``: ``key: value`` lines between ``---`` lines, then the body."""
    text = (CONTENT_DIR / f"{slug}.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = {}
    for line in front.strip().splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    return PageSource(
        slug=slug, title=meta["title"], summary=meta["summary"], body=body.strip() + "\n"
    )


def create_missing_pages(page_model) -> int:
    """Create, from the Markdown files, every service page that does not exist yet.

    Existing pages are left as staff last saved them. ``page_model`` is the model
    to use (a migration passes its historical one). Return how many were created.
    """
    created = 0
    for position, (slug, _) in enumerate(SERVICE_PAGES, start=1):
        source = read_page_source(slug)
        _, was_created = page_model.objects.get_or_create(
            slug=slug,
            defaults={
                "title": source.title,
                "summary": source.summary,
                "body": source.body,
                "position": position * 10,
                "revised_on": FIRST_REVISION,
            },
        )
        created += was_created
    return created


def group_pages(pages) -> list[tuple[str, list]]:
    """Return the pages in the index's groups, each group in the pages' own order."""
    by_slug = {page.slug: page for page in pages}
    grouped: list[tuple[str, list]] = []
    placed: set[str] = set()
    for heading, slugs in SERVICE_GROUPS:
        members = [page for page in pages if page.slug in slugs]
        placed.update(page.slug for page in members)
        if members:
            grouped.append((heading, members))
    rest = [page for slug, page in by_slug.items() if slug not in placed]
    if rest:
        grouped.append(("More", rest))
    return grouped


def privacy_policy_revised() -> datetime.date | None:
    """Return the date the privacy policy was last revised (shown on every page, P2).

    Cached for a minute (saving a page clears it); None while the page does not
    exist, as on a database that is not migrated yet.
    """
    revised = cache.get(POLICY_REVISED_CACHE_KEY)
    if revised is None:
        from .models import Page

        try:
            # A savepoint, so that a missing table cannot spoil a surrounding transaction.
            with transaction.atomic():
                revised = (
                    Page.objects.filter(slug=PRIVACY_POLICY_SLUG)
                    .values_list("revised_on", flat=True)
                    .first()
                )
        except DatabaseError:
            return None
        cache.set(POLICY_REVISED_CACHE_KEY, revised or _MISSING, POLICY_REVISED_SECONDS)
    return None if revised == _MISSING else revised
