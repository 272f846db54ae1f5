"""Changes to a cart. Every step re-checks stock and price against the catalogue."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from vivre.catalog.models import Variant
from vivre.core.money import format_usd

from .models import Cart, CartLine, GiftCertificateItem
from .selectors import open_cart_for_customer, review_cart


class CartErrorCode(Enum):
    UNKNOWN_ITEM = "unknown_item"
    SOLD_OUT = "sold_out"
    NOT_ENOUGH_STOCK = "not_enough_stock"
    BAD_QUANTITY = "bad_quantity"
    UNKNOWN_LINE = "unknown_line"
    TOO_MANY_CERTIFICATES = "too_many_certificates"


class CartError(Exception):
    """A cart change that cannot be made, with a message fit for the shopper."""

    def __init__(self, code: CartErrorCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def max_quantity() -> int:
    return settings.VIVRE["CART_MAX_QUANTITY"]


def create_cart(*, ip_address: str | None, customer=None) -> Cart:
    """Start a new cart, keeping the visitor's IP for diagnostics (P11)."""
    return Cart.objects.create(
        ip_address=ip_address, ip_recorded_at=timezone.now(), customer=customer
    )


def _lock_customer(customer) -> None:
    """Serialize changes to one customer's bag on their account row.

    Every customer has that row, even before they have a bag to lock. ``FOR NO
    KEY UPDATE`` (PostgreSQL) still lets an order referencing the customer be
    placed meanwhile; on SQLite the IMMEDIATE transaction already serializes writers.
    """
    list(
        get_user_model()
        .objects.select_for_update(no_key=True)
        .filter(pk=customer.pk)
        .values_list("pk", flat=True)
    )


def open_customer_cart(*, customer, ip_address: str | None) -> tuple[Cart, bool]:
    """Return the customer's open bag and whether it was just started.

    Two first additions at once (two tabs) still make one bag.
    """
    with transaction.atomic():
        _lock_customer(customer)
        cart = open_cart_for_customer(customer)
        if cart is not None:
            touch_cart_ip(cart=cart, ip_address=ip_address)
            return cart, False
        return create_cart(ip_address=ip_address, customer=customer), True


def touch_cart_ip(*, cart: Cart, ip_address: str | None) -> None:
    """Record the address the cart is used from now (P11), if it changed."""
    if ip_address and cart.ip_address != ip_address:
        cart.ip_address = ip_address
        cart.ip_recorded_at = timezone.now()
        cart.save(update_fields=["ip_address", "ip_recorded_at", "updated_at"])


def _check_quantity(quantity: int) -> None:
    if quantity < 1 or quantity > max_quantity():
        raise CartError(
            CartErrorCode.BAD_QUANTITY,
            f"Please choose a quantity from 1 to {max_quantity()}.",
        )


def add_to_cart(*, cart: Cart, variant_id: int, quantity: int) -> CartLine:
    """Put ``quantity`` of a variant in the cart, on top of what is there already."""
    _check_quantity(quantity)
    variant = (
        Variant.objects.select_related("product")
        .filter(pk=variant_id, is_active=True, product__is_active=True)
        .first()
    )
    if variant is None:
        raise CartError(CartErrorCode.UNKNOWN_ITEM, "That item is not available.")
    if variant.stock <= 0:
        raise CartError(CartErrorCode.SOLD_OUT, f"Sorry, {variant} is sold out.")
    with transaction.atomic():
        line = CartLine.objects.filter(cart=cart, variant=variant).first()
        wanted = quantity + (line.quantity if line else 0)
        _check_quantity(wanted)
        if wanted > variant.stock:
            raise CartError(
                CartErrorCode.NOT_ENOUGH_STOCK,
                f"Only {variant.stock} of {variant} left"
                + (f"; you already have {line.quantity} in your bag." if line else "."),
            )
        if line is None:
            line = CartLine.objects.create(
                cart=cart, variant=variant, quantity=wanted, price_seen=variant.price
            )
        else:
            line.quantity = wanted
            line.price_seen = variant.price
            line.save(update_fields=["quantity", "price_seen"])
        Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    return line


