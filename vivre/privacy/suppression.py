"""The suppression list: addresses no mailing may reach, kept as keyed hashes (P16, P22).

An address lands here when its account is closed (and, later, on an unsubscribe
from everything or a hard bounce). Campaigns ask :func:`may_send_marketing` at
send time: consent alone is not enough for a suppressed address, the consent
must be newer than the suppression. So the same address registering again is a
new customer who opts in afresh, and an old opt-in filed under the address
never revives (docs/decisions/0003-erasure-keeps-orders.md).
"""

from __future__ import annotations

from datetime import datetime

from .consent import Purpose, subject_key_for_email
from .models import ConsentRecord, Suppression

Reason = Suppression.Reason


def suppress(email: str, reason: str) -> Suppression:
    """Put ``email`` on the suppression list, as a keyed hash, for ``reason``."""
    if reason not in Reason.values:
        raise ValueError(f"Unknown suppression reason {reason!r}")
    if not (email or "").strip():
        raise ValueError("An empty address cannot be suppressed.")
    return Suppression.objects.create(email_key=subject_key_for_email(email), reason=reason)


def suppressed_since(email: str) -> datetime | None:
    """Return when ``email`` was last put on the list, or None if it never was."""
    if not (email or "").strip():
        return None
    return (
        Suppression.objects.filter(email_key=subject_key_for_email(email))
        .order_by("-id")
        .values_list("created_at", flat=True)
        .first()
    )


def is_suppressed(email: str) -> bool:
    """Return True if ``email`` is on the suppression list."""
    return suppressed_since(email) is not None


def may_send_marketing(*, email: str, purpose: str, subject_keys: list[str]) -> bool:
    """Return True if a marketing mail for ``purpose`` may go to ``email`` now.

    The current consent is the newest choice for ``purpose`` across
    ``subject_keys`` (the account's key and the address's key). It must grant the
    purpose; and if the address is suppressed, it must have been given after the
    suppression. Call it at send time, for every recipient.
    """
    if purpose not in Purpose.values:
        raise ValueError(f"Unknown consent purpose {purpose!r}")
    if not (email or "").strip() or not subject_keys:
        return False
    newest = (
        ConsentRecord.objects.filter(subject_key__in=list(subject_keys), purpose=purpose)
        .order_by("-id")
        .only("granted", "created_at")
        .first()
    )
    if newest is None or not newest.granted:
        return False
    since = suppressed_since(email)
    return since is None or newest.created_at > since


# --- any subject key (a postal address's ``postal:`` key) ------------------------


def suppress_key(subject_key: str, reason: str) -> Suppression:
    """Put a subject key (e.g. a postal address's ``postal:`` key) on the suppression list.

    The e-mail functions above file an address under its ``email:`` key; this files
    any other keyed hash the same way, so one list answers for post and e-mail.
    """
    if reason not in Reason.values:
        raise ValueError(f"Unknown suppression reason {reason!r}")
    if not (subject_key or "").strip() or ":" not in subject_key:
        raise ValueError("A subject key such as postal:<hash> is needed.")
    return Suppression.objects.create(email_key=subject_key, reason=reason)


def key_suppressed_since(subject_key: str) -> datetime | None:
    """Return when ``subject_key`` was last put on the list, or None if it never was."""
    if not (subject_key or "").strip():
        return None
    return (
        Suppression.objects.filter(email_key=subject_key)
        .order_by("-id")
        .values_list("created_at", flat=True)
        .first()
    )


def is_key_suppressed(subject_key: str) -> bool:
    """Return True if ``subject_key`` is on the suppression list."""
    return key_suppressed_since(subject_key) is not None
