"""The card processor interface: what Vivre sends a processor, and what comes back.

P17: a processor receives only what its role needs. To authorise: the card
(number, expiry, CVV, cardholder name), the amount and currency, and the billing
street line, ZIP code and country that address verification (AVS) compares.
To capture, void or refund: its own reference of the hold, and the amount. Never
the shopper's e-mail, phone or shipping address. ``vivre.payments.services``
builds every payload as a dict and passes it through the disclosure gateway
(``vivre.privacy.disclosure``) before a processor method sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from .cards import CardBrand, CardDetails


@dataclass(frozen=True)
class BillingAddress:
    """The part of the billing address a processor checks against the card issuer."""

    line1: str
    postal_code: str
    country: str = "US"

    @classmethod
    def from_address(cls, address) -> BillingAddress:
        return cls(line1=address.line1, postal_code=address.postal_code, country=address.country)


@dataclass(frozen=True)
class Authorization:
    """A hold the processor placed on the card for an amount."""

    reference: str
    brand: CardBrand
    last4: str
    amount: Decimal
    currency: str


class DeclineReason(Enum):
    DECLINED = "declined"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    INVALID_NUMBER = "invalid_number"
    EXPIRED = "expired"
    INVALID_CVV = "invalid_cvv"


DECLINE_MESSAGES = {
    DeclineReason.DECLINED: "Your card was declined. Please use another card, "
    "or call the number on the back of your card.",
    DeclineReason.INSUFFICIENT_FUNDS: "Your card was declined for insufficient funds. "
    "Please use another card.",
    DeclineReason.INVALID_NUMBER: "That card number is not valid. Please check it.",
    DeclineReason.EXPIRED: "That card has expired. Please use another card.",
    DeclineReason.INVALID_CVV: "The security code doesn't match the card. Please check it.",
}


class PaymentError(Exception):
    """A card could not be authorised; ``message`` is fit for the shopper."""

    message = "We could not take your payment."


class CardDeclined(PaymentError):
    """The issuer or processor refused the card."""

    def __init__(self, reason: DeclineReason):
        super().__init__(reason.value)
        self.reason = reason
        self.message = DECLINE_MESSAGES[reason]


class ProcessorUnavailable(PaymentError):
    """The processor could not be reached or did not answer in time; nothing was charged."""

    message = (
        "Our card processor isn't answering right now, and your card has not been "
        "charged. Please try again in a minute."
    )


class ProcessorRefused(PaymentError):
    """The processor refused a capture, void or refund (over the limit, wrong state)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@runtime_checkable
class PaymentProcessor(Protocol):
    """A card processor Vivre can authorise payments with."""

    name: str

    def authorize(
        self,
        *,
        card: CardDetails,
        amount: Decimal,
        currency: str,
        billing_address: BillingAddress,
    ) -> Authorization:
        """Place a hold for ``amount``; raise ``CardDeclined`` or ``ProcessorUnavailable``.

        ``card.name`` is the cardholder's name as typed; it goes with the card.
        """
        ...

    def capture(self, *, reference: str, amount: Decimal) -> None:
        """Take ``amount`` (no more than the hold) of the hold ``reference``.

        Raises ``ProcessorRefused`` or ``ProcessorUnavailable``; then nothing was taken.
        """
        ...

    def void(self, *, reference: str) -> None:
        """Release a hold that will not be captured; raise ``ProcessorUnavailable``."""
        ...

    def refund(self, *, reference: str, amount: Decimal) -> str:
        """Give back ``amount`` of what was captured; return the processor's refund reference.

        Raises ``ProcessorRefused`` (more than captured and not yet refunded) or
        ``ProcessorUnavailable``; then nothing was refunded.
        """
        ...


@cache
def _processor_class(path: str) -> type:
    return import_string(path)


def get_processor() -> PaymentProcessor:
    """Return the processor named by ``settings.VIVRE["PAYMENT_PROCESSOR"]``."""
    return _processor_class(settings.VIVRE["PAYMENT_PROCESSOR"])()
