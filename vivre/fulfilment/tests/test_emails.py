"""P5: the "your order has shipped" e-mail and the tracking e-mail, each queued once."""

import pytest
from django.db import transaction

from vivre.fulfilment.services import create_shipment, set_tracking_number
from vivre.messaging.models import Message
from vivre.orders.services import cancel_order

from .conftest import VALID_UPS

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P5")]

TRACKING_LINK = f"https://www.ups.com/track?tracknum={VALID_UPS}"


def test_shipping_queues_the_shipped_email_with_the_itemised_summary(order, lines, packer):
    # when the whole order ships without a tracking number yet
    shipment = create_shipment(
        order=order, lines={lines[0].pk: 3, lines[1].pk: 1}, carrier="ups", actor=packer
    )

    # then exactly one "shipped" e-mail is in the outbox, and no tracking e-mail yet
    message = Message.objects.get()
    assert message.kind == "order.shipped"
    assert message.dedupe_key == f"order.shipped:{shipment.pk}"
    assert message.to_address == "ada@example.com"
    assert message.order_id == order.pk
    assert order.number in message.subject_line

    # and both parts carry the order number, each item, the totals and the address
    for body in (message.text_body, message.html_body):
        assert order.number in body
        for line in lines:
            assert line.product_name in body
        assert "$40.00" in body  # unit price
        assert "$120.00" in body  # 3 × $40 and the subtotal of the first line
        assert "$160.00" in body  # subtotal
        assert "$9.95" in body and "$10.65" in body  # shipping and tax
        assert "$180.60" in body  # total
        assert "11 Mercer Street" in body and "New York, NY 10013" in body
        assert "separate e-mail" in body
    assert "3 × " in message.text_body


def test_tracking_email_follows_when_the_number_comes_later(order, lines, packer):
    # given a parcel shipped without a number: only the shipped e-mail
    shipment = create_shipment(order=order, lines={lines[0].pk: 2}, carrier="ups", actor=packer)
    assert list(Message.objects.values_list("kind", flat=True)) == ["order.shipped"]

    # when the tracking number is added
    set_tracking_number(shipment=shipment, number=VALID_UPS, actor=packer)

    # then one tracking e-mail is queued with the number and its link
    tracking = Message.objects.get(kind="order.tracking")
    assert tracking.dedupe_key == f"order.tracking:{shipment.pk}"
    assert order.number in tracking.subject_line
    for body in (tracking.text_body, tracking.html_body):
        assert VALID_UPS in body
        assert TRACKING_LINK in body
        assert order.number in body


def test_number_known_at_ship_time_sends_both_emails_once(order, lines, packer):
    # when a parcel ships with its tracking number
    create_shipment(
        order=order, lines={lines[0].pk: 1}, carrier="ups", actor=packer, tracking_number=VALID_UPS
    )

    # then one of each e-mail is queued, and the shipped one carries the link too
    assert sorted(Message.objects.values_list("kind", flat=True)) == [
        "order.shipped",
        "order.tracking",
    ]
    shipped = Message.objects.get(kind="order.shipped")
    assert TRACKING_LINK in shipped.text_body
    # a partial parcel says what is still to come
    assert "STILL TO COME" in shipped.text_body


def test_each_parcel_gets_its_own_emails(order, lines, packer):
    # when the order ships in two parcels, each with a number
    create_shipment(
        order=order, lines={lines[0].pk: 3}, carrier="ups", actor=packer, tracking_number=VALID_UPS
    )
    create_shipment(
        order=order,
        lines={lines[1].pk: 1},
        carrier="ups",
        actor=packer,
        tracking_number="1Z5R89390357567127",
    )

    # then there are two of each, one per shipment
    assert Message.objects.filter(kind="order.shipped").count() == 2
    assert Message.objects.filter(kind="order.tracking").count() == 2


def test_refused_shipment_queues_no_email(order, lines, packer):
    # given a cancelled order
    cancel_order(order=order, actor="system")

    # when shipping is attempted, then it fails and the outbox stays empty
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do
        create_shipment(order=order, lines={lines[0].pk: 1}, carrier="ups", actor=packer)
    assert not Message.objects.exists()


def test_emails_roll_back_with_the_shipment(order, lines, packer):
    # when the transaction that shipped the parcel rolls back
    with pytest.raises(RuntimeError), transaction.atomic():
        create_shipment(
            order=order,
            lines={lines[0].pk: 1},
            carrier="ups",
            actor=packer,
            tracking_number=VALID_UPS,
        )
        raise RuntimeError("crash after shipping")

    # then neither e-mail stays in the outbox
    assert not Message.objects.exists()
