"""Reads of the cart: the current cart, its count, and a checked review of its lines."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from .models import Cart, CartLine


def cart_id_from_request(request) -> uuid.UUID | None:
    """Return the cart id carried by the cart cookie, or None if absent or malformed."""
    raw = request.COOKIES.get(settings.VIVRE["CART_COOKIE"])
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def get_cart_for_request(request) -> Cart | None:
    """Return the open cart of this visitor, or None (no query without a cookie)."""
    if hasattr(request, "_vivre_cart"):
        return request._vivre_cart
    cart_id = cart_id_from_request(request)
    cart = None
    if cart_id is not None:
        cart = Cart.objects.filter(pk=cart_id, checked_out_at__isnull=True).first()
    request._vivre_cart = cart
    return cart


def cart_count_for_request(request) -> int:
    """Return how many items are in the visitor's bag (for the header)."""
    if hasattr(request, "_vivre_cart_count"):
        return request._vivre_cart_count
    cart_id = cart_id_from_request(request)
    count = 0
    if cart_id is not None:
        count = (
            CartLine.objects.filter(cart_id=cart_id, cart__checked_out_at__isnull=True).aggregate(
                n=Sum("quantity")
            )["n"]
            or 0
        )
    request._vivre_cart_count = count
    return count


@dataclass
class ReviewedLine:
    """A cart line checked against today's price and stock."""

    line: CartLine
    quantity: int
    unit_price: Decimal
    available: int

    @property
    def variant(self):
        return self.line.variant

    @property
    def product(self):
        return self.line.variant.product

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def price_changed(self) -> bool:
        return self.line.price_seen != self.unit_price

    @property
    def sold_out(self) -> bool:
        return self.available <= 0 or not self.variant.is_active or not self.product.is_active

    @property
    def short(self) -> bool:
        return not self.sold_out and self.available < self.quantity


@dataclass
class CartReview:
    """The lines of a cart with their current prices, and the subtotal."""

    lines: list[ReviewedLine] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((r.line_total for r in self.lines), Decimal("0.00"))

    @property
    def item_count(self) -> int:
        return sum(r.quantity for r in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def is_clean(self) -> bool:
        """True when every line can be bought at the price the shopper saw."""
        return not any(r.sold_out or r.short or r.price_changed for r in self.lines)


def review_cart(cart: Cart | None) -> CartReview:
    """Return the cart's lines with current prices and stock, in one query."""
    if cart is None:
        return CartReview()
    lines = CartLine.objects.filter(cart=cart).select_related(
        "variant", "variant__product", "variant__product__category__department"
    )
    return CartReview(
        lines=[
            ReviewedLine(
                line=line,
                quantity=line.quantity,
                unit_price=line.variant.price,
                available=line.variant.stock,
            )
            for line in lines
        ]
    )
