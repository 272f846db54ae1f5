"""Record an opt-out a caller gives by telephone (P16, P23).

Care staff type the caller's address and which mailings to stop. The choice is
appended to the consent ledger on every key the address may be filed under (the
address's own key, and the account's if there is one), with channel ``phone`` and
the staff member who took the call. The page says the same thing whether or not
Vivre knows the address, so it cannot be used to find out who is a customer.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vivre.accounts.models import User
from vivre.core.staff import Role, role_required
from vivre.privacy.consent import Channel, record_consent, subject_key_for_email
from vivre.privacy.datamap import customer_keys

from .phone_forms import PhoneOptOutForm

DONE = (
    "The opt-out is recorded for the address you entered, under your name. "
    "It applies from the next mailing."
)


def keys_for_address(email: str) -> list[str]:
    """Return every ledger key ``email`` may be filed under: its own, and its account's."""
    keys = [subject_key_for_email(email)]
    for user in User.objects.filter(email__iexact=email.strip()):
        keys.extend(customer_keys(user))
    return list(dict.fromkeys(keys))


def record_phone_opt_out(*, email: str, purposes, staff) -> None:
    """Append a phone opt-out for each purpose on each of the address's keys."""
    from vivre.accounts.services import policy_version

    version = policy_version()
    with transaction.atomic():
        for key in keys_for_address(email):
            for purpose in purposes:
                record_consent(
                    subject_key=key,
                    purpose=purpose,
                    granted=False,
                    channel=Channel.PHONE,
                    recorded_by=staff.get_username(),
                    policy_version=version,
                )


@never_cache
@role_required(Role.CARE)
@require_http_methods(["GET", "POST"])
def phone_opt_out(request):
    form = PhoneOptOutForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        record_phone_opt_out(
            email=form.cleaned_data["email"], purposes=form.purposes(), staff=request.user
        )
        # The message never names the address (messages may live in a cookie).
        messages.success(request, DONE)
        return redirect("care:phone_opt_out")
    return render(
        request,
        "care/phone_opt_out.html",
        {"staff_section": "care", "form": form},
        status=400 if form.is_bound else 200,
    )


urlpatterns = [path("opt-outs/phone/", phone_opt_out, name="phone_opt_out")]
