"""The sums of a checkout: merchandise, shipping, sales tax, total."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from vivre.core.money import to_cents

from .models import ShippingMethod, TaxRate

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Quote:
    """What an order costs: tax is charged on merchandise only, rounded half-up to cents."""

    subtotal: Decimal
    shipping_charge: Decimal
    tax_rate: Decimal
    tax: Decimal

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping_charge + self.tax

    @property
    def free_shipping(self) -> bool:
        return self.shipping_charge == ZERO


def tax_rate_for(state: str) -> Decimal:
    """Return the sales tax rate for goods shipped to a state (0 where none is set)."""
    rate = TaxRate.objects.filter(state=state).values_list("rate", flat=True).first()
    return rate if rate is not None else Decimal("0")


def quote(*, subtotal: Decimal, method: ShippingMethod | None, state: str | None) -> Quote:
    """Return the charges for a merchandise subtotal sent by ``method`` to ``state``."""
    subtotal = to_cents(subtotal)
    shipping = to_cents(method.charge_for(subtotal)) if method else ZERO
    rate = tax_rate_for(state) if state else Decimal("0")
    return Quote(
        subtotal=subtotal,
        shipping_charge=shipping,
        tax_rate=rate,
        tax=to_cents(subtotal * rate),
    )
