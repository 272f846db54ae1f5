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
from vivre.core.money import format_usd
from vivre.marketing import promotions
from vivre.orders.selectors import get_order_by_number
from vivre.payments.giftcertificates import GiftCertificateError, find_usable
from vivre.payments.models import Payment
from vivre.payments.saved_cards import usable_cards

from .errors import CheckoutError, CheckoutErrorCode
from .forms import DetailsForm, GiftCertificateCodeForm, PaymentForm, PromotionCodeForm
from .pricing import gift_wrap_price
from .seen import SeenBasket
from .selectors import (
    account_checkout_initial,
    address_book,
    certificate_items,
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
    GIFT_FIELDS,
    PromotionUnavailable,
    address_values,
    find_in_book,
    place_order,
    save_checkout_details,
)

PLACED_ORDERS_KEY = "checkout_placed_orders"
# The bag (by id) whose shipping address the customer asked to save to their
# address book at step 1; a flag, not the address, which CheckoutDetails keeps.
SAVE_ADDRESS_KEY = "checkout_save_address"
# The gift certificates applied to this bag: {"cart": <cart id>, "ids": [<certificate id>…]}.
# Ids only, never codes; each is checked again when the order is placed.
GIFT_CERTIFICATES_KEY = "checkout_gift_certificates"
# The promotion code applied to this bag: {"cart": <cart id>, "id": <promotion id>}.
# One code per order; it is checked again, under a lock, when the order is placed.
PROMOTION_KEY = "checkout_promotion"
CARD_FIELDS = ("card_number", "expiry", "cvv", "saved_cvv")


def _applied_ids(request, cart) -> list[uuid.UUID]:
    """Return the ids of the certificates applied to this bag (anything malformed ignored)."""
    stored = request.session.get(GIFT_CERTIFICATES_KEY)
    if cart is None or not isinstance(stored, dict) or stored.get("cart") != str(cart.pk):
        return []
    ids = []
    for raw in stored.get("ids", [])[:10] if isinstance(stored.get("ids"), list) else []:
        try:
            ids.append(uuid.UUID(str(raw)))
        except ValueError:
            continue
    return list(dict.fromkeys(ids))


def _set_applied(request, cart, ids: list[uuid.UUID]) -> None:
    if ids:
        request.session[GIFT_CERTIFICATES_KEY] = {
            "cart": str(cart.pk),
            "ids": [str(i) for i in ids],
        }
    else:
        request.session.pop(GIFT_CERTIFICATES_KEY, None)


def _promotion_id(request, cart) -> int | None:
    """Return the id of the promotion code applied to this bag, or None (malformed ignored)."""
    stored = request.session.get(PROMOTION_KEY)
    if cart is None or not isinstance(stored, dict) or stored.get("cart") != str(cart.pk):
        return None
    raw = stored.get("id")
    return raw if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0 else None


def _set_promotion(request, cart, promotion_id: int | None) -> None:
    if promotion_id is not None:
        request.session[PROMOTION_KEY] = {"cart": str(cart.pk), "id": promotion_id}
    else:
        request.session.pop(PROMOTION_KEY, None)


def _customer_key(request, details) -> str:
    """Return who uses a promotion code here: the account, or the e-mail given at step 1."""
    return promotions.customer_key_for(
        customer=signed_in_customer(request), email=details.email if details else ""
    )


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


def _details_initial(*, cart, customer, book, ship_to, certificates_only=False) -> dict:
    """Return step 1's starting values: details given before win over the account's."""
    saved = get_checkout_details(cart)
    if saved is not None:
        initial = {name: getattr(saved, name) for name in [*DETAIL_FIELDS, *GIFT_FIELDS]}
        if certificates_only and saved.billing_same:
            initial |= prefixed("bill_", saved.shipping_fields())
        if saved.shipping_method and saved.shipping_method.active:
            initial["shipping_method"] = saved.shipping_method.code
        if ship_to is not None:
            initial |= prefixed("ship_", address_values(ship_to))
        return initial
    if customer is not None:
        initial = account_checkout_initial(customer, book=book, ship_to=ship_to)
        if certificates_only and initial.get("billing_same"):
            # Only a billing address is asked for: start from the shipping one.
            initial |= {f"bill_{k[5:]}": v for k, v in initial.items() if k.startswith("ship_")}
        return initial
    return {}


