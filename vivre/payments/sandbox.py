"""A processor that needs no network, for development, demos and tests.

Test cards (any future expiry, any CVV of the right length):

======================  ===================================
4242 4242 4242 4242     approved (so is any other valid number)
4000 0000 0000 0002     declined
4000 0000 0000 9995     declined: insufficient funds
4000 0000 0000 0119     no answer: waits SANDBOX_TIMEOUT_SECONDS, then unavailable
======================  ===================================
"""

from __future__ import annotations

import secrets
import time
from decimal import Decimal

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from .cards import CardDetails, cvv_length, detect_brand, expiry_passed, luhn_valid
from .gateway import (
    Authorization,
    BillingAddress,
    CardDeclined,
    DeclineReason,
    ProcessorUnavailable,
)

DECLINED_CARD = "4000000000000002"
INSUFFICIENT_FUNDS_CARD = "4000000000009995"
TIMEOUT_CARD = "4000000000000119"


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
            time.sleep(settings.VIVRE["SANDBOX_TIMEOUT_SECONDS"])
            raise ProcessorUnavailable()
        return Authorization(
            reference=f"sbx_{secrets.token_hex(12)}",
            brand=brand,
            last4=card.last4,
            amount=amount,
            currency=currency,
        )

    def void(self, *, reference: str) -> None:
        """The sandbox holds no money, so there is nothing to release."""
