"""Promotion codes: which code applies to a bag, what it takes off, and recording its use.

A code takes money off the merchandise subtotal only (never gift certificates,
shipping or gift wrap), and never more than that subtotal. Its limits (dates,
minimum spend, total uses, uses per customer) are checked when the shopper
applies it and again, under a row lock, when the order is placed: two orders
racing for the last use cannot both have it.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import dateformat, timezone

from vivre.core.money import to_cents
from vivre.privacy.consent import subject_key_for_customer, subject_key_for_email

from .models import Promotion, PromotionRedemption

ZERO = Decimal("0.00")
CODE_MAX_LENGTH = 30
# Letters, digits and single dashes between them, e.g. SPRING-25.
CODE_RE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
_SPACES = re.compile(r"\s+")

NO_LONGER_AVAILABLE = "This code is no longer available."


class PromotionError(Exception):
    """A code that does not apply; ``message`` tells the shopper why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def normalize_code(code: str) -> str:
    """Return a code as stored: spaces removed, upper case (``" spring-25 "`` → ``SPRING-25``)."""
    return _SPACES.sub("", str(code or "")).upper()


def customer_key_for(*, customer=None, email: str) -> str:
    """Return who is using a code, for the per-customer limit.

    A signed-in customer is their account; a guest their e-mail's keyed hash (never
    the address itself).
    """
    if customer is not None and getattr(customer, "pk", None) is not None:
        return subject_key_for_customer(customer.pk)
    return subject_key_for_email(email or "")


def _date(moment: datetime) -> str:
    return dateformat.format(timezone.localtime(moment), "j F Y")


def describe(promotion: Promotion) -> str:
    """Return what a code takes off: "15% off" or "$20.00 off"."""
    if promotion.kind == Promotion.Kind.PERCENT:
        value = promotion.value.normalize()
        return f"{value:f}% off"
    return f"${promotion.value:,.2f} off"


def uses(promotion: Promotion) -> int:
    """Return how many orders have used the code."""
    return PromotionRedemption.objects.filter(promotion=promotion).count()


def check(
    promotion: Promotion,
    *,
    subtotal: Decimal,
    customer_key: str,
    now: datetime | None = None,
) -> None:
    """Raise ``PromotionError`` unless the code may take money off this subtotal now.

    Counts uses as the database has them: call it under the promotion's row lock
    (``redeem`` does) for a count no one else can change meanwhile.
    """
    now = now or timezone.now()
    if not promotion.active:
        raise PromotionError(NO_LONGER_AVAILABLE)
    if promotion.starts_at > now:
        raise PromotionError(
            f"The code {promotion.code} starts on {_date(promotion.starts_at)}. "
            "Please use it from then."
        )
    if promotion.ends_at is not None and promotion.ends_at <= now:
        raise PromotionError(f"The code {promotion.code} expired on {_date(promotion.ends_at)}.")
    if promotion.max_uses is not None and uses(promotion) >= promotion.max_uses:
        raise PromotionError(NO_LONGER_AVAILABLE)
    if promotion.max_uses_per_customer is not None:
        mine = PromotionRedemption.objects.filter(
            promotion=promotion, customer_key=customer_key
        ).count()
        if mine >= promotion.max_uses_per_customer:
            raise PromotionError("You have already used this code.")
    subtotal = to_cents(subtotal)
    if subtotal <= ZERO:
        raise PromotionError("This code takes money off merchandise, and your bag has none.")
    if subtotal < promotion.minimum_spend:
        raise PromotionError(
            f"Spend at least ${promotion.minimum_spend:,.2f} on merchandise to use "
            f"the code {promotion.code}."
        )


def find_applicable(code: str, *, subtotal: Decimal, customer_key: str) -> Promotion:
    """Return the promotion for a code the shopper typed, if it applies to this subtotal.

    The code is matched whatever its case and spacing. Raises ``PromotionError``
    for a code that is unknown, not yet started, expired, inactive, below its
    minimum spend, used up, or used up by this customer.
    """
    normalized = normalize_code(code)
    promotion = None
    if normalized and len(normalized) <= CODE_MAX_LENGTH and CODE_RE.match(normalized):
        promotion = Promotion.objects.filter(code=normalized).first()
    if promotion is None:
        raise PromotionError("We don't know that code. Please check it and try again.")
    check(promotion, subtotal=subtotal, customer_key=customer_key)
    return promotion


def discount_for(promotion: Promotion, subtotal: Decimal) -> Decimal:
    """Return what the code takes off a merchandise subtotal, in cents, at most the subtotal.

    A percentage is rounded half-up to the cent.
    """
    subtotal = to_cents(subtotal)
    if subtotal <= ZERO:
        return ZERO
    if promotion.kind == Promotion.Kind.PERCENT:
        amount = to_cents(subtotal * promotion.value / Decimal(100))
    else:
        amount = to_cents(promotion.value)
    return max(min(amount, subtotal), ZERO)


def lock_applicable(*, promotion_id, subtotal: Decimal, customer_key: str) -> Promotion:
    """Lock the promotion's row and check it still applies; return it.

    Must run inside the caller's transaction: the lock is held until it ends, so
    another order using the code waits, then counts this order's use.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_applicable() must run inside a transaction.")
    promotion = Promotion.objects.select_for_update().filter(pk=promotion_id).first()
    if promotion is None:
        raise PromotionError(NO_LONGER_AVAILABLE)
    check(promotion, subtotal=subtotal, customer_key=customer_key)
    return promotion


def redeem(*, promotion_id, order, customer_key: str, subtotal: Decimal) -> Decimal:
    """Record one use of a code by ``order``; return the discount.

    Inside the caller's transaction: locks the promotion row, checks every limit
    again (``PromotionError`` when the code ran out meanwhile), and records a
    ``PromotionRedemption``.
    """
    promotion = lock_applicable(
        promotion_id=promotion_id, subtotal=subtotal, customer_key=customer_key
    )
    amount = discount_for(promotion, subtotal)
    PromotionRedemption.objects.create(
        promotion=promotion, order=order, customer_key=customer_key, amount=amount
    )
    return amount


FIELDS = (
    "code", "description", "kind", "value", "minimum_spend", "starts_at", "ends_at",
    "max_uses", "max_uses_per_customer", "active",
)  # fmt: skip


def save_promotion(*, data: dict, instance: Promotion | None = None) -> Promotion:
    """Create a promotion code, or change ``instance``, from a staff form's cleaned data.

    Raises ``django.db.IntegrityError`` if another code of that name was saved meanwhile.
    """
    promotion = instance or Promotion()
    for name in FIELDS:
        setattr(promotion, name, data[name])
    promotion.code = normalize_code(promotion.code)
    with transaction.atomic():
        promotion.save()
    return promotion