def set_quantity(*, cart: Cart, line_id: int, quantity: int) -> CartLine | None:
    """Change a line's quantity; 0 removes the line. Returns the line, or None if removed."""
    line = CartLine.objects.select_related("variant").filter(cart=cart, pk=line_id).first()
    if line is None:
        raise CartError(CartErrorCode.UNKNOWN_LINE, "That item is no longer in your bag.")
    if quantity == 0:
        line.delete()
        return None
    _check_quantity(quantity)
    if quantity > line.variant.stock:
        raise CartError(
            CartErrorCode.NOT_ENOUGH_STOCK,
            f"Only {line.variant.stock} of {line.variant} left.",
        )
    line.quantity = quantity
    line.price_seen = line.variant.price
    line.save(update_fields=["quantity", "price_seen"])
    return line


def remove_line(*, cart: Cart, line_id: int) -> None:
    """Take a line out of the cart."""
    deleted, _ = CartLine.objects.filter(cart=cart, pk=line_id).delete()
    if not deleted:
        raise CartError(CartErrorCode.UNKNOWN_LINE, "That item is no longer in your bag.")


def max_gift_certificates() -> int:
    """How many gift certificates one bag may hold."""
    return settings.VIVRE["CART_MAX_QUANTITY"]


def add_gift_certificate(
    *,
    cart: Cart,
    amount: Decimal,
    recipient_name: str,
    recipient_email: str,
    sender_name: str,
    message: str,
    deliver_on: date,
) -> GiftCertificateItem:
    """Put a gift certificate for someone in the bag (checked by the form beforehand).

    Its value and whom it is for are kept until the order is placed; the
    certificate itself is made then (``vivre.payments.giftcertificates``).
    """
    vivre = settings.VIVRE
    if not vivre["GIFT_CERTIFICATE_MIN"] <= amount <= vivre["GIFT_CERTIFICATE_MAX"]:
        raise ValueError("A gift certificate's value is checked by the form first.")
    with transaction.atomic():
        if GiftCertificateItem.objects.filter(cart=cart).count() >= max_gift_certificates():
            raise CartError(
                CartErrorCode.TOO_MANY_CERTIFICATES,
                f"One order can hold at most {max_gift_certificates()} gift certificates.",
            )
        item = GiftCertificateItem.objects.create(
            cart=cart,
            amount=amount,
            recipient_name=recipient_name,
            recipient_email=recipient_email,
            sender_name=sender_name,
            message=message,
            deliver_on=deliver_on,
        )
        Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    return item


def remove_gift_certificate(*, cart: Cart, item_id: int) -> None:
    """Take a gift certificate out of the bag."""
    deleted, _ = GiftCertificateItem.objects.filter(cart=cart, pk=item_id).delete()
    if not deleted:
        raise CartError(
            CartErrorCode.UNKNOWN_LINE, "That gift certificate is no longer in your bag."
        )


def reconcile_cart(*, cart: Cart | None) -> list[str]:
    """Bring the cart in line with today's stock and prices; return what changed.

    Sold-out lines are removed, lines above the stock left are reduced, and a
    changed price is accepted as the new ``price_seen`` — each with a message the
    shopper sees before paying.
    """
    notices: list[str] = []
    for reviewed in review_cart(cart).lines:
        line, variant = reviewed.line, reviewed.variant
        if reviewed.sold_out:
            line.delete()
            notices.append(f"{variant} sold out and was removed from your bag.")
            continue
        changed = []
        if reviewed.short:
            line.quantity = reviewed.available
            changed.append("quantity")
            notices.append(
                f"Only {reviewed.available} of {variant} left: we changed your bag to match."
            )
        if reviewed.price_changed:
            was = line.price_seen
            line.price_seen = reviewed.unit_price
            changed.append("price_seen")
            direction = "dropped" if reviewed.unit_price < was else "changed"
            notices.append(
                f"The price of {variant} {direction} from {format_usd(was)} "
                f"to {format_usd(reviewed.unit_price)}."
            )
        if changed:
            line.save(update_fields=changed)
    return notices


