"""Refunds and the money-back guarantee (P25): to the card or as credit, never more than paid."""

import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import close_old_connections

from vivre.messaging.models import Message
from vivre.orders.models import Order
from vivre.payments import sandbox
from vivre.payments.gateway import ProcessorUnavailable
from vivre.payments.models import GiftCertificate, Payment, Refund
from vivre.payments.services import RefundError, capture_payment, refund, refundable
from vivre.privacy.models import DisclosureRecord

from .test_lifecycle import make_paid_order

pytestmark = pytest.mark.promise("P25")

CARD = Refund.Method.CARD
CREDIT = Refund.Method.GIFT_CERTIFICATE


def shipped_paid_order(number="4242424242424242") -> tuple[Order, Payment]:
    """A $140.60 order, its card payment captured and the order shipped."""
    order, payment = make_paid_order(number)
    capture_payment(order=order)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SHIPPED)
    order.refresh_from_db()
    payment.refresh_from_db()
    return order, payment


@pytest.mark.django_db
def test_partial_then_full_refund_to_the_card():
    # given a shipped order, its $140.60 captured
    order, payment = shipped_paid_order()

    # when $40 goes back to the card
    first = refund(order=order, amount="40.00", method=CARD, reason="Arrived scratched")

    # then the payment shows it, the refund is recorded with its reason and reference
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("40.00")
    assert payment.status == Payment.Status.CAPTURED
    assert (first.amount, first.reason, first.payment) == (Decimal("40.00"), "Arrived scratched",
                                                           payment)  # fmt: skip
    assert first.processor_reference.startswith("sbx_re_")
    assert refundable(order).total == Decimal("100.60")

    # and the rest makes it a full refund
    refund(order=order, amount="100.60", method=CARD, reason="Goodwill")
    payment.refresh_from_db()
    assert payment.refunded_amount == payment.captured_amount
    assert payment.status == Payment.Status.REFUNDED
    assert refundable(order).total == 0
    assert order.events.filter(type="payments.refund.issued").count() == 2


@pytest.mark.django_db
def test_refund_e_mail_says_how_much_how_and_why():
    order, _ = shipped_paid_order()
    made = refund(order=order, amount="12.50", method=CARD, reason="Late <b>delivery</b>")

    message = Message.objects.get(kind="payment.refund")
    assert message.to_address == order.email
    assert message.dedupe_key == f"payment.refund:{made.pk}"
    assert "$12.50" in message.text_body and order.number in message.text_body
    assert "Visa •••• 4242" in message.text_body
    assert "Late <b>delivery</b>" in message.text_body
    assert "Late &lt;b&gt;delivery&lt;/b&gt;" in message.html_body
    assert "4242424242424242" not in message.text_body + message.html_body


@pytest.mark.django_db
def test_refund_as_gift_certificate_credit():
    # given a shipped, paid order
    order, payment = shipped_paid_order()

    # when $25 is refunded as credit
    made = refund(order=order, amount="25.00", method=CREDIT, reason="Wrong colour")

    # then an active certificate for the billing name and order e-mail holds it
    certificate = made.gift_certificate
    assert certificate.kind == GiftCertificate.Kind.REFUND_CREDIT
    assert certificate.status == GiftCertificate.Status.ACTIVE
    assert certificate.amount == Decimal("25.00")
    assert (certificate.recipient_name, certificate.recipient_email) == ("Ada Lovelace",
                                                                         order.email)  # fmt: skip
    # the card was not touched, but what is left to refund shrank
    payment.refresh_from_db()
    assert payment.refunded_amount == 0
    assert refundable(order).total == Decimal("115.60")
    kinds = set(Message.objects.values_list("kind", flat=True))
    assert "payment.refund" in kinds


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than $0.00"),
        ("-5", "more than $0.00"),
        ("abc", "such as 25.00"),
        ("NaN", "such as 25.00"),
        ("Infinity", "such as 25.00"),
        ("1.005", "dollars and cents"),
        ("140.61", "At most $140.60"),
        ("99999999999", "At most $140.60"),
    ],
)
def test_bad_amounts_refund_nothing(amount, message):
    order, payment = shipped_paid_order()
    with pytest.raises(RefundError) as raised:
        refund(order=order, amount=amount, method=CARD, reason="Test")
    assert message in raised.value.message and raised.value.field == "amount"
    payment.refresh_from_db()
    assert payment.refunded_amount == 0 and not Refund.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reason", "method", "field"),
    [("", CARD, "reason"), ("   ", CARD, "reason"), ("x" * 201, CARD, "reason"),
     ("Fine", "cash", "method")],
)  # fmt: skip
def test_reason_and_method_are_required(reason, method, field):
    order, _ = shipped_paid_order()
    with pytest.raises(RefundError) as raised:
        refund(order=order, amount="1.00", method=method, reason=reason)
    assert raised.value.field == field
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_card_refunds_never_exceed_what_the_card_still_has():
    # given $130.60 already given back as credit
    order, _ = shipped_paid_order()
    refund(order=order, amount="130.60", method=CREDIT, reason="Credit first")

    # then at most $10 can still go anywhere
    with pytest.raises(RefundError, match=r"At most \$10.00"):
        refund(order=order, amount="10.01", method=CARD, reason="Too much")
    refund(order=order, amount="10.00", method=CARD, reason="The rest")
    with pytest.raises(RefundError, match="Nothing on this order"):
        refund(order=order, amount="0.01", method=CREDIT, reason="Nothing left")


