"""The sandbox processor's documented test cards."""

import time
from decimal import Decimal

import pytest

from vivre.payments.cards import CardDetails
from vivre.payments.gateway import (
    BillingAddress,
    CardDeclined,
    DeclineReason,
    PaymentProcessor,
    ProcessorUnavailable,
    get_processor,
)
from vivre.payments.sandbox import SandboxProcessor

ADDRESS = BillingAddress(line1="11 Mercer Street", postal_code="10013")


def authorize(number, *, cvv="123", exp_year=2099, exp_month=12):
    card = CardDetails(number=number, exp_month=exp_month, exp_year=exp_year, cvv=cvv, name="A")
    return SandboxProcessor().authorize(
        card=card, amount=Decimal("10.00"), currency="USD", billing_address=ADDRESS
    )


@pytest.mark.parametrize(
    ("number", "cvv", "brand"),
    [
        ("4242424242424242", "123", "visa"),
        ("5555555555554444", "123", "mastercard"),
        ("378282246310005", "1234", "amex"),
        ("6011111111111117", "123", "discover"),
        ("4111111111111111", "123", "visa"),
    ],
)
def test_valid_cards_are_approved(number, cvv, brand):
    # given a valid test card
    # when it is authorised
    authorization = authorize(number, cvv=cvv)

    # then the sandbox approves it, with brand and last four
    assert authorization.reference.startswith("sbx_")
    assert (authorization.brand, authorization.last4) == (brand, number[-4:])
    assert authorization.amount == Decimal("10.00")


@pytest.mark.parametrize(
    ("number", "kwargs", "reason"),
    [
        ("4000000000000002", {}, DeclineReason.DECLINED),
        ("4000000000009995", {}, DeclineReason.INSUFFICIENT_FUNDS),
        ("4242424242424241", {}, DeclineReason.INVALID_NUMBER),
        ("3530111333300000", {}, DeclineReason.INVALID_NUMBER),
        ("4242424242424242", {"exp_year": 2020}, DeclineReason.EXPIRED),
        ("4242424242424242", {"cvv": "12"}, DeclineReason.INVALID_CVV),
        ("378282246310005", {"cvv": "123"}, DeclineReason.INVALID_CVV),
    ],
)
def test_declining_cards(number, kwargs, reason):
    # given a card the sandbox refuses
    # when it is authorised
    with pytest.raises(CardDeclined) as raised:
        authorize(number, **kwargs)

    # then the reason comes with a message for the shopper
    assert raised.value.reason == reason
    assert raised.value.message


def test_timeout_card_waits_then_gives_up(settings):
    # given a short sandbox timeout
    settings.VIVRE = {**settings.VIVRE, "SANDBOX_TIMEOUT_SECONDS": 0.05}

    # when the "no answer" card is authorised
    started = time.monotonic()
    with pytest.raises(ProcessorUnavailable):
        authorize("4000000000000119")

    # then it waited for the timeout first
    assert time.monotonic() - started >= 0.05


def test_processor_is_chosen_by_settings():
    # given the default settings
    # when the processor is looked up
    processor = get_processor()

    # then it is the sandbox, and it fulfils the gateway interface
    assert isinstance(processor, SandboxProcessor)
    assert isinstance(processor, PaymentProcessor)
