"""Reads for the checkout pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from vivre.cart.models import Cart
from vivre.cart.selectors import CartReview

from .models import CheckoutDetails, ShippingMethod
from .pricing import Quote, quote
from .seen import SeenBasket
from .services import seen_basket


@dataclass(frozen=True)
class ShippingOption:
    method: ShippingMethod
    charge: Decimal


@dataclass(frozen=True)
class CheckoutSummary:
    """A bag priced for review: its lines, the charges, and what the shopper is shown."""

    review: CartReview
    method: ShippingMethod | None
    quote: Quote

    @property
    def seen(self) -> SeenBasket:
        return seen_basket(
            lines=[(r.line.variant_id, r.quantity, r.unit_price) for r in self.review.lines],
            shipping_method=self.method.code if self.method else "",
            total=self.quote.total,
        )


def get_checkout_details(cart: Cart | None) -> CheckoutDetails | None:
    """Return the step-1 details kept with this bag, or None."""
    if cart is None:
        return None
    return CheckoutDetails.objects.select_related("shipping_method").filter(cart=cart).first()


def shipping_options(subtotal: Decimal) -> list[ShippingOption]:
    """Return the active shipping methods with what each costs for this subtotal."""
    return [
        ShippingOption(method=m, charge=m.charge_for(subtotal))
        for m in ShippingMethod.objects.filter(active=True)
    ]


def checkout_summary(*, review: CartReview, details: CheckoutDetails | None) -> CheckoutSummary:
    """Return the bag's charges for the shipping method and state chosen at step 1."""
    method = details.shipping_method if details else None
    if method is not None and not method.active:
        method = None
    charges = quote(
        subtotal=review.subtotal,
        method=method,
        state=details.ship_state if details else None,
    )
    return CheckoutSummary(review=review, method=method, quote=charges)
