"""Cookie settings (P21) and the Global Privacy Control statement (P16)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from vivre.checkout.forms import CheckoutForm
from vivre.storefront.views import csrf_failure

from .cookies import ACCEPTED, CHOICES, REJECTED, cookie_choice, record_choice, shop_cookies

#: When the GPC statement (/.well-known/gpc.json) last changed.
GPC_LAST_UPDATE = "2026-11-25"

NEXT_MAX_LENGTH = 2000


class CookieChoiceForm(CheckoutForm):
    choice = forms.ChoiceField(choices=[(ACCEPTED, "Accept"), (REJECTED, "Reject")])
    next = forms.CharField(max_length=NEXT_MAX_LENGTH, required=False)


def _safe_next(request, target: str) -> str:
    """Return where to go back to: ``next``, else the page the form was on, if on this site.

    The banner's forms carry no ``next``: echoing the address into every page would
    copy its query string (and any order number in it) into the HTML. The browser's
    same-origin Referer (``Referrer-Policy: same-origin``) says where the visitor was.
    """
    if not target:
        referer = request.headers.get("Referer", "")
        origin = f"{request.scheme}://{request.get_host()}"
        if referer.startswith(origin + "/"):
            target = referer[len(origin) :]
    if (
        target
        and len(target) <= NEXT_MAX_LENGTH
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return reverse("privacy:cookies")


def _sent_from_this_site(request) -> bool:
    """Stand in for the CSRF token: the browser must say the form came from this site.

    The banner is on every page, and a CSRF token there would set the CSRF cookie
    on every first visit (browsing sets no cookie at all). Every current browser
    sends ``Origin`` (or ``Sec-Fetch-Site``) with a form POST; a forged cross-site
    POST, or one that says nothing, is refused with the shop's 403 page.
    """
    if getattr(request, "_dont_enforce_csrf_checks", False):
        return True  # Django's test client, as for CsrfViewMiddleware
    origin = request.headers.get("Origin")
    if origin:
        allowed = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
        return origin in allowed
    return request.headers.get("Sec-Fetch-Site") == "same-origin"


@require_safe
def gpc_json(request):
    """Declare that the shop honours Global Privacy Control (the GPC spec's well-known file)."""
    return JsonResponse({"gpc": True, "lastUpdate": GPC_LAST_UPDATE})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def cookie_settings(request):
    """Show the current choice and every cookie; POST accepts or rejects the optional ones."""
    status = 200
    if request.method == "POST":
        if not _sent_from_this_site(request):
            return csrf_failure(request, reason="Origin missing or not this site")
        form = CookieChoiceForm(request.POST)
        # A bad ``next`` (too long) is only ignored: the choice still counts.
        if form.is_valid() or set(form.errors) == {"next"}:
            choice = form.cleaned_data["choice"]
            if getattr(request, "gpc", False):
                # The browser's Global Privacy Control signal already says no.
                choice = REJECTED
            response = redirect(_safe_next(request, form.cleaned_data.get("next", "")))
            record_choice(request, response, choice)
            return response
        status = 400
    choice = cookie_choice(request)
    return render(
        request,
        "privacy/cookies.html",
        {
            "cookies": shop_cookies(),
            "current_choice": choice if choice in CHOICES else "",
            "invalid_choice": status == 400,
            # The page has the same buttons; the banner would only repeat them.
            "show_cookie_banner": False,
        },
        status=status,
    )


urlpatterns = [
    path(".well-known/gpc.json", gpc_json, name="gpc_json"),
    path("privacy/cookies/", cookie_settings, name="cookies"),
]
