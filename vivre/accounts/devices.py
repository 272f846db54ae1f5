"""Remember me (P21): a signed, revocable device token, never the password.

The cookie ``vivre_device`` holds ``selector:validator``, signed with Django's cookie
signer. The database keeps the selector and an HMAC-SHA256 (keyed with SECRET_KEY) of
the validator, so neither a copy of the table nor the cookie alone reveals anything
and neither holds the e-mail. A device either only pre-fills the e-mail on the
sign-in page, or also keeps the customer signed in; each use that signs in rotates
the validator, and a wrong validator for a known selector means the token was copied:
the device is forgotten.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import RememberedDevice, User

COOKIE_NAME = "vivre_device"
COOKIE_SALT = "vivre.accounts.devices"
# Two requests that leave one browser together (two tabs restored at once) carry the
# same validator; the first rotates it. A stale validator this soon after a use is
# that race, not a stolen token: it signs nobody in but does not revoke the device.
ROTATION_GRACE = timedelta(seconds=30)


def remember_days() -> int:
    return int(settings.VIVRE.get("REMEMBER_DEVICE_DAYS", 90))


def hash_validator(validator: str) -> str:
    """Return the keyed hash stored for a validator (64 hex characters)."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"device:{validator}".encode(), hashlib.sha256
    ).hexdigest()


def _new_validator() -> str:
    return secrets.token_urlsafe(32)


def _cookie_value(device: RememberedDevice, validator: str) -> str:
    return f"{device.selector}:{validator}"


