"""Card numbers in memory: brand, Luhn check, expiry, and a holder that never shows them.

The number and the CVV exist only in a ``CardDetails`` for the length of one
request, on their way to the processor (docs/decisions/0001-card-data-at-checkout.md).
"""

from __future__ import annotations

import calendar
import datetime
import re

from django.db import models
from django.utils import timezone


class CardBrand(models.TextChoices):
    VISA = "visa", "Visa"
    MASTERCARD = "mastercard", "Mastercard"
    AMEX = "amex", "American Express"
    DISCOVER = "discover", "Discover"


# (brand, prefix ranges as (low, high) on the first n digits, allowed lengths)
_BRAND_RULES: list[tuple[CardBrand, list[tuple[int, int]], tuple[int, ...]]] = [
    (CardBrand.AMEX, [(34, 34), (37, 37)], (15,)),
    (CardBrand.VISA, [(4, 4)], (13, 16, 19)),
    (CardBrand.MASTERCARD, [(51, 55), (2221, 2720)], (16,)),
    (
        CardBrand.DISCOVER,
        [(6011, 6011), (644, 649), (65, 65), (622126, 622925)],
        (16, 17, 18, 19),
    ),
]

_NON_DIGITS = re.compile(r"[\s-]")


def normalize_number(raw: str) -> str:
    """Return the digits of a card number typed with spaces or dashes."""
    return _NON_DIGITS.sub("", raw or "")


def detect_brand(number: str) -> CardBrand | None:
    """Return the brand a card number's prefix and length belong to, or None."""
    if not number.isdigit():
        return None
    for brand, ranges, lengths in _BRAND_RULES:
        if len(number) not in lengths:
            continue
        for low, high in ranges:
            width = len(str(low))
            if low <= int(number[:width]) <= high:
                return brand
    return None


def luhn_valid(number: str) -> bool:
    """Return True when the number passes the Luhn (mod 10) check."""
    if not number.isdigit() or len(number) < 12:
        return False
    total = 0
    for i, char in enumerate(reversed(number)):
        digit = int(char)
        if i % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def cvv_length(brand: CardBrand | None) -> int:
    """Return how many digits the security code of a brand has."""
    return 4 if brand == CardBrand.AMEX else 3


def expiry_passed(month: int, year: int, *, today: datetime.date | None = None) -> bool:
    """Return True when a card's expiry month is over (a card works through its last day)."""
    today = today or timezone.localdate()
    last_day = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, last_day) < today


class CardDetails:
    """A card as typed at checkout, held in memory only until the processor call.

    Its text forms show the brand and last four digits, never the number or the
    CVV, and it refuses to be pickled, so it cannot slip into a session, a cache or
    a task queue.
    """

    __slots__ = ("number", "exp_month", "exp_year", "cvv", "name")

    def __init__(self, *, number: str, exp_month: int, exp_year: int, cvv: str, name: str):
        self.number = normalize_number(number)
        self.exp_month = exp_month
        self.exp_year = exp_year
        self.cvv = cvv
        self.name = name

    @property
    def brand(self) -> CardBrand | None:
        return detect_brand(self.number)

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def masked(self) -> str:
        label = self.brand.label if self.brand else "Card"
        return f"{label} •••• {self.last4}"

    def __repr__(self) -> str:
        return f"<CardDetails {self.masked} exp {self.exp_month:02d}/{self.exp_year}>"

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        raise TypeError("Card details are never serialised (docs/decisions/0001).")