@pytest.mark.django_db
def test_nothing_can_be_refunded_before_the_payment_is_captured():
    order, _ = make_paid_order()
    assert refundable(order).total == 0
    with pytest.raises(RefundError, match="nothing has been charged yet"):
        refund(order=order, amount="1.00", method=CARD, reason="Too early")


@pytest.mark.django_db
def test_processor_outage_on_refund_records_nothing(settings):
    # given a captured payment on the card whose follow-ups time out
    settings.VIVRE = {**settings.VIVRE, "SANDBOX_TIMEOUT_SECONDS": 0.01}
    order, payment = make_paid_order(sandbox.FOLLOW_UP_TIMEOUT_CARD)
    Payment.objects.filter(pk=payment.pk).update(
        status=Payment.Status.CAPTURED, captured_amount=payment.amount
    )
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SHIPPED)

    # when a refund is tried, the processor does not answer
    with pytest.raises(ProcessorUnavailable):
        refund(order=order, amount="10.00", method=CARD, reason="Broken")

    # then nothing is refunded, recorded or e-mailed
    payment.refresh_from_db()
    assert payment.refunded_amount == 0
    assert not Refund.objects.exists()
    assert not Message.objects.filter(kind="payment.refund").exists()
    assert not order.events.filter(type="payments.refund.issued").exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_refund_call_is_still_recorded_as_a_disclosure(settings):
    # given a captured payment on the card whose follow-ups time out, outside any transaction
    settings.VIVRE = {**settings.VIVRE, "SANDBOX_TIMEOUT_SECONDS": 0.01}
    order, payment = make_paid_order(sandbox.FOLLOW_UP_TIMEOUT_CARD)
    Payment.objects.filter(pk=payment.pk).update(
        status=Payment.Status.CAPTURED, captured_amount=payment.amount
    )
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SHIPPED)

    # when the refund's processor call fails and its transaction rolls back
    with pytest.raises(ProcessorUnavailable):
        refund(order=order, amount="10.00", method=CARD, reason="Broken")

    # then the payload that went out is still on the disclosure record
    record = DisclosureRecord.objects.get(reference=f"order {order.number} refund")
    assert record.fields == ["amount", "reference"]


@pytest.mark.django_db(transaction=True)
def test_refund_e_mail_is_delivered(smtp_server):
    order, _ = shipped_paid_order()
    refund(order=order, amount="20.00", method=CARD, reason="Damaged in transit")
    call_command("deliver_mail")
    [mail] = [m for m in smtp_server.messages if "refund" in m["Subject"].lower()]
    assert mail["To"] == order.email
    body = mail.get_body(("plain",)).get_content()
    assert "$20.00" in body and "Damaged in transit" in body


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_refunds_at_once_never_exceed_the_capture():
    # given a captured $140.60 payment
    order, payment = shipped_paid_order()
    barrier = threading.Barrier(2)
    outcomes = []

    def refund_100():
        try:
            barrier.wait()
            refund(order=order, amount="100.00", method=CARD, reason="Race")
            outcomes.append("refunded")
        except RefundError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    # when two staff refund $100 each at the same moment
    threads = [threading.Thread(target=refund_100) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then one refund went through and the other was refused
    assert sorted(outcomes) == ["refunded", "refused"]
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("100.00")
    assert Refund.objects.filter(order=order).count() == 1
