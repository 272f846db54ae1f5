"""Money: Decimal amounts in the store's currency, rounded the way receipts are."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """Round an amount to whole cents, halves away from zero."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def format_usd(amount: Decimal) -> str:
    """Return ``$1,234.50`` for an amount."""
    return f"${to_cents(amount):,.2f}"
