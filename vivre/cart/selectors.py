"""Reads of the cart: the current cart, its count, and a checked review of its contents.

A bag holds variant lines and gift certificates (``GiftCertificateItem``); either may
be missing, so a bag of gift certificates alone is a bag like any other.

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
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import Cart, CartLine, GiftCertificateItem


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


def _item_count() -> Coalesce:
    """The number of things in a bag: its lines' quantities plus its gift certificates."""
    quantities = (
        CartLine.objects.filter(cart=OuterRef("pk"))
        .order_by()
        .values("cart")
        .annotate(n=Sum("quantity"))
        .values("n")
    )
    certificates = (
        GiftCertificateItem.objects.filter(cart=OuterRef("pk"))
        .order_by()
        .values("cart")
        .annotate(n=Count("id"))
        .values("n")
    )
    zero = Value(0, output_field=IntegerField())
    return Coalesce(Subquery(quantities), zero) + Coalesce(Subquery(certificates), zero)


def cart_count_for_request(request) -> int:
    """Return how many items are in the visitor's bag (for the header), in one query at most.

    Each gift certificate counts as one item.
    """
    if hasattr(request, "_vivre_cart_count"):
        return request._vivre_cart_count
    carts = None
    if hasattr(request, "_vivre_cart"):
        cart = request._vivre_cart
        carts = Cart.objects.filter(pk=cart.pk) if cart is not None else None
    elif (customer := signed_in_customer(request)) is not None:
        carts = Cart.objects.filter(customer=customer, checked_out_at__isnull=True)
    elif (cart_id := cart_id_from_request(request)) is not None:
        carts = Cart.objects.filter(pk=cart_id, customer__isnull=True, checked_out_at__isnull=True)
    count = 0
    if carts is not None:
        # The newest open bag, as open_cart_for_customer finds it.
        count = carts.annotate(n=_item_count()).values_list("n", flat=True).first() or 0
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
    """The lines of a cart with their current prices, its gift certificates, and the sums.

    ``subtotal`` is the merchandise alone (what shipping and tax are charged on);
    ``total`` adds the gift certificates.
    """

    lines: list[ReviewedLine] = field(default_factory=list)
    certificates: list[GiftCertificateItem] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((r.line_total for r in self.lines), Decimal("0.00"))

    @property
    def certificates_total(self) -> Decimal:
        return sum((c.amount for c in self.certificates), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        """The merchandise and the gift certificates, before shipping and tax."""
        return self.subtotal + self.certificates_total

    @property
    def merchandise_count(self) -> int:
        return sum(r.quantity for r in self.lines)

    @property
    def item_count(self) -> int:
        """Everything in the bag: quantities of the lines, and each gift certificate."""
        return self.merchandise_count + len(self.certificates)

    @property
    def has_merchandise(self) -> bool:
        """True when something in the bag is shipped (gift certificates are e-mailed)."""
        return bool(self.lines)

    @property
    def is_empty(self) -> bool:
        """True when there is no merchandise (nothing to ship); see ``holds_nothing``."""
        return not self.lines

    @property
    def holds_nothing(self) -> bool:
        """True when the bag has neither merchandise nor gift certificates."""
        return not self.lines and not self.certificates

    @property
    def is_clean(self) -> bool:
        """True when every line can be bought at the price the shopper saw."""
        return not any(r.sold_out or r.short or r.price_changed for r in self.lines)


def review_cart(cart: Cart | None) -> CartReview:
    """Return the cart's lines with current prices and stock, and its gift certificates.

    Two queries: the lines with their variants, then the certificates.
    """
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
        ],
        certificates=list(GiftCertificateItem.objects.filter(cart=cart)),
    )
