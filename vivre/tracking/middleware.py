"""Tracking cookies, only with consent (P21).

``vivre_visitor`` (a random id, 1 year) and ``vivre_attribution`` (the ``utm_source`` and
``utm_campaign`` of the landing URL, 30 days) are set only when the visitor chose
"accepted" and the browser sends no Global Privacy Control signal. Otherwise they
are deleted if the browser still has them.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings

from vivre.privacy.cookies import (
    ATTRIBUTION_COOKIE,
    ATTRIBUTION_MAX_AGE,
    OPTIONAL_COOKIES,
    VISITOR_COOKIE,
    VISITOR_MAX_AGE,
    tracking_allowed,
)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
UTM_MAX_LENGTH = 50


def _utm(request, name: str) -> str:
    value = request.GET.get(name, "")
    return _UNSAFE.sub("-", value.strip())[:UTM_MAX_LENGTH].strip("-")


def attribution_value(request) -> str:
    """Return ``source:campaign`` from the URL's UTM parameters, or "" if there are none."""
    source, campaign = _utm(request, "utm_source"), _utm(request, "utm_campaign")
    if not source and not campaign:
        return ""
    return f"{source}:{campaign}"


def _set(response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


class TrackingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if tracking_allowed(request):
            if VISITOR_COOKIE not in request.COOKIES:
                _set(response, VISITOR_COOKIE, secrets.token_urlsafe(16), VISITOR_MAX_AGE)
            attribution = attribution_value(request) if request.method == "GET" else ""
            if attribution:
                _set(response, ATTRIBUTION_COOKIE, attribution, ATTRIBUTION_MAX_AGE)
        else:
            for name in OPTIONAL_COOKIES:
                if name in request.COOKIES:
                    response.delete_cookie(name, samesite="Lax")
        return response
