"""The checkout pages: your details, review and pay, confirmation.

Views parse the request, call one service and render; every failure is shown on
the page with a fitting status and leaves the database as it was.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from vivre.cart.selectors import (
    cart_id_from_request,
    get_cart_for_request,
    review_cart,
    signed_in_customer,
)
from vivre.cart.services import reconcile_cart
from vivre.cart.views import drop_stale_cart_cookie
from vivre.core.http import client_ip
from vivre.orders.selectors import get_order_by_number
from vivre.payments.models import Payment

from .errors import CheckoutError, CheckoutErrorCode
from .forms import DetailsForm, PaymentForm
from .seen import SeenBasket
from .selectors import (
    account_checkout_initial,
    address_book,
    checkout_summary,
    get_checkout_details,
    get_customer_address,
    placed_order_for_key,
    prefixed,
    shipping_options,
    unprefixed,
)
from .services import (
    DETAIL_FIELDS,
    address_values,
    find_in_book,
    place_order,
    save_checkout_details,
)

PLACED_ORDERS_KEY = "checkout_placed_orders"
# The bag (by id) whose shipping address the customer asked to save to their
# address book at step 1; a flag, not the address, which CheckoutDetails keeps.
SAVE_ADDRESS_KEY = "checkout_save_address"
CARD_FIELDS = ("card_number", "expiry", "cvv")


def _remember_order(request, order) -> None:
    """Let this browser, and only this one, see the order's confirmation page."""
    placed = [i for i in request.session.get(PLACED_ORDERS_KEY, []) if i != str(order.pk)]
    request.session[PLACED_ORDERS_KEY] = [*placed, str(order.pk)][-10:]


def _open_cart(request):
    """Return (cart, review) after bringing the bag up to date, telling the shopper what changed."""
    cart = get_cart_for_request(request)
    for notice in reconcile_cart(cart=cart) if cart else []:
        messages.warning(request, notice)
    return cart, review_cart(cart)


def _empty_bag():
    return redirect("cart:detail")


def _chosen_address(request, customer):
    """Return the saved address picked with ``?ship=<id>``, or None; 404 for any other id."""
    raw = request.GET.get("ship", "").strip()
    if not raw:
        return None
    address = None
    if customer is not None and raw.isdigit() and len(raw) < 19:
        address = get_customer_address(customer, int(raw))
    if address is None:
        raise Http404("No such address in your address book.")
    return address


def _details_initial(*, cart, customer, book, ship_to) -> dict:
    """Return step 1's starting values: details given before win over the account's."""
    saved = get_checkout_details(cart)
    if saved is not None:
        initial = {name: getattr(saved, name) for name in DETAIL_FIELDS}
        if saved.shipping_method and saved.shipping_method.active:
            initial["shipping_method"] = saved.shipping_method.code
        if ship_to is not None:
            initial |= prefixed("ship_", address_values(ship_to))
        return initial
    if customer is not None:
        return account_checkout_initial(customer, book=book, ship_to=ship_to)
    return {}


@never_cache
@require_http_methods(["GET", "POST"])
def details(request):
    """Step 1: contact details, addresses and shipping method.

    A signed-in customer starts from their account: e-mail, phone and default
    addresses, or another saved address picked with ``?ship=<id>``.
    """
    cart, review = _open_cart(request)
    if review.is_empty:
        messages.info(request, "Your bag is empty, so there is nothing to check out yet.")
        return _empty_bag()
    customer = signed_in_customer(request)
    ship_to = _chosen_address(request, customer)
    book = address_book(customer) if customer is not None else []
    status = 200
    if request.method == "POST":
        shown = unprefixed("ship_", request.POST)
        offer = customer is not None and find_in_book(book, shown) is None
        form = DetailsForm(request.POST, offer_save_address=offer)
        if form.is_valid():
            save_checkout_details(
                cart=cart,
                data=form.cleaned_data,
                shipping_method=form.cleaned_data["shipping_method"],
            )
            if form.cleaned_data.get("save_address"):
                request.session[SAVE_ADDRESS_KEY] = str(cart.pk)
            else:
                request.session.pop(SAVE_ADDRESS_KEY, None)
            return drop_stale_cart_cookie(request, redirect("checkout:review"))
        status = 400
    else:
        initial = _details_initial(cart=cart, customer=customer, book=book, ship_to=ship_to)
        shown = unprefixed("ship_", initial)
        offer = customer is not None and find_in_book(book, shown) is None
        if offer:
            initial["save_address"] = request.session.get(SAVE_ADDRESS_KEY) == str(cart.pk)
        form = DetailsForm(initial=initial, offer_save_address=offer)
    shown_address = find_in_book(book, shown)
    options = shipping_options(review.subtotal)
    chosen = form["shipping_method"].value() or (options[0].method.code if options else None)
    response = render(
        request,
        "checkout/details.html",
        {
            "form": form,
            "review": review,
            "shipping_options": options,
            "chosen_method": str(chosen) if chosen else None,
            "other_addresses": [a for a in book if a != shown_address],
            "step": 1,
        },
        status=status,
    )
    return drop_stale_cart_cookie(request, response)