_BROWSERS = [
    ("Edg/", "Edge"),
    ("EdgiOS", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
]


def device_label(user_agent: str) -> str:
    """Describe a browser coarsely ("Chrome on Linux"): enough to recognise, no more.

    The raw User-Agent string is never stored; it can single a person out.
    """
    agent = user_agent or ""
    browser = next((name for token, name in _BROWSERS if token in agent), "A browser")
    system = next((name for token, name in _SYSTEMS if token in agent), "")
    if re.search(r"HeadlessChrome", agent):
        browser = "Chrome"
    return f"{browser} on {system}" if system else browser


# --- issuing and revoking ----------------------------------------------------------


def remember_device(
    *, user: User, keep_signed_in: bool, user_agent: str = "", current: RememberedDevice | None
) -> tuple[RememberedDevice, str]:
    """Remember this browser for ``user``; return the device and the new cookie value.

    ``current`` is the device this browser already carries, if it belongs to the
    same customer: it is updated (a fresh validator, a fresh lifetime) instead of
    leaving an orphan row behind.
    """
    validator = _new_validator()
    expires_at = timezone.now() + timedelta(days=remember_days())
    if current is not None and current.user_id == user.pk:
        device = current
        device.validator_hash = hash_validator(validator)
        device.keep_signed_in = keep_signed_in
        device.last_used_at = timezone.now()
        device.expires_at = expires_at
        device.label = device_label(user_agent)[:80]
        device.save()
    else:
        device = RememberedDevice.objects.create(
            user=user,
            selector=secrets.token_urlsafe(18),
            validator_hash=hash_validator(validator),
            keep_signed_in=keep_signed_in,
            label=device_label(user_agent)[:80],
            expires_at=expires_at,
        )
    return device, _cookie_value(device, validator)


def forget_device(*, user: User, device_id: int) -> bool:
    """Forget one of ``user``'s devices; return False if they have no such device."""
    deleted, _ = RememberedDevice.objects.filter(user=user, pk=device_id).delete()
    return bool(deleted)


def forget_all_devices(*, user: User, keep: RememberedDevice | None = None) -> int:
    """Forget every device of ``user`` (except ``keep``); return how many."""
    devices = RememberedDevice.objects.filter(user=user)
    if keep is not None:
        devices = devices.exclude(pk=keep.pk)
    deleted, _ = devices.delete()
    return deleted


def stop_keeping_signed_in(device: RememberedDevice) -> None:
    """Downgrade a device to pre-filling the e-mail (signing out on it must stick)."""
    if device.keep_signed_in:
        device.keep_signed_in = False
        device.save(update_fields=["keep_signed_in"])


def sign_out_everywhere(*, user: User) -> None:
    """Forget every device and end every session of ``user``.

    ``User.get_session_auth_hash`` includes ``session_generation``: raising it makes
    every existing session fail its hash check on its next request.
    """
    with transaction.atomic():
        RememberedDevice.objects.filter(user=user).delete()
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        user.refresh_from_db(fields=["session_generation"])


# --- reading the cookie ------------------------------------------------------------


@dataclass
class DeviceCheck:
    """What the cookie of one request proved."""

    # The device, when the cookie is genuine and current.
    device: RememberedDevice | None = None
    # The cookie is worthless (unknown, expired, tampered, revoked): delete it.
    discard: bool = False


def _read_cookie(request) -> tuple[str, str] | None:
    try:
        value = request.get_signed_cookie(
            COOKIE_NAME, salt=COOKIE_SALT, max_age=timedelta(days=remember_days())
        )
    except (KeyError, signing.BadSignature):
        return None
    selector, sep, validator = value.partition(":")
    if not sep or not selector or not validator:
        return None
    return selector, validator


def check_device(request) -> DeviceCheck:
    """Check the device cookie of ``request`` against the table.

    A genuine cookie gives its device. A known selector with the wrong validator is a
    copied or replayed token: that device is deleted (unless the validator was
    rotated a moment ago, see ``ROTATION_GRACE``). Expired devices and devices of
    inactive accounts are deleted too.
    """
    if COOKIE_NAME not in request.COOKIES:
        return DeviceCheck()
    parts = _read_cookie(request)
    if parts is None:
        return DeviceCheck(discard=True)
    selector, validator = parts
    device = RememberedDevice.objects.select_related("user").filter(selector=selector).first()
    if device is None:
        return DeviceCheck(discard=True)
    now = timezone.now()
    if not hmac.compare_digest(device.validator_hash, hash_validator(validator)):
        if now - device.last_used_at < ROTATION_GRACE:
            return DeviceCheck()
        device.delete()
        return DeviceCheck(discard=True)
    if device.expires_at <= now or not device.user.is_active:
        device.delete()
        return DeviceCheck(discard=True)
    return DeviceCheck(device=device)


def use_device(device: RememberedDevice) -> str:
    """Record that ``device`` signed its customer in; rotate its validator.

    Returns the new cookie value. The update is conditional on the old hash so that
    two requests racing with the same cookie cannot both rotate it.
    """
    validator = _new_validator()
    updated = RememberedDevice.objects.filter(
        pk=device.pk, validator_hash=device.validator_hash
    ).update(validator_hash=hash_validator(validator), last_used_at=timezone.now())
    if not updated:
        return ""
    return _cookie_value(device, validator)


def remembered_email(request) -> tuple[RememberedDevice | None, str]:
    """Return this browser's remembered device and the e-mail to pre-fill, if any."""
    check = check_device(request)
    if check.device is None:
        return None, ""
    return check.device, check.device.user.email


# --- the cookie on the response ----------------------------------------------------


def set_device_cookie(response, value: str, device: RememberedDevice) -> None:
    """Set the device cookie with the same flags as the session cookie."""
    max_age = max(0, int((device.expires_at - timezone.now()).total_seconds()))
    response.set_signed_cookie(
        COOKIE_NAME,
        value,
        salt=COOKIE_SALT,
        max_age=max_age,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def delete_device_cookie(response) -> None:
    response.delete_cookie(COOKIE_NAME, samesite="Lax")


def forget_expired_devices(*, now=None) -> int:
    """Delete remembered devices past their lifetime (a retention rule); return how many.

    A device whose browser never comes back would otherwise stay in the table.
    """
    deleted, _ = RememberedDevice.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
