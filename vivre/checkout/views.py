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

from vivre.cart.selectors import cart_id_from_request, get_cart_for_request, review_cart
from vivre.cart.services import reconcile_cart
from vivre.core.http import client_ip
from vivre.orders.selectors import get_order_by_number, order_for_idempotency_key
from vivre.payments.models import Payment

from .errors import CheckoutError, CheckoutErrorCode
from .forms import DetailsForm, PaymentForm
from .seen import SeenBasket
from .selectors import checkout_summary, get_checkout_details, shipping_options
from .services import DETAIL_FIELDS, place_order, save_checkout_details

PLACED_ORDERS_KEY = "checkout_placed_orders"
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


@never_cache
@require_http_methods(["GET", "POST"])
def details(request):
    """Step 1: contact details, addresses and shipping method."""
    cart, review = _open_cart(request)
    if review.is_empty:
        messages.info(request, "Your bag is empty, so there is nothing to check out yet.")
        return _empty_bag()
    status = 200
    if request.method == "POST":
        form = DetailsForm(request.POST)
        if form.is_valid():
            save_checkout_details(
                cart=cart,
                data=form.cleaned_data,
                shipping_method=form.cleaned_data["shipping_method"],
            )
            return redirect("checkout:review")
        status = 400
    else:
        saved = get_checkout_details(cart)
        initial = {name: getattr(saved, name) for name in DETAIL_FIELDS} if saved else {}
        if saved and saved.shipping_method and saved.shipping_method.active:
            initial["shipping_method"] = saved.shipping_method.code
        form = DetailsForm(initial=initial)
    options = shipping_options(review.subtotal)
    chosen = form["shipping_method"].value() or (options[0].method.code if options else None)
    return render(
        request,
        "checkout/details.html",
        {
            "form": form,
            "review": review,
            "shipping_options": options,
            "chosen_method": str(chosen) if chosen else None,
            "step": 1,
        },
        status=status,
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
    return _render_review(request, cart=cart, review=review, details=details)


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
        placed = order_for_idempotency_key(key=key, cart_id=cart_id_from_request(request))
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
