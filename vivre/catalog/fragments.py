"""Cached HTML of the catalogue's listings, always as fresh as the catalogue itself.

Each fragment's cache key carries the catalogue's version: the newest
``Product.updated_at``. Every change a shopper can see on a listing — a price, a
stock state, a product switched off — saves its product (``refresh_summary``), so
the version moves and old fragments are simply never asked for again. Reading the
version is one indexed ``MAX()``: correct across every app server, with no
invalidation messages to lose.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.db import connection

# Bounds how long a department or category rename takes to show (they do not
# move the version); products are never stale.
FRAGMENT_SECONDS = 300


def catalog_version() -> str:
    """Return a token that changes whenever any product changes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(updated_at) FROM catalog_product")
        (newest,) = cursor.fetchone()
    return str(newest or "empty").replace(" ", "T")


def cached_fragment(key: str, build: Callable[[], object], *, version: str | None = None):
    """Return the cached value for ``key`` at the current catalogue version, building it once."""
    full_key = f"catalog:{version or catalog_version()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value, FRAGMENT_SECONDS)
    return value
