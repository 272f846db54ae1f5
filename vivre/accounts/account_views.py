"""My Account: overview, name and telephone, e-mail, address book, orders, preferences.

Every view reads and writes only the signed-in customer's own data: ids in the URL
are always looked up together with ``user=request.user``, so another customer's
address or order is simply not found (404).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vivre.core.http import site_url
from vivre.core.phone import format_phone
from vivre.core.throttle import is_throttled, record_failure
from vivre.privacy.consent import Purpose

from . import selectors, services
from .account_forms import AddressBookForm, EmailChangeForm, ProfileForm

EMAIL_CHANGE_LIMIT = 5
EMAIL_CHANGE_WINDOW = timedelta(hours=1)


def _page(request, template: str, section: str, context: dict, status: int = 200):
    return render(
        request,
        f"accounts/account/{template}",
        {"account_section": section, **context},
        status=status,
    )


def _posted(request):
    # Not ``request.POST or None``: an empty POST must still be validated (and refused).
    return request.POST if request.method == "POST" else None


def _address_or_404(request, pk: int):
    address = selectors.get_address_for(user=request.user, pk=pk)
    if address is None:
        raise Http404("No such address")
    return address


@never_cache
@login_required
def overview(request):
    """The start of My Account: defaults, recent orders, choices, and every section."""
    from vivre.storefront.service import PRIVACY_POLICY_SLUG

    user = request.user
    shipping, billing = selectors.default_addresses(user)
    return _page(
        request,
        "overview.html",
        "overview",
        {
            "default_shipping": shipping,
            "default_billing": billing,
            "recent_orders": selectors.orders_for_customer(user)[:3],
            "preferences": selectors.preference_rows(user),
            "day_phone": format_phone(user.day_phone),
            "evening_phone": format_phone(user.evening_phone),
            "privacy_policy_url": reverse("storefront:service-page", args=[PRIVACY_POLICY_SLUG]),
        },
    )


@never_cache
@login_required
def profile(request):
    """Change the name and telephone numbers (P23)."""
    form = ProfileForm(_posted(request), user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.update_profile(
                user=request.user,
                full_name=form.cleaned_data["full_name"],
                day_phone=form.cleaned_data["day_phone"],
                evening_phone=form.cleaned_data["evening_phone"],
            )
            messages.success(request, "Your name and telephone numbers are saved.")
            return redirect("accounts:profile")
        status = 400
    return _page(
        request, "profile.html", "profile", {"form": form, "email": request.user.email}, status
    )


@never_cache
@login_required
def email_change(request):
    """Ask for a new e-mail address; it changes once the link sent to it is opened."""
    form = EmailChangeForm(_posted(request), user=request.user)
    status, throttled = 200, ""
    if request.method == "POST":
        who = [str(request.user.pk)]
        if is_throttled(
            scope=services.EMAIL_CHANGE_SCOPE,
            values=who,
            limit=EMAIL_CHANGE_LIMIT,
            window=EMAIL_CHANGE_WINDOW,
        ):
            # Not even the password is checked: the limit also stops guessing it.
            form = EmailChangeForm(user=request.user)
            throttled = (
                "You have asked for several changes in the last hour. Please use the link "
                "we already sent, or try again in an hour."
            )
            status = 429
        elif form.is_valid():
            new_email = form.cleaned_data["new_email"]
            services.request_email_change(
                user=request.user,
                new_email=new_email,
                confirm_url=lambda token: (
                    site_url(request) + reverse("accounts:email_change_confirm", args=[token])
                ),
            )
            # The same page whether or not the address is someone else's (no leak).
            return _page(request, "email_sent.html", "profile", {"new_email": new_email})
        else:
            if form.has_error("current_password") and request.POST.get("current_password"):
                record_failure(scope=services.EMAIL_CHANGE_SCOPE, values=who)
            status = 400
    return _page(
        request,
        "email_change.html",
        "profile",
        {"form": form, "email": request.user.email, "throttled": throttled},
        status,
    )


@never_cache
@login_required
def email_change_confirm(request, token):
    """Show a Confirm button for a link (mail scanners prefetch links); apply it on POST.

    Only the signed-in owner can use it: a visitor is sent to sign in first, and
    another signed-in customer is told to sign in as the right account (404).
    """
    try:
        change = services.check_email_change(user=request.user, token=token)
        if request.method == "POST":
            services.confirm_email_change(user=request.user, token=token)
            messages.success(
                request, "Your e-mail address is changed. Sign in with it from now on."
            )
            return redirect("accounts:profile")
    except services.AccountError as error:
        wrong_account = error.code is services.AccountErrorCode.LINK_FOR_ANOTHER_ACCOUNT
        return _page(
            request,
            "email_confirm_failed.html",
            "profile",
            {"error": error.message, "wrong_account": wrong_account},
            status=404 if wrong_account else 400,
        )
    return _page(request, "email_confirm.html", "profile", {"new_email": change.new_email})


@never_cache
@login_required
def addresses(request):
    """The address book, defaults marked."""
    book = list(selectors.addresses_for(request.user))
    return _page(
        request,
        "addresses.html",
        "addresses",
        {
            "addresses": book,
            "at_limit": len(book) >= services.MAX_ADDRESSES,
            "max_addresses": services.MAX_ADDRESSES,
        },
    )


def _default_flags(form) -> dict:
    return {
        "default_shipping": form.cleaned_data["default_shipping"],
        "default_billing": form.cleaned_data["default_billing"],
    }


@never_cache
@login_required
def address_add(request):
    """Add an address; the first one becomes both defaults."""
    form = AddressBookForm(_posted(request), section="shipping")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.add_address(
                    user=request.user, values=form.address_values(), **_default_flags(form)
                )
            except services.AccountError as error:
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(request, "The address is in your address book.")
                return redirect("accounts:addresses")
    return _page(request, "address_form.html", "addresses", {"form": form, "address": None}, status)


@never_cache
@login_required
def address_edit(request, pk):
    """Change one of the customer's own addresses."""
    address = _address_or_404(request, pk)
    form = AddressBookForm(
        _posted(request), initial=AddressBookForm.initial_from(address), section="shipping"
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            services.update_address(
                address=address, values=form.address_values(), **_default_flags(form)
            )
            messages.success(request, "The address is saved.")
            return redirect("accounts:addresses")
    return _page(
        request, "address_form.html", "addresses", {"form": form, "address": address}, status
    )


@require_POST
@login_required
def address_delete(request, pk):
    """Delete one of the customer's own addresses (orders keep their own copies)."""
    address = _address_or_404(request, pk)
    services.delete_address(address=address)
    messages.success(request, "The address is deleted from your address book.")
    return redirect("accounts:addresses")


@require_POST
@login_required
def address_default(request, pk):
    """Make an address the default for shipping or for billing."""
    address = _address_or_404(request, pk)
    kind = request.POST.get("kind", "")
    if kind not in ("shipping", "billing"):
        raise BadRequest("kind must be shipping or billing")
    services.set_default_address(address=address, kind=kind)
    messages.success(request, f"That address is now your default {kind} address.")
    return redirect("accounts:addresses")


@never_cache
@login_required
def orders(request):
    """The customer's orders, newest first, a page at a time."""
    paginator = Paginator(selectors.orders_for_customer(request.user), settings.VIVRE["PAGE_SIZE"])
    page = paginator.get_page(request.GET.get("page"))
    return _page(request, "orders.html", "orders", {"page_obj": page, "orders": page.object_list})


@never_cache
@login_required
def order_detail(request, number):
    """One of the customer's own orders: lines, totals, addresses, history, shipments."""
    order = selectors.get_customer_order(user=request.user, number=number)
    if order is None:
        raise Http404("No such order")
    detail = selectors.order_detail(order)
    return _page(request, "order_detail.html", "orders", {"order": order, "detail": detail})


def _parse_choice(request) -> tuple[str, bool]:
    purpose = request.POST.get("purpose", "")
    granted = request.POST.get("granted", "")
    if purpose not in Purpose.values or granted not in ("1", "0"):
        raise BadRequest("Unknown purpose or choice")
    return purpose, granted == "1"


@never_cache
@login_required
def preferences(request):
    """Every purpose with its current choice, each changed in one click (P16, P22, P23).

    The subject is always the signed-in customer: any posted subject is ignored.
    """
    if request.method == "POST":
        purpose, granted = _parse_choice(request)
        services.change_preference(user=request.user, purpose=purpose, granted=granted)
        label = Purpose(purpose).label
        messages.success(request, f"{label}: turned {'on' if granted else 'off'}.")
        return redirect("accounts:preferences")
    return _page(
        request,
        "preferences.html",
        "preferences",
        {
            "preferences": selectors.preference_rows(request.user),
            "history": selectors.preference_history(request.user),
        },
    )


urlpatterns = [
    path("", overview, name="overview"),
    path("profile/", profile, name="profile"),
    path("email/", email_change, name="email_change"),
    path("email/confirm/<str:token>/", email_change_confirm, name="email_change_confirm"),
    path("addresses/", addresses, name="addresses"),
    path("addresses/new/", address_add, name="address_add"),
    path("addresses/<int:pk>/", address_edit, name="address_edit"),
    path("addresses/<int:pk>/delete/", address_delete, name="address_delete"),
    path("addresses/<int:pk>/default/", address_default, name="address_default"),
    path("orders/", orders, name="orders"),
    path("orders/<str:number>/", order_detail, name="order_detail"),
    path("preferences/", preferences, name="preferences"),
]
