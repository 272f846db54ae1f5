"""Throttling of guessable lookups (order status by number, later sign-in), shared by
every app server because the attempts live in the database."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import ThrottledAttempt


def _key(scope: str, value: str) -> str:
    # Keyed hash: the table never holds an IP or an e-mail in clear.
    digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256)
    return f"{scope}:{digest.hexdigest()[:40]}"


def is_throttled(*, scope: str, values: list[str], limit: int, window: timedelta) -> bool:
    """Return True if any of ``values`` (an IP, an order number…) used up its attempts."""
    since = timezone.now() - window
    keys = [_key(scope, v) for v in values if v]
    counts = (
        ThrottledAttempt.objects.filter(key__in=keys, created_at__gte=since)
        .values("key")
        .order_by()
    )
    per_key: dict[str, int] = {}
    for row in counts:
        per_key[row["key"]] = per_key.get(row["key"], 0) + 1
    return any(n >= limit for n in per_key.values())


def record_failure(*, scope: str, values: list[str]) -> None:
    """Count one failed attempt against each of ``values``."""
    ThrottledAttempt.objects.bulk_create(
        [ThrottledAttempt(key=_key(scope, v)) for v in values if v]
    )


def clear_old_attempts(*, now=None) -> int:
    """Delete attempts older than a day (a retention rule). Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=1)
    deleted, _ = ThrottledAttempt.objects.filter(created_at__lt=cutoff).delete()
    return deleted