def _saving_address(request, cart) -> bool:
    """True when a signed-in customer asked at step 1 to keep this bag's address."""
    return (
        cart is not None
        and signed_in_customer(request) is not None
        and request.session.get(SAVE_ADDRESS_KEY) == str(cart.pk)
    )


def _render_review(request, *, cart, review, details, form=None, error=None, status=200, key=None):
    summary = checkout_summary(review=review, details=details)
    payment_form = form or PaymentForm()
    return render(
        request,
        "checkout/review.html",
        {
            "form": payment_form,
            "summary": summary,
            "details": details,
            "error": error,
            "idempotency_key": key or uuid.uuid4(),
            "basket_token": summary.seen.sign() if not review.is_empty else "",
            "customer": signed_in_customer(request),
            "saving_address": _saving_address(request, cart),
            "step": 2,
        },
        status=status,
    )


@never_cache
@sensitive_variables("form", "card")
@sensitive_post_parameters(*CARD_FIELDS)
@require_http_methods(["GET", "POST"])
def review(request):
    """Step 2: the order in full, and the card to pay with."""
    if request.method == "POST":
        return _place(request)
    cart, review = _open_cart(request)
    if review.is_empty:
        messages.info(request, "Your bag is empty, so there is nothing to check out yet.")
        return _empty_bag()
    details = get_checkout_details(cart)
    if details is None or details.shipping_method is None or not details.shipping_method.active:
        messages.info(request, "Please tell us where to send your order first.")
        return redirect("checkout:details")
    response = _render_review(request, cart=cart, review=review, details=details)
    return drop_stale_cart_cookie(request, response)


def _submitted_key(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("idempotency_key", ""))
    except ValueError:
        return None


@sensitive_variables("form", "card")
def _place(request):
    cart = get_cart_for_request(request)
    key = _submitted_key(request)
    if key is not None:
        # A second submit of a form that already placed an order: show that order.
        # (Looked up after the cart, so an order committed in between is found.)
        placed = placed_order_for_key(
            key=key, customer=signed_in_customer(request), cart_id=cart_id_from_request(request)
        )
        if placed is not None:
            _remember_order(request, placed)
            return redirect("checkout:confirmation", number=placed.number)
    # No reconcile_cart() before charging: place_order checks the bag under its
    # locks, and only a bag it refuses is reconciled (below) for the shopper to see.
    review = review_cart(cart)
    if review.is_empty:
        messages.info(request, "Your bag is empty, so there is nothing to check out yet.")
        return _empty_bag()
    details = get_checkout_details(cart)
    if details is None or details.shipping_method is None:
        messages.info(request, "Please tell us where to send your order first.")
        return redirect("checkout:details")

    form = PaymentForm(request.POST)
    seen = None
    if form.is_valid():
        try:
            seen = SeenBasket.from_token(form.cleaned_data["basket"])
        except signing.BadSignature:
            form.add_error(
                None, "This page was out of date. Please check your order and place it again."
            )
    if not form.is_valid():
        return _render_review(
            request, cart=cart, review=review, details=details, form=form, status=400, key=key
        )
    try:
        order = place_order(
            cart=cart,
            card=form.card(),
            idempotency_key=form.cleaned_data["idempotency_key"],
            seen=seen,
            ip_address=client_ip(request),
            customer=signed_in_customer(request),
            save_address=_saving_address(request, cart),
        )
    except CheckoutError as error:
        if error.code in (CheckoutErrorCode.EMPTY_CART, CheckoutErrorCode.ALREADY_PLACED):
            messages.info(request, error.message)
            return _empty_bag()
        if error.code == CheckoutErrorCode.DETAILS_MISSING:
            messages.info(request, error.message)
            return redirect("checkout:details")
        if error.code in (
            CheckoutErrorCode.SOLD_OUT,
            CheckoutErrorCode.PRICE_CHANGED,
            CheckoutErrorCode.CART_CHANGED,
        ):
            # Bring the bag in line with the shop, so the page shows what can be bought now.
            reconcile_cart(cart=cart)
            review = review_cart(cart)
            key = None
        response = _render_review(
            request,
            cart=cart,
            review=review,
            details=details,
            form=form,
            error=error,
            status=error.http_status,
            key=key,
        )
        if error.code == CheckoutErrorCode.PROCESSOR_UNAVAILABLE:
            response["Retry-After"] = "30"
        return response
    request.session.pop(SAVE_ADDRESS_KEY, None)
    _remember_order(request, order)
    return redirect("checkout:confirmation", number=order.number)


@never_cache
@require_http_methods(["GET"])
def confirmation(request, number):
    """The thank-you page: only the browser that placed the order may see it."""
    order = get_order_by_number(number)
    if order is None or str(order.pk) not in request.session.get(PLACED_ORDERS_KEY, []):
        raise Http404("No such order in this browser.")
    payment = Payment.objects.filter(order=order).first()
    return render(
        request,
        "checkout/confirmation.html",
        {"order": order, "payment": payment, "step": 3},
    )
