"""The sums of a checkout: merchandise, gift certificates, shipping, gift wrap, tax, total."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from vivre.core.money import to_cents

from .models import ShippingMethod, TaxRate

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Quote:
    """What an order costs: tax is charged on merchandise only, rounded half-up to cents.

    Gift certificates bought in the order carry neither tax nor shipping: they are
    money, e-mailed to the recipient. A promotion code's ``discount`` comes off the
    merchandise subtotal only, and tax is charged on what remains.
    """

    subtotal: Decimal
    shipping_charge: Decimal
    tax_rate: Decimal
    tax: Decimal
    gift_certificates_total: Decimal = ZERO
    gift_wrap_charge: Decimal = ZERO
    discount: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return (
            self.subtotal
            + self.gift_certificates_total
            + self.shipping_charge
            + self.gift_wrap_charge
            + self.tax
            - self.discount
        )

    @property
    def free_shipping(self) -> bool:
        return self.shipping_charge == ZERO


def gift_wrap_price() -> Decimal:
    """Return what gift wrap adds to an order (``VIVRE["GIFT_WRAP_CHARGE"]``)."""
    return to_cents(Decimal(str(settings.VIVRE["GIFT_WRAP_CHARGE"])))


def tax_rate_for(state: str) -> Decimal:
    """Return the sales tax rate for goods shipped to a state (0 where none is set)."""
    rate = TaxRate.objects.filter(state=state).values_list("rate", flat=True).first()
    return rate if rate is not None else Decimal("0")


def quote(
    *,
    subtotal: Decimal,
    method: ShippingMethod | None,
    state: str | None,
    gift_certificates_total: Decimal = ZERO,
    gift_wrap: bool = False,
    discount: Decimal = ZERO,
) -> Quote:
    """Return the charges for a merchandise subtotal sent by ``method`` to ``state``.

    ``gift_certificates_total`` is the value of the certificates in the bag;
    ``gift_wrap`` adds the gift-wrap charge; ``discount`` (a promotion code's) comes
    off the merchandise, never more than its subtotal, and tax is charged on the
    rest. Shipping is priced on the subtotal before the discount, as step 1 showed it.
    """
    subtotal = to_cents(subtotal)
    discount = min(max(to_cents(discount), ZERO), subtotal)
    shipping = to_cents(method.charge_for(subtotal)) if method else ZERO
    rate = tax_rate_for(state) if state else Decimal("0")
    return Quote(
        subtotal=subtotal,
        shipping_charge=shipping,
        tax_rate=rate,
        tax=to_cents((subtotal - discount) * rate),
        gift_certificates_total=to_cents(gift_certificates_total),
        gift_wrap_charge=gift_wrap_price() if gift_wrap else ZERO,
        discount=discount,
    )


def left_to_pay(total: Decimal, applied: Decimal) -> Decimal:
    """Return what the card must pay once ``applied`` gift-certificate money is taken off.

    Never negative: certificates worth more than the order only pay the order.
    """
    return max(to_cents(total) - to_cents(applied), ZERO)
