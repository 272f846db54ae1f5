"""The catalogue back office under /staff/marketing/catalogue/: counts, the mail-house
export (P17), and postal opt-outs taken by letter or phone (P16, P23)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vivre.accounts.services import policy_version
from vivre.core.staff import Role, has_role, role_required

from . import catalogue
from .catalogue_forms import PostalOptOutForm

marketing_only = role_required(Role.MARKETING)


def care_or_marketing(view):
    """Let care and marketing staff through: either may take an opt-out by phone."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url="/admin/login/")
        if not (has_role(request.user, Role.MARKETING) or has_role(request.user, Role.CARE)):
            raise PermissionDenied("This page is for marketing and customer care staff.")
        return view(request, *args, **kwargs)

    return wrapped


@marketing_only
@require_GET
def catalogue_page(request):
    """Counts only: no name or address is shown on screen."""
    response = render(
        request,
        "marketing/catalogue/staff.html",
        {"staff_section": "marketing", "counts": catalogue.counts()},
    )
    add_never_cache_headers(response)
    return response


@marketing_only
@require_POST
def catalogue_export(request):
    """Send the mailing list to the mail house: a CSV of names and addresses only."""
    export = catalogue.export_for_mail_house()
    if not export.rows:
        messages.info(request, "Nobody to send: no new requests and nobody on the list.")
        return redirect("marketing_staff:catalogue")
    response = HttpResponse(export.csv(), content_type="text/csv; charset=utf-8")
    stamp = export.at.strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="vivre-mailing-list-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response


@care_or_marketing
@require_http_methods(["GET", "HEAD", "POST"])
def catalogue_opt_out(request):
    """Take a name and address off the postal mailing list, as asked by letter or phone."""
    form = PostalOptOutForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            catalogue.opt_out_by_post(
                name=data["name"],
                line1=data["line1"],
                postal_code=data["postal_code"],
                recorded_by=request.user.email or request.user.get_username(),
                policy_version=policy_version(),
            )
            messages.success(
                request,
                "Done: that name and address get no further mailings by post. A catalogue "
                "they asked for and have not yet received is still sent.",
            )
            return redirect("marketing_staff:catalogue_opt_out")
        status = 400
    response = render(
        request,
        "marketing/catalogue/opt_out.html",
        {"staff_section": "marketing", "form": form},
        status=status,
    )
    add_never_cache_headers(response)
    return response


urlpatterns = [
    path("catalogue/", catalogue_page, name="catalogue"),
    path("catalogue/export/", catalogue_export, name="catalogue_export"),
    path("catalogue/opt-out/", catalogue_opt_out, name="catalogue_opt_out"),
]
