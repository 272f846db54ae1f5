"""The checkout's verbs: keep the shopper's details, and place the order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from vivre.accounts.models import Address
from vivre.cart.models import Cart, CartLine, GiftCertificateItem
from vivre.catalog.models import Product, Variant
from vivre.core.money import format_usd
from vivre.marketing import promotions
from vivre.orders.models import Order
from vivre.orders.services import AddressData, LineData, create_order, mark_authorized
from vivre.orders.signals import order_placed
from vivre.payments import giftcertificates, saved_cards
from vivre.payments.cards import CardDetails
from vivre.payments.gateway import (
    CardDeclined,
    PaymentError,
    PaymentProcessor,
    ProcessorUnavailable,
    get_processor,
)
from vivre.payments.giftcertificates import GiftCertificateError
from vivre.payments.models import SavedCard
from vivre.payments.services import (
    authorize_payment,
    capture_payment,
    record_failed_disclosure,
    void_authorization,
)
from vivre.payments.vault import VaultError

from .confirmation_mail import send_order_confirmation
from .errors import CheckoutError, CheckoutErrorCode
from .models import CheckoutDetails, ShippingMethod
from .pricing import ZERO, left_to_pay, quote
from .seen import SeenBasket, SeenLine

# How a bag of gift certificates alone "ships": they are e-mailed to their recipients.
EMAIL_DELIVERY_CODE = "email"
EMAIL_DELIVERY_NAME = "E-mail delivery"

DETAIL_FIELDS = [
    "email", "phone", "ship_name", "ship_line1", "ship_line2", "ship_city", "ship_state",
    "ship_postal_code", "billing_same", "bill_name", "bill_line1", "bill_line2", "bill_city",
    "bill_state", "bill_postal_code",
]  # fmt: skip


GIFT_FIELDS = ["is_gift", "gift_message", "gift_wrap"]


def save_checkout_details(
    *,
    cart: Cart,
    data: dict,
    shipping_method: ShippingMethod | None,
    certificates_only: bool = False,
) -> CheckoutDetails:
    """Keep the step-1 details with the bag, replacing any given before.

    The billing fields are emptied while the billing address is the shipping one,
    so the table holds no address the shopper withdrew; likewise the gift message
    and wrap of an order that is no longer a gift. A bag holding only gift
    certificates ships nothing: only the billing address is kept, and no
    shipping address or method.
    """
    values = {name: data.get(name, "") for name in DETAIL_FIELDS}
    values["billing_same"] = bool(data.get("billing_same"))
    values["is_gift"] = bool(data.get("is_gift"))
    values["gift_wrap"] = values["is_gift"] and bool(data.get("gift_wrap"))
    values["gift_message"] = (data.get("gift_message") or "") if values["is_gift"] else ""
    if certificates_only:
        values |= {name: "" for name in DETAIL_FIELDS if name.startswith("ship_")}
        values |= {"billing_same": False, "is_gift": False, "gift_wrap": False}
        values["gift_message"] = ""
        shipping_method = None
    if values["billing_same"]:
        for name in DETAIL_FIELDS:
            if name.startswith("bill_"):
                values[name] = ""
    details, _ = CheckoutDetails.objects.update_or_create(
        cart=cart, defaults={**values, "shipping_method": shipping_method}
    )
    return details


ADDRESS_FIELDS = ["name", "line1", "line2", "city", "state", "postal_code"]


def same_address(a: dict, b: dict) -> bool:
    """True when two addresses (``ADDRESS_FIELDS`` dicts) are the same place, ignoring case."""
    return all(
        str(a.get(f) or "").strip().casefold() == str(b.get(f) or "").strip().casefold()
        for f in ADDRESS_FIELDS
    )


def address_values(address: Address) -> dict[str, str]:
    """Return an address-book entry as an ``ADDRESS_FIELDS`` dict."""
    return {f: getattr(address, f) for f in ADDRESS_FIELDS}


def find_in_book(book: list[Address], values: dict) -> Address | None:
    """Return the saved address that is the same place as ``values``, or None."""
    return next((a for a in book if same_address(address_values(a), values)), None)


def save_to_address_book(*, customer, values: dict[str, str]) -> Address:
    """Add an address to the customer's book unless the same place is there already.

    Returns the new or the existing entry. If the book has no default shipping
    address, the new one becomes it, so the next checkout starts from it.
    """
    book = Address.objects.filter(user=customer)
    existing = find_in_book(list(book), values)
    if existing is not None:
        return existing
    fields = {
        "user": customer,
        "name": values["name"],
        "line1": values["line1"],
        "line2": values.get("line2", ""),
        "city": values["city"],
        "state": values["state"],
        "postal_code": values["postal_code"],
    }
    if book.filter(is_default_shipping=True).exists():
        return Address.objects.create(**fields)
    try:
        # A savepoint: a default set meanwhile in another tab must not undo the order.
        with transaction.atomic():
            return Address.objects.create(**fields, is_default_shipping=True)
    except IntegrityError:
        return Address.objects.create(**fields)


def forget_abandoned_details(*, now=None) -> int:
    """Delete step-1 details not touched for CHECKOUT_DETAILS_RETENTION_DAYS. Returns how many.

    A bag left at checkout should not keep a shopper's address and phone forever.
    """
    days = settings.VIVRE["CHECKOUT_DETAILS_RETENTION_DAYS"]
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = CheckoutDetails.objects.filter(updated_at__lt=cutoff).delete()
    return deleted


def seen_basket(*, lines, shipping_method: str, total) -> SeenBasket:
    """Return the record of what a review page shows, from (variant id, quantity, price) rows."""
    return SeenBasket(
        lines=tuple(
            sorted(
                (SeenLine(variant_id=v, quantity=q, unit_price=p) for v, q, p in lines),
                key=lambda line: line.variant_id,
            )
        ),
        shipping_method=shipping_method,
        total=total,
    )


def _check_lines(lines: list[CartLine], variants: dict[int, Variant]) -> None:
    """Raise if any line cannot be bought at the quantity and price the shopper saw."""
    sold_out, prices = [], []
    for line in lines:
        variant = variants.get(line.variant_id)
        if variant is None or not variant.is_active or not variant.product.is_active:
            sold_out.append(f"{variant or 'An item'} is no longer available.")
            continue
        if variant.stock <= 0:
            sold_out.append(f"{variant} is sold out.")
        elif variant.stock < line.quantity:
            sold_out.append(
                f"Only {variant.stock} of {variant} left; you asked for {line.quantity}."
            )
        if variant.price != line.price_seen:
            prices.append(
                f"The price of {variant} changed from {format_usd(line.price_seen)} "
                f"to {format_usd(variant.price)}."
            )
    if sold_out:
        raise CheckoutError(
            CheckoutErrorCode.SOLD_OUT,
            "Sorry, something in your bag sold out before we could place your order. "
            "Your card has not been charged.",
            sold_out + prices,
        )
    if prices:
        raise CheckoutError(
            CheckoutErrorCode.PRICE_CHANGED,
            "A price changed before we could place your order, so we haven't charged "
            "your card. Please review the new total.",
            prices,
        )


def _take_stock(lines: list[CartLine], variants: dict[int, Variant]) -> None:
    """Decrement the locked variants and refresh their products' price and stock summary."""
    for line in lines:
        variant = variants[line.variant_id]
        variant.stock -= line.quantity  # checked by _check_lines, under the row lock
        variant.save(update_fields=["stock", "updated_at"])
    # Products are locked after all variants, in pk order, like every buyer's: no
    # deadlock, and each summary is computed from committed stock.
    product_ids = sorted({v.product_id for v in variants.values()})
    for product in Product.objects.select_for_update().filter(pk__in=product_ids).order_by("pk"):
        product.refresh_summary()


