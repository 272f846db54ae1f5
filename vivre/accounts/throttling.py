"""Sign-in throttling through django-axes (P12): filled in by the sign-in work."""

import hashlib
import hmac

from django.conf import settings

from vivre.core.http import client_ip as _client_ip


def hashed_username(request, credentials):
    """Return a keyed hash of the e-mail tried, so axes never stores the address."""
    email = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    normalized = email.strip().lower().encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), normalized, hashlib.sha256).hexdigest()
    return f"h:{digest[:40]}"


def client_ip(request):
    return _client_ip(request)


def locked_out(request, credentials, *args, **kwargs):
    from django.http import HttpResponse

    return HttpResponse("Too many attempts", status=429)
