"""Sign-in throttling through django-axes (P12).

Axes counts failed sign-ins per account and per IP address (``AXES_LOCKOUT_PARAMETERS``)
and calls these functions: the account is stored only as a keyed hash of the e-mail,
and a locked-out visitor gets the sign-in page again with HTTP 429 and plain words.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from vivre.core.http import client_ip as _client_ip


def hashed_username(request, credentials):
    """Return a keyed hash of the e-mail tried, so axes never stores the address."""
    email = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    normalized = email.strip().lower().encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), normalized, hashlib.sha256).hexdigest()
    return f"h:{digest[:40]}"


def client_ip(request):
    return _client_ip(request)


def _cool_off() -> timedelta:
    cool_off = settings.AXES_COOLOFF_TIME or timedelta(minutes=15)
    return cool_off if isinstance(cool_off, timedelta) else timedelta(hours=cool_off)


def minutes_until_unlocked(request, credentials=None) -> int:
    """Return how many minutes are left before this e-mail or IP address may try again."""
    from axes.models import AccessAttempt

    cool_off = _cool_off()
    who = Q(ip_address=client_ip(request))
    if credentials:
        who |= Q(username=hashed_username(request, credentials))
    latest = AccessAttempt.objects.filter(who).aggregate(latest=Max("attempt_time"))["latest"]
    if latest is None:
        return max(1, math.ceil(cool_off.total_seconds() / 60))
    left = (latest + cool_off - timezone.now()).total_seconds()
    return max(1, math.ceil(left / 60))


def reset_sign_in_failures(*, email: str) -> int:
    """Forget the failed sign-ins counted against an account (after a password reset)."""
    from axes.utils import reset

    return reset(username=hashed_username(None, {"username": email}))


def locked_out(request, original_response=None, credentials=None):
    """Answer a locked-out sign-in: the sign-in page, HTTP 429, and what to do now.

    Called by ``axes.middleware.AxesMiddleware`` (and the admin's sign-in) once the
    e-mail or the IP address used up its attempts; the password was not checked.
    """
    from django.shortcuts import render

    from .auth_forms import SignInForm

    minutes = minutes_until_unlocked(request, credentials)
    return render(
        request,
        "accounts/auth/sign_in.html",
        {"form": SignInForm(request), "locked_minutes": minutes, "next": ""},
        status=429,
    )


def forget_old_sign_in_failures(*, now=None) -> int:
    """Delete axes' failed sign-in records older than a day (a retention rule).

    They hold the IP address and browser of each failure; once the cool-off is
    long past they serve no purpose. Returns how many were deleted.
    """
    from axes.models import AccessAttempt, AccessFailureLog

    cutoff = (now or timezone.now()) - max(timedelta(days=1), _cool_off())
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted + failures
