"""Reads of the cart: the current cart, its count, and a checked review of its lines.

Whose bag a request sees: a signed-in customer's is their open cart, on any
device; anyone else's is the cart named by the cart cookie, and only if that
cart belongs to no customer (a customer's bag is never served to a request that
is not signed in as that customer, whatever cookie it presents).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Subquery, Sum

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


def signed_in_customer(request):
    """Return the signed-in user of this request, or None for a guest."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None


def open_cart_for_customer(customer) -> Cart | None:
    """Return the customer's open bag (the newest, should a race have left two), or None."""
    return Cart.objects.filter(customer=customer, checked_out_at__isnull=True).first()


def guest_cart_for_id(cart_id: uuid.UUID | None) -> Cart | None:
    """Return the open guest cart with this id; never a cart that belongs to a customer."""
    if cart_id is None:
        return None
    return Cart.objects.filter(
        pk=cart_id, customer__isnull=True, checked_out_at__isnull=True
    ).first()


def get_cart_for_request(request) -> Cart | None:
    """Return the bag this request may see and change, or None.

    Makes no query for a guest without a cart cookie.
    """
    if hasattr(request, "_vivre_cart"):
        return request._vivre_cart
    customer = signed_in_customer(request)
    if customer is not None:
        cart = open_cart_for_customer(customer)
    else:
        cart = guest_cart_for_id(cart_id_from_request(request))
    request._vivre_cart = cart
    return cart


def forget_cached_cart(request) -> None:
    """Make the next ``get_cart_for_request`` look again (after sign-in, merge or sign-out)."""
    for name in ("_vivre_cart", "_vivre_cart_count"):
        if hasattr(request, name):
            delattr(request, name)


def cart_cookie_is_stale(request) -> bool:
    """True when the request's cart cookie can only point at a bag it may not use.

    A signed-in customer's bag is found by their account, so any cart cookie
    they send is left over from a guest visit. A guest's cookie is stale when it
    names a customer's bag (for instance after signing out).
    """
    cart_id = cart_id_from_request(request)
    if cart_id is None:
        return False
    if signed_in_customer(request) is not None:
        return True
    if get_cart_for_request(request) is not None:
        return False
    return Cart.objects.filter(pk=cart_id, customer__isnull=False).exists()


def cart_count_for_request(request) -> int:
    """Return how many items are in the visitor's bag (for the header), in one query at most."""
    if hasattr(request, "_vivre_cart_count"):
        return request._vivre_cart_count
    lines = None
    if hasattr(request, "_vivre_cart"):
        cart = request._vivre_cart
        lines = CartLine.objects.filter(cart=cart) if cart is not None else None
    elif (customer := signed_in_customer(request)) is not None:
        newest = Cart.objects.filter(customer=customer, checked_out_at__isnull=True)
        lines = CartLine.objects.filter(cart_id=Subquery(newest.values("pk")[:1]))
    elif (cart_id := cart_id_from_request(request)) is not None:
        lines = CartLine.objects.filter(
            cart_id=cart_id, cart__customer__isnull=True, cart__checked_out_at__isnull=True
        )
    count = (lines.aggregate(n=Sum("quantity"))["n"] or 0) if lines is not None else 0
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