@dataclass
class MergeResult:
    """What signing in did to the bag: the customer's bag now, and what to tell them."""

    cart: Cart | None = None
    # True when a guest bag's lines were added to a bag the account already had.
    combined: bool = False
    notices: list[str] = field(default_factory=list)


def _merged_quantity(variant: Variant, wanted: int) -> tuple[int, str | None]:
    """Return how many of ``wanted`` may stay in the bag, and why fewer, if fewer."""
    available = variant.stock if variant.is_active and variant.product.is_active else 0
    allowed = max(0, min(wanted, max_quantity(), available))
    if allowed == wanted:
        return allowed, None
    if allowed == 0:
        return 0, f"{variant} has sold out, so it is no longer in your bag."
    if allowed == max_quantity() and allowed < available:
        return allowed, (
            f"Your bag now has {allowed} of {variant}: we send at most "
            f"{max_quantity()} of one item per order."
        )
    return allowed, f"Only {available} of {variant} left, so your bag now has {allowed}."


def merge_guest_cart(
    *, guest_cart_id: uuid.UUID | None, customer, ip_address: str | None
) -> MergeResult:
    """Bring a guest's bag into the account of the customer who just signed in.

    If the customer has no open bag, the guest bag becomes theirs. Otherwise its
    lines join the customer's bag (the same item: quantities added, capped at
    ``CART_MAX_QUANTITY`` and at the stock left, with a notice saying so) and the
    guest bag is deleted. One transaction, serialized per customer (their row,
    then both bags, are locked), so two sign-ins at once neither duplicate a line
    nor lose a quantity. The bag records the address it is used from (P11).
    """
    result = MergeResult()
    if guest_cart_id is None:
        return result
    with transaction.atomic():
        _lock_customer(customer)
        guest = (
            Cart.objects.select_for_update()
            .filter(pk=guest_cart_id, customer__isnull=True, checked_out_at__isnull=True)
            .first()
        )
        if guest is None:
            return result
        target = (
            Cart.objects.select_for_update()
            .filter(customer=customer, checked_out_at__isnull=True)
            .first()
        )
        if target is None:
            guest.customer = customer
            guest.save(update_fields=["customer", "updated_at"])
            touch_cart_ip(cart=guest, ip_address=ip_address)
            result.cart = guest
            return result

        mine = {line.variant_id: line for line in CartLine.objects.filter(cart=target)}
        theirs = list(
            CartLine.objects.filter(cart=guest).select_related("variant", "variant__product")
        )
        for line in theirs:
            have = mine.get(line.variant_id)
            wanted = line.quantity + (have.quantity if have else 0)
            allowed, notice = _merged_quantity(line.variant, wanted)
            if notice:
                result.notices.append(notice)
            if have is None and allowed:
                # Moved whole, keeping the price the guest saw: a change since is
                # pointed out on the bag page like any other.
                line.cart = target
                line.quantity = allowed
                line.save(update_fields=["cart", "quantity"])
            elif have is not None and allowed:
                have.quantity = allowed
                have.save(update_fields=["quantity"])
            elif have is not None:
                have.delete()
        # Gift certificates all join the customer's bag: each is its own item.
        certificates = GiftCertificateItem.objects.filter(cart=guest).update(cart=target)
        guest.delete()  # with any lines left behind and its step-1 details
        touch_cart_ip(cart=target, ip_address=ip_address)
        Cart.objects.filter(pk=target.pk).update(updated_at=timezone.now())
        result.cart = target
        result.combined = bool(theirs) or bool(certificates)
    return result


def clear_expired_ips(*, now=None) -> int:
    """Forget the IP of carts older than the retention limit (P11). Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.VIVRE["CART_IP_RETENTION_DAYS"])
    return Cart.objects.filter(ip_recorded_at__lt=cutoff).update(
        ip_address=None, ip_recorded_at=None
    )
