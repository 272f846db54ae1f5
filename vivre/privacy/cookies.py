"""Cookie choices (P21, P16): only strictly necessary cookies until the visitor says yes.

The choice lives in the strictly necessary, signed cookie ``vivre_cookie_choice``
(``accepted`` or ``rejected``) and, for a signed-in customer, in the consent ledger
(``tracking_cookies`` on the ``cookie_banner`` channel). ``GlobalPrivacyControlMiddleware``
reads it once per request into ``request.cookie_choice``; a Global Privacy Control
signal makes it ``rejected`` whatever the cookie says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

CHOICE_COOKIE = "vivre_cookie_choice"
CHOICE_SALT = "vivre.privacy.cookies"
CHOICE_MAX_AGE = int(timedelta(days=365).total_seconds())

ACCEPTED = "accepted"
REJECTED = "rejected"
CHOICES = (ACCEPTED, REJECTED)

# The optional cookies, set only by vivre.tracking.middleware after "accepted".
VISITOR_COOKIE = "vivre_visitor"
VISITOR_MAX_AGE = int(timedelta(days=365).total_seconds())
ATTRIBUTION_COOKIE = "vivre_attribution"
ATTRIBUTION_MAX_AGE = int(timedelta(days=30).total_seconds())
OPTIONAL_COOKIES = (VISITOR_COOKIE, ATTRIBUTION_COOKIE)


@dataclass(frozen=True)
class ShopCookie:
    name: str
    purpose: str
    lifetime: str
    necessary: bool


def _days(seconds: int) -> str:
    days = round(seconds / 86400)
    if days >= 365 and days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years > 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


def shop_cookies() -> list[ShopCookie]:
    """Every cookie the shop can set, in the order the cookie page lists them."""
    from vivre.accounts.devices import COOKIE_NAME as DEVICE_COOKIE
    from vivre.accounts.devices import remember_days
    from vivre.cart.views import CART_COOKIE_AGE

    return [
        ShopCookie(
            settings.SESSION_COOKIE_NAME,
            "Keeps you signed in while you browse and remembers a checkout in progress.",
            "Until you close the browser"
            if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
            else _days(settings.SESSION_COOKIE_AGE),
            True,
        ),
        ShopCookie(
            settings.CSRF_COOKIE_NAME,
            "Protects forms against being sent from another site on your behalf.",
            _days(settings.CSRF_COOKIE_AGE) if settings.CSRF_COOKIE_AGE else "Session",
            True,
        ),
        ShopCookie(
            settings.VIVRE["CART_COOKIE"],
            "Finds your bag again when you are not signed in.",
            _days(CART_COOKIE_AGE),
            True,
        ),
        ShopCookie(
            DEVICE_COOKIE,
            "Remembers this device, only when you tick “Keep me signed in” or "
            "“Remember my e-mail” when signing in.",
            f"Up to {_days(remember_days() * 86400)}",
            True,
        ),
        ShopCookie(
            "messages",
            "Carries a one-time notice (such as “Added to your bag”) to the next page.",
            "Until the notice is shown",
            True,
        ),
        ShopCookie(
            CHOICE_COOKIE,
            "Remembers whether you accepted or rejected the optional cookies below.",
            _days(CHOICE_MAX_AGE),
            True,
        ),
        ShopCookie(
            VISITOR_COOKIE,
            "A random number that lets us count returning visitors and see which pages "
            "are used. It holds nothing about you.",
            _days(VISITOR_MAX_AGE),
            False,
        ),
        ShopCookie(
            ATTRIBUTION_COOKIE,
            "Which of our campaigns or partner links brought you to the shop "
            "(its source and campaign name).",
            _days(ATTRIBUTION_MAX_AGE),
            False,
        ),
    ]


def read_choice_cookie(request) -> str:
    """Return ``accepted``, ``rejected`` or "" (no choice yet, or a tampered cookie)."""
    value = request.get_signed_cookie(
        CHOICE_COOKIE, default="", salt=CHOICE_SALT, max_age=CHOICE_MAX_AGE
    )
    return value if value in CHOICES else ""


def cookie_choice(request) -> str:
    """Return this request's choice: GPC and a choice just made count, then the cookie."""
    choice = getattr(request, "cookie_choice", None)
    if choice is None:
        choice = read_choice_cookie(request)
    return choice


def tracking_allowed(request) -> bool:
    """True only with an explicit "accepted" and no Global Privacy Control signal."""
    return cookie_choice(request) == ACCEPTED and not getattr(request, "gpc", False)


def set_choice_cookie(response, choice: str) -> None:
    """Send the strictly necessary cookie that remembers the choice for a year."""
    if choice not in CHOICES:
        raise ValueError(f"Unknown cookie choice {choice!r}")
    response.set_signed_cookie(
        CHOICE_COOKIE,
        choice,
        salt=CHOICE_SALT,
        max_age=CHOICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def record_choice(request, response, choice: str, *, channel: str | None = None) -> None:
    """Remember ``choice`` in the cookie and, for a signed-in customer, in the ledger."""
    from vivre.accounts.services import policy_version

    from .consent import Channel, Purpose, record_consent, subject_key_for_customer

    set_choice_cookie(response, choice)
    request.cookie_choice = choice
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        record_consent(
            subject_key=subject_key_for_customer(user.pk),
            purpose=Purpose.TRACKING_COOKIES,
            granted=choice == ACCEPTED,
            channel=channel or Channel.COOKIE_BANNER,
            recorded_by="self",
            policy_version=policy_version(),
        )


def cookie_choices(request):
    """Context for the banner: no database query, only the request's cookie and header."""
    gpc = bool(getattr(request, "gpc", False))
    choice = cookie_choice(request)
    return {
        "cookie_choice": choice,
        "gpc_honoured": gpc,
        "show_cookie_banner": not gpc and not choice,
    }
