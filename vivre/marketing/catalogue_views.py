"""The public catalogue request form under /catalogue/ (P3, P8, P22)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from vivre.accounts.services import policy_version
from vivre.core.http import client_ip
from vivre.core.throttle import is_throttled, record_failure

from . import catalogue
from .catalogue_forms import CatalogueRequestForm

THROTTLE_SCOPE = "catalogue-request"
REQUEST_LIMIT = 20
REQUEST_WINDOW = timedelta(hours=1)
TOO_MANY = (
    "We have had a great many catalogue requests from your connection in the last hour. "
    "Please try again later, or call us and we will post one to you."
)


def _retention_days() -> int:
    return settings.VIVRE.get("CATALOGUE_REQUEST_RETENTION_DAYS", catalogue.DEFAULT_RETENTION_DAYS)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def request_catalogue(request):
    """Ask for a name and postal address and the choice about further mailings."""
    form = CatalogueRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        who = [client_ip(request) or "unknown"]
        if is_throttled(
            scope=THROTTLE_SCOPE, values=who, limit=REQUEST_LIMIT, window=REQUEST_WINDOW
        ):
            form.add_error(None, TOO_MANY)
            status = 429
        else:
            # Every submission counts against the limit, so nobody can post in bulk.
            record_failure(scope=THROTTLE_SCOPE, values=who)
            if form.is_valid():
                catalogue.request_catalogue(
                    values=form.address_values(),
                    further_mailings=form.cleaned_data["further_mailings"],
                    policy_version=policy_version(),
                )
                return redirect("catalogue:thanks")
            status = 400
    return render(
        request,
        "marketing/catalogue/request.html",
        {"form": form, "retention_days": _retention_days()},
        status=status,
    )


@require_GET
def thanks(request):
    return render(request, "marketing/catalogue/thanks.html", {"retention_days": _retention_days()})


urlpatterns = [
    path("", request_catalogue, name="request"),
    path("thanks/", thanks, name="thanks"),
]