@never_cache
@require_http_methods(["GET", "POST"])
def details(request):
    """Step 1: contact details, addresses and shipping method.

    A signed-in customer starts from their account: e-mail, phone and default
    addresses, or another saved address picked with ``?ship=<id>``.
    """
    cart, review = _open_cart(request)
    certificates = certificate_items(cart)
    if not review.lines and not certificates:
        messages.info(request, "Your bag is empty, so there is nothing to check out yet.")
        return _empty_bag()
    certificates_only = not review.lines
    customer = signed_in_customer(request)
    ship_to = _chosen_address(request, customer)
    book = address_book(customer) if customer is not None else []
    status = 200
    form_options = {"certificates_only": certificates_only, "gift_wrap_charge": gift_wrap_price()}
    if request.method == "POST":
        shown = unprefixed("ship_", request.POST)
        offer = customer is not None and not certificates_only and find_in_book(book, shown) is None
        form = DetailsForm(request.POST, offer_save_address=offer, **form_options)
        if form.is_valid():
            save_checkout_details(
                cart=cart,
                data=form.cleaned_data,
                shipping_method=form.cleaned_data.get("shipping_method"),
                certificates_only=certificates_only,
            )
            if form.cleaned_data.get("save_address"):
                request.session[SAVE_ADDRESS_KEY] = str(cart.pk)
            else:
                request.session.pop(SAVE_ADDRESS_KEY, None)
            return drop_stale_cart_cookie(request, redirect("checkout:review"))
        status = 400
    else:
        initial = _details_initial(
            cart=cart,
            customer=customer,
            book=book,
            ship_to=ship_to,
            certificates_only=certificates_only,
        )
        shown = unprefixed("ship_", initial)
        offer = customer is not None and not certificates_only and find_in_book(book, shown) is None
        if offer:
            initial["save_address"] = request.session.get(SAVE_ADDRESS_KEY) == str(cart.pk)
        form = DetailsForm(initial=initial, offer_save_address=offer, **form_options)
    shown_address = find_in_book(book, shown)
    options = [] if certificates_only else shipping_options(review.subtotal)
    chosen = None
    if not certificates_only:
        chosen = form["shipping_method"].value() or (options[0].method.code if options else None)
    response = render(
        request,
        "checkout/details.html",
        {
            "form": form,
            "review": review,
            "certificates": certificates,
            "certificates_only": certificates_only,
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


def _summary(request, *, cart, review, details):
    return checkout_summary(
        review=review,
        details=details,
        certificates=certificate_items(cart),
        applied_ids=_applied_ids(request, cart),
        promotion_id=_promotion_id(request, cart),
        customer_key=_customer_key(request, details),
    )


def _payment_form(request, summary, data=None) -> PaymentForm:
    """Return the pay form: saved cards and "save this card" for a signed-in customer only."""
    customer = signed_in_customer(request)
    return PaymentForm(
        data,
        saved_cards=usable_cards(customer) if customer is not None else (),
        offer_save_card=customer is not None,
        card_required=summary.to_pay > 0,
    )


def _render_review(
    request,
    *,
    cart,
    review,
    details,
    form=None,
    code_form=None,
    promotion_form=None,
    error=None,
    status=200,
    key=None,
    summary=None,
):
    summary = summary or _summary(request, cart=cart, review=review, details=details)
    payment_form = form or _payment_form(request, summary)
    return render(
        request,
        "checkout/review.html",
        {
            "form": payment_form,
            "code_form": code_form or GiftCertificateCodeForm(),
            "promotion_form": promotion_form or PromotionCodeForm(),
            "summary": summary,
            "details": details,
            "error": error,
            "idempotency_key": key or uuid.uuid4(),
            "basket_token": summary.seen.sign() if not summary.is_empty else "",
            "customer": signed_in_customer(request),
            "saving_address": _saving_address(request, cart),
            "step": 2,
        },
        status=status,
    )


def _details_ready(details, review) -> bool:
    """True when step 1 was done for this bag: with a shipping method if anything ships."""
    if details is None:
        return False
    if not review.lines:
        return True
    return details.shipping_method is not None and details.shipping_method.active


@never_cache
@sensitive_variables("form", "card")
@sensitive_post_parameters(*CARD_FIELDS)
@require_http_methods(["GET", "POST"])
def review(request):
    """Step 2: the order in full, gift certificates to pay with, and the card for the rest."""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "apply_certificate":
            return _apply_certificate(request)
        if action == "remove_certificate":
            return _remove_certificate(request)
        if action == "apply_promotion":
            return _apply_promotion(request)
        if action == "remove_promotion":
            return _remove_promotion(request)
        return _place(request)
    cart, review = _open_cart(request)
    if not review.lines and not certificate_items(cart):
        messages.info(request, "Your bag is empty, so there is nothing to check out yet.")
        return _empty_bag()
    details = get_checkout_details(cart)
    if not _details_ready(details, review):
        messages.info(request, "Please tell us where to send your order first.")
        return redirect("checkout:details")
    response = _render_review(request, cart=cart, review=review, details=details)
    return drop_stale_cart_cookie(request, response)


def _review_context(request):
    """Return (cart, review, details), or a redirect when there is nothing to review."""
    cart = get_cart_for_request(request)
    review = review_cart(cart)
    if not review.lines and not certificate_items(cart):
        messages.info(request, "Your bag is empty, so there is nothing to check out yet.")
        return None, _empty_bag()
    details = get_checkout_details(cart)
    if not _details_ready(details, review):
        messages.info(request, "Please tell us where to send your order first.")
        return None, redirect("checkout:details")
    return (cart, review, details), None


def _apply_certificate(request):
    """Apply a gift certificate code to this bag; errors are shown beside the code field."""
    found, response = _review_context(request)
    if response is not None:
        return response
    cart, review, details = found
    form = GiftCertificateCodeForm(request.POST)
    if form.is_valid():
        applied = _applied_ids(request, cart)
        summary = _summary(request, cart=cart, review=review, details=details)
        try:
            certificate = find_usable(form.cleaned_data["code"], ip=client_ip(request))
        except GiftCertificateError as error:
            form.add_error("code", error.message)
        else:
            if certificate.pk in applied:
                form.add_error("code", "This gift certificate is already applied to your order.")
            elif summary.to_pay <= 0:
                form.add_error("code", "Your gift certificates already pay for the whole order.")
            else:
                _set_applied(request, cart, [*applied, certificate.pk])
                messages.success(request, f"{certificate} is applied to your order.")
                return redirect("checkout:review")
    return _render_review(
        request, cart=cart, review=review, details=details, code_form=form, status=400
    )


def _remove_certificate(request):
    """Take an applied gift certificate off this bag."""
    found, response = _review_context(request)
    if response is not None:
        return response
    cart = found[0]
    remove = request.POST.get("certificate", "")
    _set_applied(request, cart, [i for i in _applied_ids(request, cart) if str(i) != remove])
    return redirect("checkout:review")


def _apply_promotion(request):
    """Apply one promotion code to this bag; why it does not apply is shown beside the field."""
    found, response = _review_context(request)
    if response is not None:
        return response
    cart, review, details = found
    form = PromotionCodeForm(request.POST)
    if form.is_valid():
        try:
            promotion = promotions.find_applicable(
                form.cleaned_data["promotion_code"],
                subtotal=review.subtotal,
                customer_key=_customer_key(request, details),
            )
        except promotions.PromotionError as error:
            form.add_error("promotion_code", error.message)
        else:
            replaced = _promotion_id(request, cart)
            _set_promotion(request, cart, promotion.pk)
            discount = promotions.discount_for(promotion, review.subtotal)
            note = (
                " It replaces the code applied before."
                if replaced not in (None, promotion.pk)
                else ""
            )
            messages.success(
                request,
                f"The code {promotion.code} takes {format_usd(discount)} off your order.{note}",
            )
            return redirect("checkout:review")
    return _render_review(
        request, cart=cart, review=review, details=details, promotion_form=form, status=400
    )


def _remove_promotion(request):
    """Take the promotion code off this bag."""
    found, response = _review_context(request)
    if response is not None:
        return response
    _set_promotion(request, found[0], None)
    return redirect("checkout:review")


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
    found, response = _review_context(request)
    if response is not None:
        return response
    cart, review, details = found
    summary = _summary(request, cart=cart, review=review, details=details)
    form = _payment_form(request, summary, request.POST)
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
            request,
            cart=cart,
            review=review,
            details=details,
            form=form,
            status=400,
            key=key,
            summary=summary,
        )
    saved_card = form.chosen_saved_card()
    try:
        order = place_order(
            cart=cart,
            card=form.card(),
            saved_card=saved_card,
            saved_card_cvv=form.cleaned_data.get("saved_cvv", "") if saved_card else "",
            save_card=bool(form.cleaned_data.get("save_card")),
            gift_certificate_ids=[a.certificate.pk for a in summary.applied],
            promotion_id=summary.promotion.promotion.pk if summary.promotion else None,
            idempotency_key=form.cleaned_data["idempotency_key"],
            seen=seen,
            ip_address=client_ip(request),
            customer=signed_in_customer(request),
            save_address=_saving_address(request, cart),
        )
    except PromotionUnavailable as error:
        # Nothing placed; the page shows the code with why it no longer applies.
        return _render_review(
            request,
            cart=cart,
            review=review,
            details=details,
            form=form,
            error=error,
            status=error.http_status,
            key=key,
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
        if error.code in (CheckoutErrorCode.CARD_DECLINED, CheckoutErrorCode.CARD_NEEDED):
            # Certificates emptied meanwhile: the page must now ask for a card.
            form = _payment_form(
                request, _summary(request, cart=cart, review=review, details=details), request.POST
            )
            form.is_valid()
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
    request.session.pop(GIFT_CERTIFICATES_KEY, None)
    request.session.pop(PROMOTION_KEY, None)
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
        {
            "order": order,
            "payment": payment,
            "certificates": order.gift_certificates.all(),
            "step": 3,
        },
    )
