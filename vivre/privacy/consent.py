"""The consent ledger (privacy engine, piece 3): choices are appended, never edited,
and the current preference is always the newest choice for that purpose."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from .models import ConsentRecord

Purpose = ConsentRecord.Purpose
Channel = ConsentRecord.Channel


def subject_key_for_customer(customer_id) -> str:
    """Return the ledger key of a customer account."""
    return f"customer:{customer_id}"


def subject_key_for_email(email: str) -> str:
    """Return the ledger key of someone known only by e-mail: a keyed hash, never the address."""
    normalized = email.strip().lower().encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), normalized, hashlib.sha256).hexdigest()
    return f"email:{digest[:48]}"


def record_consent(
    *,
    subject_key: str,
    purpose: str,
    granted: bool,
    channel: str,
    recorded_by: str = "self",
    policy_version: str = "",
) -> ConsentRecord:
    """Append one choice to the ledger; it is the current preference from now on."""
    if purpose not in Purpose.values:
        raise ValueError(f"Unknown consent purpose {purpose!r}")
    if channel not in Channel.values:
        raise ValueError(f"Unknown consent channel {channel!r}")
    return ConsentRecord.objects.create(
        subject_key=subject_key,
        purpose=purpose,
        granted=granted,
        channel=channel,
        recorded_by=recorded_by[:150],
        policy_version=policy_version,
    )


def current_preferences(subject_key: str) -> dict[str, bool]:
    """Return every purpose with its current choice; no choice yet means no (opt-in)."""
    current = dict.fromkeys(Purpose.values, False)
    seen: set[str] = set()
    for record in ConsentRecord.objects.filter(subject_key=subject_key).order_by("-id"):
        if record.purpose not in seen:
            current[record.purpose] = record.granted
            seen.add(record.purpose)
    return current


def has_consent(subject_key: str, purpose: str) -> bool:
    """Return True if the newest choice for ``purpose`` allows it (checked at each use)."""
    newest = (
        ConsentRecord.objects.filter(subject_key=subject_key, purpose=purpose)
        .order_by("-id")
        .values_list("granted", flat=True)
        .first()
    )
    return bool(newest)


def consent_history(subject_key: str) -> list[ConsentRecord]:
    """Return every choice this subject made, newest first (for export and My Account)."""
    return list(ConsentRecord.objects.filter(subject_key=subject_key).order_by("-id"))
