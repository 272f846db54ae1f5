"""A processor that needs no network, for development, demos and tests.

Test cards (any future expiry, any CVV of the right length):

======================  ===================================
4242 4242 4242 4242     approved (so is any other valid number)
4000 0000 0000 0002     declined
4000 0000 0000 9995     declined: insufficient funds
4000 0000 0000 0119     no answer: waits SANDBOX_TIMEOUT_SECONDS, then unavailable
4000 0000 0000 0341     approved, but every later capture, void or refund of that
                        hold gets no answer (waits, then unavailable)
======================  ===================================

It models a hold's life as a real processor does: one capture of no more than
was authorised, refunds of no more than was captured, and a void only before the
capture. Holds are remembered in this process's memory; the reference also
carries the authorised amount, so a hold made before a restart can still be
captured (its earlier captures and refunds are then trusted to Vivre's own
records, which enforce the same limits).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from .cards import CardDetails, cvv_length, detect_brand, expiry_passed, luhn_valid
from .gateway import (
    Authorization,
    BillingAddress,
    CardDeclined,
    DeclineReason,
    ProcessorRefused,
    ProcessorUnavailable,
)

DECLINED_CARD = "4000000000000002"
INSUFFICIENT_FUNDS_CARD = "4000000000009995"
TIMEOUT_CARD = "4000000000000119"
# Authorises, then the processor is "down" for everything done to that hold later.
FOLLOW_UP_TIMEOUT_CARD = "4000000000000341"

_PREFIX = "sbx_"
_DOWN = "down_"


@dataclass
class _Hold:
    authorized: Decimal
    captured: Decimal = Decimal("0")
    refunded: Decimal = Decimal("0")
    voided: bool = False


_holds: dict[str, _Hold] = {}
_lock = threading.Lock()


def _no_answer() -> None:
    time.sleep(settings.VIVRE["SANDBOX_TIMEOUT_SECONDS"])
    raise ProcessorUnavailable()


def _new_reference(amount: Decimal, *, down: bool) -> str:
    cents = int((amount * 100).to_integral_value())
    return f"{_PREFIX}{_DOWN if down else ''}{secrets.token_hex(12)}_{cents}"


def _hold(reference: str, *, assume_captured: bool = False) -> _Hold:
    """Return the hold for a reference, rebuilt from the reference if this process lacks it."""
    hold = _holds.get(reference)
    if hold is not None:
        return hold
    body = reference.removeprefix(_PREFIX).removeprefix(_DOWN)
    token, _, cents = body.rpartition("_")
    if not reference.startswith(_PREFIX) or not token or not cents.isdigit():
        raise ProcessorRefused("The processor knows no such payment.")
    authorized = Decimal(cents) / 100
    hold = _Hold(authorized=authorized, captured=authorized if assume_captured else Decimal("0"))
    _holds[reference] = hold
    return hold


class SandboxProcessor:
    """Approve, decline or time out according to the documented test cards."""

    name = "sandbox"

    @sensitive_variables("card")
    def authorize(
        self,
        *,
        card: CardDetails,
        amount: Decimal,
        currency: str,
        billing_address: BillingAddress,
    ) -> Authorization:
        number = card.number
        brand = detect_brand(number)
        if brand is None or not luhn_valid(number):
            raise CardDeclined(DeclineReason.INVALID_NUMBER)
        if expiry_passed(card.exp_month, card.exp_year):
            raise CardDeclined(DeclineReason.EXPIRED)
        if not card.cvv.isdigit() or len(card.cvv) != cvv_length(brand):
            raise CardDeclined(DeclineReason.INVALID_CVV)
        if number == DECLINED_CARD:
            raise CardDeclined(DeclineReason.DECLINED)
        if number == INSUFFICIENT_FUNDS_CARD:
            raise CardDeclined(DeclineReason.INSUFFICIENT_FUNDS)
        if number == TIMEOUT_CARD:
            _no_answer()
        reference = _new_reference(amount, down=number == FOLLOW_UP_TIMEOUT_CARD)
        with _lock:
            _holds[reference] = _Hold(authorized=amount)
        return Authorization(
            reference=reference,
            brand=brand,
            last4=card.last4,
            amount=amount,
            currency=currency,
        )

    def capture(self, *, reference: str, amount: Decimal) -> None:
        """Take ``amount`` of the hold, once, and no more than was authorised."""
        if reference.startswith(_PREFIX + _DOWN):
            _no_answer()
        with _lock:
            hold = _hold(reference)
            if hold.voided:
                raise ProcessorRefused("This payment was voided; it cannot be captured.")
            if hold.captured:
                raise ProcessorRefused("This payment was already captured.")
            if amount <= 0 or amount > hold.authorized:
                raise ProcessorRefused(
                    f"Cannot capture {amount}: the hold is for {hold.authorized}."
                )
            hold.captured = amount

    def void(self, *, reference: str) -> None:
        """Release the hold; refused once it was captured (refund instead)."""
        if reference.startswith(_PREFIX + _DOWN):
            _no_answer()
        with _lock:
            hold = _hold(reference)
            if hold.captured:
                raise ProcessorRefused("This payment was captured; refund it instead.")
            hold.voided = True

    def refund(self, *, reference: str, amount: Decimal) -> str:
        """Give back ``amount``, never more than captured and not yet refunded."""
        if reference.startswith(_PREFIX + _DOWN):
            _no_answer()
        with _lock:
            hold = _hold(reference, assume_captured=True)
            left = hold.captured - hold.refunded
            if amount <= 0 or amount > left:
                raise ProcessorRefused(f"Cannot refund {amount}: {left} is left to refund.")
            hold.refunded += amount
        return f"{_PREFIX}re_{secrets.token_hex(12)}"