def _redeem_certificates(*, order: Order, certificate_ids) -> Decimal:
    """Spend the applied gift certificates on the order, in the order they were applied.

    Each takes at most what is still owed; a certificate emptied or voided since
    it was applied gives what it has left (nothing, if nothing). Returns the sum
    taken; the order records it as ``paid_by_gift_certificates``.
    """
    owed = order.total
    for certificate_id in certificate_ids:
        if owed <= ZERO:
            break
        try:
            owed -= giftcertificates.redeem(certificate_id=certificate_id, amount=owed, order=order)
        except GiftCertificateError:
            continue  # voided since it was applied: the card pays its share
    paid = order.total - owed
    if paid:
        order.paid_by_gift_certificates = paid
        order.save(update_fields=["paid_by_gift_certificates", "updated_at"])
    return paid


class PromotionUnavailable(CheckoutError):
    """The promotion code applied to the bag can no longer be used: nothing was placed.

    A ``CheckoutError`` (409) the review page shows; the shopper removes the code
    to continue.
    """

    def __init__(self, code: str, reason: str):
        super().__init__(
            CheckoutErrorCode.PROMOTION_UNAVAILABLE,
            f"Your promotion code {code} can't be used: {reason} Please remove it to "
            "continue. Your order has not been placed and your card has not been charged.",
        )
        self.reason = reason


def _lock_promotion(*, promotion_id, subtotal: Decimal, customer_key: str):
    """Lock the applied code's row and check it still applies; return it (or raise)."""
    try:
        return promotions.lock_applicable(
            promotion_id=promotion_id, subtotal=subtotal, customer_key=customer_key
        )
    except promotions.PromotionError as error:
        code = (
            promotions.Promotion.objects.filter(pk=promotion_id)
            .values_list("code", flat=True)
            .first()
        )
        raise PromotionUnavailable(code or "", error.message) from error


