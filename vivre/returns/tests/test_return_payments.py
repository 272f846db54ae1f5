"""A refunded return gives the money back through the payment gateway (P25)."""

from decimal import Decimal

import pytest

from vivre.fulfilment.services import create_shipment
from vivre.messaging.models import Message
from vivre.payments.models import Payment, Refund
from vivre.payments.tests.test_lifecycle import make_paid_order
from vivre.returns import services
from vivre.returns.models import ReturnRequest

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P25")]


def _received_return(number="4242424242424242", quantity=1):
    """A shipped $100-item order (10% tax), one item returned and received."""
    order, payment = make_paid_order(
        number, quantities=(2,), price="100.00", tax_rate=Decimal("0.10")
    )
    line = order.lines.get()
    create_shipment(order=order, lines={line.pk: 2}, carrier="ups", actor="test")
    request = services.request_return(
        order=order,
        items=[services.ReturnItem(order_line_id=line.pk, quantity=quantity)],
        reason="fit",
        resolution=ReturnRequest.Resolution.REFUND,
    )
    services.mark_received(request=request, actor="test")
    return order, payment, request


def test_refunded_return_goes_back_to_the_card():
    # given a received return of one $100 item
    order, payment, request = _received_return()

    # when staff refund it
    services.refund_return(request=request, actor="test")

    # then $110 (price and tax) went back to the card, with the return as the reason
    payment.refresh_from_db()
    refund = Refund.objects.get(order=order)
    assert (refund.method, refund.amount) == (Refund.Method.CARD, Decimal("110.00"))
    assert refund.reason == f"Return {request.reference}"
    assert refund.processor_reference
    assert payment.refunded_amount == Decimal("110.00")
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.REFUNDED
    # one e-mail about it: the return's own
    assert Message.objects.filter(kind="return.refunded").count() == 1
    assert not Message.objects.filter(kind="payment.refund").exists()


def test_processor_outage_keeps_the_return_open(settings):
    settings.VIVRE = {**settings.VIVRE, "SANDBOX_TIMEOUT_SECONDS": 0.01}
    order, payment, request = _received_return()
    # the hold's follow-ups now time out (as if the processor went down after shipping)
    Payment.objects.filter(pk=payment.pk).update(
        reference=payment.reference.replace("sbx_", "sbx_down_", 1)
    )

    with pytest.raises(services.ReturnError) as raised:
        services.refund_return(request=request, actor="test")

    assert "nothing was refunded" in raised.value.message
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.RECEIVED
    assert not Refund.objects.exists()


def test_part_paid_by_gift_certificate_comes_back_as_credit():
    # given a return whose card covers only $60 of the $110 due
    order, payment, request = _received_return()
    payment.refresh_from_db()
    Payment.objects.filter(pk=payment.pk).update(refunded_amount=payment.captured_amount - 60)
    type(order).objects.filter(pk=order.pk).update(paid_by_gift_certificates=Decimal("50.00"))

    services.refund_return(request=request, actor="test")

    refunds = {r.method: r.amount for r in Refund.objects.filter(order=order)}
    assert refunds == {
        Refund.Method.CARD: Decimal("60.00"),
        Refund.Method.GIFT_CERTIFICATE: Decimal("50.00"),
    }
