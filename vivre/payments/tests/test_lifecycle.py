"""A card payment's life through the sandbox: authorise, capture, void, and their limits."""

from decimal import Decimal

import pytest

from vivre.orders.models import Order
from vivre.orders.services import cancel_order
from vivre.orders.testing import make_order
from vivre.payments import sandbox
from vivre.payments.cards import CardDetails
from vivre.payments.gateway import BillingAddress, ProcessorRefused, ProcessorUnavailable
from vivre.payments.models import Payment
from vivre.payments.services import authorize_payment, capture_payment, void_payment
from vivre.privacy.models import DisclosureRecord

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P17")]

GOOD_CARD = "4242424242424242"
ADDRESS = BillingAddress(line1="11 Mercer Street", postal_code="10013")


def card(number=GOOD_CARD, cvv="123") -> CardDetails:
    return CardDetails(number=number, exp_month=12, exp_year=2099, cvv=cvv, name="Ada Lovelace")


def make_paid_order(number=GOOD_CARD, **kwargs) -> tuple[Order, Payment]:
    """An authorised order ($140.60) with its card payment authorised in the sandbox."""
    order = make_order(**kwargs)
    return order, authorize_payment(order=order, card=card(number))


@pytest.fixture
def fast_outage(settings):
    settings.VIVRE = {**settings.VIVRE, "SANDBOX_TIMEOUT_SECONDS": 0.01}


def test_authorize_records_the_hold_for_what_is_left_to_pay():
    # given an order of which $40.60 was paid with gift certificates
    order = make_order()
    order.paid_by_gift_certificates = Decimal("40.60")

    # when the card is authorised
    payment = authorize_payment(order=order, card=card())

    # then the hold is for the rest, with brand and last four only
    assert payment.amount == order.total - Decimal("40.60") == Decimal("100.00")
    assert (payment.status, payment.brand, payment.last4) == ("authorized", "visa", "4242")
    assert payment.captured_amount == 0 and payment.saved_card is None
    assert DisclosureRecord.objects.filter(reference=f"order {order.number} authorize").exists()


def test_nothing_left_to_pay_means_no_card_call_and_no_payment():
    order = make_order()
    order.paid_by_gift_certificates = order.total
    assert authorize_payment(order=order, card=card()) is None
    assert not Payment.objects.exists() and not DisclosureRecord.objects.exists()


def test_an_explicit_amount_is_authorised():
    order = make_order()
    payment = authorize_payment(order=order, card=card(), amount=Decimal("12.34"))
    assert payment.amount == Decimal("12.34")
    with pytest.raises(ValueError):
        authorize_payment(order=order, card=card(), amount=order.total + 1)


def test_authorisation_outage_records_no_payment(fast_outage):
    order = make_order()
    with pytest.raises(ProcessorUnavailable):
        authorize_payment(order=order, card=card(sandbox.TIMEOUT_CARD))
    assert not Payment.objects.exists()


def test_capture_takes_the_authorised_amount_once():
    # given an authorised payment
    order, payment = make_paid_order()

    # when it is captured
    capture_payment(order=order)

    # then it is captured in full, and capturing again does nothing
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CAPTURED
    assert payment.captured_amount == payment.amount and payment.captured_at
    capture_payment(order=order)
    assert order.events.filter(type="payments.payment.captured").count() == 1


def test_capture_outage_records_nothing_captured(fast_outage):
    # given a payment on the card whose follow-ups time out
    order, payment = make_paid_order(sandbox.FOLLOW_UP_TIMEOUT_CARD)

    # when it is captured, the processor does not answer
    with pytest.raises(ProcessorUnavailable):
        capture_payment(order=order)

    # then the payment is still only authorised
    payment.refresh_from_db()
    assert payment.status == Payment.Status.AUTHORIZED and payment.captured_amount == 0
    assert not order.events.filter(type="payments.payment.captured").exists()


def test_void_releases_an_authorised_payment():
    order, payment = make_paid_order()
    void_payment(order=order)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.VOIDED and payment.voided_at
    # a voided payment cannot be captured afterwards
    capture_payment(order=order)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.VOIDED and payment.captured_amount == 0


def test_void_outage_leaves_the_payment_authorised(fast_outage):
    order, payment = make_paid_order(sandbox.FOLLOW_UP_TIMEOUT_CARD)
    with pytest.raises(ProcessorUnavailable):
        void_payment(order=order)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.AUTHORIZED


