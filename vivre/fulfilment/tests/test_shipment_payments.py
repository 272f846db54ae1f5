"""Shipping takes the money: the card is captured with the first shipment, or nothing ships."""

import pytest

from vivre.fulfilment.carriers import UPS
from vivre.fulfilment.errors import FulfilmentError
from vivre.fulfilment.models import Shipment
from vivre.fulfilment.services import create_shipment
from vivre.messaging.models import Message
from vivre.orders.models import Order
from vivre.payments import sandbox
from vivre.payments.models import Payment
from vivre.payments.tests.test_lifecycle import make_paid_order
from vivre.privacy.disclosure import subject_key_for_order
from vivre.privacy.models import DisclosureRecord

pytestmark = pytest.mark.django_db


@pytest.mark.promise("P25")
def test_first_shipment_captures_the_authorised_payment():
    # given an order of two lines, its card authorised
    order, payment = make_paid_order(quantities=(3, 1))
    first, second = order.lines.order_by("id")

    # when part of it ships
    create_shipment(order=order, lines={first.pk: 3}, carrier="ups", actor="test")

    # then the whole authorised amount is captured, once
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CAPTURED
    assert payment.captured_amount == payment.amount

    # and the second parcel captures nothing more
    create_shipment(order=order, lines={second.pk: 1}, carrier="ups", actor="test")
    payment.refresh_from_db()
    assert payment.captured_amount == payment.amount
    assert order.events.filter(type="payments.payment.captured").count() == 1


def test_processor_outage_refuses_the_shipment_whole(settings):
    # given an authorised payment whose capture will time out
    settings.VIVRE = {**settings.VIVRE, "SANDBOX_TIMEOUT_SECONDS": 0.01}
    order, payment = make_paid_order(sandbox.FOLLOW_UP_TIMEOUT_CARD)
    line = order.lines.get()

    # when the parcel is shipped
    with pytest.raises(FulfilmentError) as raised:
        create_shipment(order=order, lines={line.pk: 3}, carrier="ups", actor="test")

    # then a clear message, and no shipment, no e-mail, nothing captured
    assert "card processor" in raised.value.message and order.number in raised.value.message
    assert not Shipment.objects.exists()
    assert not Message.objects.filter(kind="order.shipped").exists()
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.AUTHORIZED and payment.captured_amount == 0
    assert order.status == Order.Status.AUTHORIZED


def test_order_paid_without_a_card_ships_without_a_capture():
    order, _ = make_paid_order()
    order.payments.all().delete()
    line = order.lines.get()
    create_shipment(order=order, lines={line.pk: 3}, carrier="ups", actor="test")
    assert Shipment.objects.filter(order=order).exists()


@pytest.mark.promise("P17")
def test_the_label_given_to_the_carrier_is_a_recorded_disclosure():
    # given a paid order
    order, _ = make_paid_order()
    line = order.lines.get()

    # when it ships
    create_shipment(order=order, lines={line.pk: 3}, carrier="ups", actor="test")

    # then the carrier's label data passed the gateway and was recorded, without values
    record = DisclosureRecord.objects.get(recipient="carrier")
    assert record.reference == f"order {order.number} label ups"
    assert record.subject_key == subject_key_for_order(order)
    assert set(record.fields) == {
        "name", "phone", "address.line1", "address.line2", "address.city", "address.state",
        "address.postal_code", "address.country",
    }  # fmt: skip
    assert "Ada" not in repr(record.__dict__) and "Mercer" not in repr(record.__dict__)


@pytest.mark.promise("P17")
def test_label_payload_itself_passes_the_gateway():
    order, _ = make_paid_order()
    payload = UPS().label_payload(order, Shipment(order=order, carrier="ups"))
    assert payload["name"] == "Ada Lovelace"
    assert DisclosureRecord.objects.filter(recipient="carrier").count() == 1
    assert "email" not in payload and "phone" in payload