class CaptureFailed(Exception):
    """Taking the money for an order of certificates alone failed; its hold is released."""


@sensitive_variables("card", "saved_card_cvv")
def place_order(
    *,
    cart: Cart,
    card: CardDetails | None,
    idempotency_key: uuid.UUID,
    ip_address: str | None,
    seen: SeenBasket | None = None,
    processor: PaymentProcessor | None = None,
    customer=None,
    save_address: bool = False,
    saved_card: SavedCard | None = None,
    saved_card_cvv: str = "",
    save_card: bool = False,
    gift_certificate_ids: Sequence[uuid.UUID] = (),
    promotion_id: int | None = None,
) -> Order:
    """Turn the bag into an order and take payment, all in one transaction.

    Locks the bag (so a double submit waits, then finds the first order by its
    idempotency key) and the variants in primary-key order (so two buyers never
    deadlock), checks stock and prices against what the shopper saw, records the
    order, takes the stock, spends the applied gift certificates, and authorises
    the card for the rest. Any failure, a declined card included, rolls
    everything back, certificate balances too. Raises ``CheckoutError``.

    The card is either ``card`` (typed now) or a ``saved_card`` of ``customer``
    with the security code typed now (``saved_card_cvv``, never stored). No card
    is needed when the certificates pay for everything. With ``save_card``, a
    new card the processor accepted joins the customer's saved cards (P7).

    A signed-in ``customer``'s order belongs to their account; with
    ``save_address`` its shipping address joins their address book, in the same
    transaction. Gift certificates bought in the bag are issued once paid.

    ``promotion_id`` is the promotion code applied at review: under its row lock
    every limit is checked again and its use recorded with the order; its discount
    comes off the merchandise before tax. A code that ran out meanwhile places
    nothing (``PromotionUnavailable``).
    """
    processor = processor or get_processor()
    payment = None
    if saved_card is not None and (customer is None or saved_card.customer_id != customer.pk):
        # Defence in depth: the form offers only the customer's own cards.
        raise CheckoutError(CheckoutErrorCode.CARD_NEEDED, "Please choose one of your saved cards.")
    try:
        with transaction.atomic():
            locked = Cart.objects.select_for_update().filter(pk=cart.pk).first()
            if locked is None:
                raise CheckoutError(CheckoutErrorCode.EMPTY_CART, "Your bag is empty.")
            existing = Order.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                if existing.cart_id == locked.pk:
                    return existing
                raise CheckoutError(
                    CheckoutErrorCode.KEY_REUSED,
                    "This payment form was already used. Please check your order and "
                    "place it again.",
                )
            if locked.checked_out_at is not None:
                raise CheckoutError(
                    CheckoutErrorCode.ALREADY_PLACED, "This bag has already been ordered."
                )
            lines = list(CartLine.objects.filter(cart=locked).order_by("variant_id"))
            certificates = list(GiftCertificateItem.objects.filter(cart=locked))
            if not lines and not certificates:
                raise CheckoutError(CheckoutErrorCode.EMPTY_CART, "Your bag is empty.")
            details = (
                CheckoutDetails.objects.select_related("shipping_method")
                .filter(cart=locked)
                .first()
            )
            if details is None or (lines and details.shipping_method is None):
                raise CheckoutError(
                    CheckoutErrorCode.DETAILS_MISSING,
                    "Please tell us where to send your order first.",
                )
            method = details.shipping_method if lines else None
            if method is not None and not method.active:
                raise CheckoutError(
                    CheckoutErrorCode.DETAILS_MISSING,
                    f"{method.name} shipping is no longer offered. Please choose another way.",
                )
            variants = {
                v.pk: v
                for v in Variant.objects.select_for_update(of=("self",))
                .select_related("product")
                .filter(pk__in=[line.variant_id for line in lines])
                .order_by("pk")
            }
            _check_lines(lines, variants)

            subtotal = sum((variants[ln.variant_id].price * ln.quantity for ln in lines), ZERO)
            is_gift = bool(lines) and details.is_gift
            promotion = None
            customer_key = promotions.customer_key_for(customer=customer, email=details.email)
            if promotion_id is not None:
                promotion = _lock_promotion(
                    promotion_id=promotion_id, subtotal=subtotal, customer_key=customer_key
                )
            charges = quote(
                subtotal=subtotal,
                method=method,
                state=details.ship_state if lines else None,
                gift_certificates_total=sum((c.amount for c in certificates), ZERO),
                gift_wrap=is_gift and details.gift_wrap,
                discount=promotions.discount_for(promotion, subtotal) if promotion else ZERO,
            )
            if seen is not None and seen != seen_basket(
                lines=[(ln.variant_id, ln.quantity, ln.price_seen) for ln in lines],
                shipping_method=method.code if method else "",
                total=charges.total,
            ):
                raise CheckoutError(
                    CheckoutErrorCode.CART_CHANGED,
                    "Your bag or your order total changed after you reviewed it, so we "
                    "haven't charged your card. Please check your order again.",
                )

            billing = AddressData(**details.billing_fields())
            order = create_order(
                email=details.email,
                phone=details.phone,
                # Nothing ships for certificates alone: the order's address is the billing one.
                shipping_address=AddressData(**details.shipping_fields()) if lines else billing,
                billing_address=billing,
                shipping_method_code=method.code if method else EMAIL_DELIVERY_CODE,
                shipping_method_name=method.name if method else EMAIL_DELIVERY_NAME,
                lines=[
                    LineData(
                        variant=variants[ln.variant_id],
                        quantity=ln.quantity,
                        unit_price=variants[ln.variant_id].price,
                    )
                    for ln in lines
                ],
                shipping_charge=charges.shipping_charge,
                tax_rate=charges.tax_rate,
                tax=charges.tax,
                ip_address=ip_address,
                idempotency_key=idempotency_key,
                cart=locked,
                gift_certificates_total=charges.gift_certificates_total,
                is_gift=is_gift,
                gift_message=details.gift_message if is_gift else "",
                gift_wrap=is_gift and details.gift_wrap,
                gift_wrap_charge=charges.gift_wrap_charge,
                customer=customer,
                discount=charges.discount,
                promotion_code=promotion.code if promotion else "",
            )
            if promotion is not None:
                try:
                    promotions.redeem(
                        promotion_id=promotion.pk,
                        order=order,
                        customer_key=customer_key,
                        subtotal=subtotal,
                    )
                except promotions.PromotionError as error:  # pragma: no cover - still locked
                    raise PromotionUnavailable(promotion.code, error.message) from error
            if customer is not None and save_address and lines:
                save_to_address_book(customer=customer, values=details.shipping_fields())

            _take_stock(lines, variants)
            paid_by_certificates = _redeem_certificates(
                order=order, certificate_ids=gift_certificate_ids
            )
            rest = left_to_pay(order.total, paid_by_certificates)
            if rest > ZERO:
                if saved_card is not None:
                    card = saved_cards.card_for_charge(
                        saved_card=saved_card, cvv=saved_card_cvv, actor="checkout"
                    )
                if card is None:
                    raise CheckoutError(
                        CheckoutErrorCode.CARD_NEEDED,
                        f"Your gift certificates no longer cover the whole order. Please "
                        f"add a card for the remaining {format_usd(rest)}.",
                    )
                payment = authorize_payment(
                    order=order,
                    card=card,
                    processor=processor,
                    saved_card=saved_card,
                    amount=rest,
                )
                if save_card and customer is not None and saved_card is None:
                    saved_cards.save_card(customer=customer, card=card)
            mark_authorized(order=order)
            if certificates:
                giftcertificates.issue_for_order(order=order, items=certificates)
            if not lines and payment is not None:
                # Nothing ships: certificates go by e-mail, so the money is taken now
                # rather than at a shipment that never comes.
                try:
                    capture_payment(order=order, processor=processor)
                except PaymentError as exc:
                    raise CaptureFailed(exc.message) from exc
            send_order_confirmation(order=order, certificates=certificates, payment=payment)
            locked.checked_out_at = timezone.now()
            locked.save(update_fields=["checked_out_at", "updated_at"])
            details.delete()
            transaction.on_commit(
                lambda: order_placed.send(sender=Order, order_id=order.pk), robust=True
            )
    except CardDeclined as exc:
        # The card went to the processor although the order rolled back: keep that record.
        record_failed_disclosure(exc)
        raise CheckoutError(CheckoutErrorCode.CARD_DECLINED, exc.message) from exc
    except ProcessorUnavailable as exc:
        record_failed_disclosure(exc)
        raise CheckoutError(CheckoutErrorCode.PROCESSOR_UNAVAILABLE, exc.message) from exc
    except CaptureFailed as exc:
        void_authorization(order=order, reference=payment.reference, processor=processor)
        raise CheckoutError(CheckoutErrorCode.PROCESSOR_UNAVAILABLE, str(exc)) from exc
    except VaultError as exc:
        # A saved card that cannot be opened any more: nothing was sent or charged.
        raise CheckoutError(CheckoutErrorCode.CARD_DECLINED, exc.message) from exc
    except BaseException:
        if payment is not None:
            # The card was authorised but the order did not commit: release the hold.
            void_authorization(order=order, reference=payment.reference, processor=processor)
        raise
    return order