class TestSandboxLimits:
    """The sandbox models a real processor's rules for holds."""

    def _hold(self, amount="50.00"):
        auth = sandbox.SandboxProcessor().authorize(
            card=card(), amount=Decimal(amount), currency="USD",
            billing_address=ADDRESS,
        )  # fmt: skip
        return sandbox.SandboxProcessor(), auth.reference

    def test_capture_no_more_than_authorised_and_only_once(self):
        processor, reference = self._hold()
        with pytest.raises(ProcessorRefused):
            processor.capture(reference=reference, amount=Decimal("50.01"))
        processor.capture(reference=reference, amount=Decimal("50.00"))
        with pytest.raises(ProcessorRefused):
            processor.capture(reference=reference, amount=Decimal("1.00"))

    def test_refund_no_more_than_captured(self):
        processor, reference = self._hold()
        processor.capture(reference=reference, amount=Decimal("50.00"))
        assert processor.refund(reference=reference, amount=Decimal("30.00")).startswith("sbx_")
        with pytest.raises(ProcessorRefused):
            processor.refund(reference=reference, amount=Decimal("20.01"))
        processor.refund(reference=reference, amount=Decimal("20.00"))
        with pytest.raises(ProcessorRefused):
            processor.refund(reference=reference, amount=Decimal("0.01"))

    def test_void_only_before_capture(self):
        processor, reference = self._hold()
        processor.capture(reference=reference, amount=Decimal("50.00"))
        with pytest.raises(ProcessorRefused):
            processor.void(reference=reference)
        processor, reference = self._hold()
        processor.void(reference=reference)
        with pytest.raises(ProcessorRefused):
            processor.capture(reference=reference, amount=Decimal("1.00"))

    def test_a_hold_from_before_a_restart_is_still_known_by_its_reference(self):
        processor, reference = self._hold("25.00")
        sandbox._holds.pop(reference)
        with pytest.raises(ProcessorRefused):
            processor.capture(reference=reference, amount=Decimal("25.01"))
        processor.capture(reference=reference, amount=Decimal("25.00"))
        with pytest.raises(ProcessorRefused):
            processor.capture(reference="made-up", amount=Decimal("1.00"))

    def test_follow_up_outage_card(self, fast_outage):
        auth_processor = sandbox.SandboxProcessor()
        auth = auth_processor.authorize(
            card=card(sandbox.FOLLOW_UP_TIMEOUT_CARD), amount=Decimal("5.00"), currency="USD",
            billing_address=ADDRESS,
        )  # fmt: skip
        reference = auth.reference
        for call in (
            lambda: auth_processor.capture(reference=reference, amount=Decimal("5.00")),
            lambda: auth_processor.void(reference=reference),
            lambda: auth_processor.refund(reference=reference, amount=Decimal("5.00")),
        ):
            with pytest.raises(ProcessorUnavailable):
                call()


@pytest.mark.promise("P25")
def test_cancel_voids_the_payment_and_releases_stock():
    # given an authorised, paid order of 3 items
    order, payment = make_paid_order()
    variant = order.lines.get().variant
    stock_before = variant.stock

    # when it is cancelled before shipping
    cancel_order(order=order, actor="test", reason="customer changed mind")

    # then the order is cancelled, the hold voided and the items back in stock
    order.refresh_from_db()
    payment.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert payment.status == Payment.Status.VOIDED
    assert variant.stock == stock_before + 3
    assert DisclosureRecord.objects.filter(reference=f"order {order.number} void").exists()


def test_cancel_is_refused_whole_when_the_processor_is_down(fast_outage):
    # given a paid order whose processor will not answer for the void
    order, payment = make_paid_order(sandbox.FOLLOW_UP_TIMEOUT_CARD)
    variant = order.lines.get().variant
    stock_before = variant.stock

    # when it is cancelled
    with pytest.raises(ProcessorUnavailable) as raised:
        cancel_order(order=order, actor="test")

    # then a clear message, and nothing changed
    assert order.number in raised.value.message and "not cancelled" in raised.value.message
    order.refresh_from_db()
    payment.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == Order.Status.AUTHORIZED
    assert payment.status == Payment.Status.AUTHORIZED
    assert variant.stock == stock_before
