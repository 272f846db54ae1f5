"""Your data: a copy of everything we hold (GDPR Art. 15, 20) and closing the account (Art. 17).

Exports are looked up together with ``user=request.user``, so another customer's
export id is simply not found (404).
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from vivre.core import http
from vivre.core.throttle import is_throttled, record_failure

from . import erasure, export
from .forms import AccountForm
from .models import DataExport

CLOSE_SCOPE = "accounts.close"
CLOSE_LIMIT = 5
CLOSE_WINDOW = timedelta(hours=1)


class CloseAccountForm(AccountForm):
    """The current password and a tick: closing an account cannot be undone."""

    password = forms.CharField(
        label="Your current password",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    understood = forms.BooleanField(
        label="I understand that this cannot be undone.",
        error_messages={"required": "Tick this box to confirm that you want to close it."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your current password.")
        return password


def _page(request, template: str, context: dict, status: int = 200):
    return render(
        request,
        f"accounts/privacy/{template}",
        {"account_section": "privacy", **context},
        status=status,
    )


def _export_or_404(request, pk) -> DataExport:
    found = DataExport.objects.filter(pk=pk, user=request.user).first()
    if found is None:
        raise Http404("No such export")
    return found


@never_cache
@login_required
def privacy(request):
    """Your rights, your copies of your data, and the way to close the account."""
    exports = export.exports_for(request.user)
    now = timezone.now()
    working = any(
        e.status in (DataExport.Status.QUEUED, DataExport.Status.RUNNING) for e in exports
    )
    return _page(
        request,
        "privacy.html",
        {
            "exports": exports,
            "working": working,
            "now": now,
            "retention_days": export.retention().days,
        },
    )


@require_POST
@login_required
def export_request(request):
    """Start preparing a copy of the customer's data (one at a time)."""
    _, created = export.request_export(user=request.user, site_url=http.site_url(request))
    if created:
        messages.success(request, "We are preparing your copy. This page shows how far it has got.")
    else:
        messages.info(request, "Your copy is already being prepared.")
    return redirect("accounts:privacy")


@never_cache
@login_required
def export_download(request, pk):
    """Hand the customer their prepared copy as a JSON file; only the owner finds it."""
    found = _export_or_404(request, pk)
    if export.is_expired(found):
        return _page(request, "export_expired.html", {"export": found}, status=410)
    if found.status != DataExport.Status.READY:
        messages.info(request, "That copy is not ready yet.")
        return redirect("accounts:privacy")
    content = DataExport.objects.filter(pk=found.pk).values_list("content", flat=True).get()
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.download_name(found)}"'
    return response


@never_cache
@sensitive_post_parameters("password")
@login_required
def close_account(request):
    """Say what closing the account erases and keeps; erase it on password and tick."""
    user = request.user
    form = CloseAccountForm(request.POST or None, user=user)
    status, problem = 200, ""
    if request.method == "POST":
        who = [str(user.pk)]
        if is_throttled(scope=CLOSE_SCOPE, values=who, limit=CLOSE_LIMIT, window=CLOSE_WINDOW):
            # Not even the password is checked: the limit also stops guessing it.
            form = CloseAccountForm(user=user)
            problem = "Too many wrong passwords. Please try again in an hour."
            status = 429
        elif form.is_valid():
            try:
                erasure.erase_customer(user)
            except erasure.ErasureRefused as refused:
                problem, status = refused.message, 409
            else:
                logout(request)
                response = redirect("accounts:account_closed")
                _forget_device_cookie(response)
                return response
        else:
            if "password" in form.errors:
                record_failure(scope=CLOSE_SCOPE, values=who)
            status = 400
    return _page(
        request,
        "close.html",
        {"form": form, "plan": erasure.erasure_plan(), "problem": problem},
        status,
    )


def _forget_device_cookie(response: HttpResponse) -> None:
    """Drop the remember-me cookie: the device it named is gone with the account."""
    from .devices import COOKIE_NAME

    response.delete_cookie(COOKIE_NAME)


def account_closed(request):
    """The goodbye page, shown signed out."""
    return render(request, "accounts/privacy/closed.html", {"shop_url": reverse("storefront:home")})


urlpatterns = [
    path("privacy/", privacy, name="privacy"),
    path("privacy/exports/", export_request, name="export_request"),
    path("privacy/exports/<uuid:pk>/", export_download, name="export_download"),
    path("privacy/close/", close_account, name="close_account"),
    path("privacy/closed/", account_closed, name="account_closed"),
]
