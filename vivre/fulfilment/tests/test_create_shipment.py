"""Shipping lines of an order: partial and full shipments, and what is refused."""

import pytest

from vivre.fulfilment.errors import FulfilmentError, FulfilmentErrorCode
from vivre.fulfilment.models import Shipment
from vivre.fulfilment.services import (
    create_shipment,
    mark_shipment_delivered,
    new_tracking_number,
    set_tracking_number,
)
from vivre.orders.models import Order
from vivre.orders.services import cancel_order

from .conftest import VALID_UPS

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P5")]


def test_partial_then_full_shipment(order, lines, packer):
    # given an authorised order of 3 + 1 items
    first, second = lines

    # when two of the first item ship
    one = create_shipment(order=order, lines={first.pk: 2}, carrier="ups", actor=packer)

    # then the order is partly shipped, after starting fulfilment
    order.refresh_from_db()
    assert order.status == Order.Status.PARTLY_SHIPPED
    assert one.status == Shipment.Status.SHIPPED and one.shipped_at is not None
    assert one.tracking_number is None

    # when the rest ships
    two = create_shipment(
        order=order, lines={first.pk: 1, second.pk: 1}, carrier="ups", actor=packer
    )

    # then the order is shipped, and its history shows each step by the packer
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert sorted(sl.quantity for sl in two.lines.all()) == [1, 1]
    events = list(order.events.values_list("type", flat=True))
    assert events == [
        "orders.order.placed",
        "orders.order.authorized",
        "orders.order.fulfilment_started",
        "orders.order.partly_shipped",
        "orders.order.shipped",
    ]
    shipped = order.events.get(type="orders.order.shipped")
    assert shipped.actor_user == packer
    assert shipped.data["shipment"] == str(two.pk)


@pytest.mark.parametrize(
    ("quantities", "code", "message"),
    [
        ({0: 4}, FulfilmentErrorCode.OVER_SHIPPED, "Only 3 of SKU-"),
        ({0: -1}, FulfilmentErrorCode.BAD_QUANTITY, "cannot be negative"),
        ({0: 0}, FulfilmentErrorCode.NOTHING_TO_SHIP, "at least one item"),
        ({}, FulfilmentErrorCode.NOTHING_TO_SHIP, "at least one item"),
    ],
)
def test_bad_quantities_are_refused(order, lines, packer, quantities, code, message):
    # when staff ask to ship a bad quantity
    with pytest.raises(FulfilmentError) as refused:
        create_shipment(
            order=order,
            lines={lines[i].pk: q for i, q in quantities.items()},
            carrier="ups",
            actor=packer,
        )

    # then it is refused with a clear message and nothing is recorded
    assert refused.value.code is code
    assert message in refused.value.message
    assert not Shipment.objects.exists()
    order.refresh_from_db()
    assert order.status == Order.Status.AUTHORIZED


def test_over_shipping_counts_what_already_shipped(order, lines, packer):
    # given two of three already shipped
    create_shipment(order=order, lines={lines[0].pk: 2}, carrier="ups", actor=packer)

    # when two more are entered
    with pytest.raises(FulfilmentError, match="Only 1 of") as refused:
        create_shipment(order=order, lines={lines[0].pk: 2}, carrier="ups", actor=packer)

    # then it is refused, on that line's field
    assert refused.value.code is FulfilmentErrorCode.OVER_SHIPPED
    assert refused.value.field == f"line_{lines[0].pk}"
    assert Shipment.objects.count() == 1


def test_line_of_another_order_is_refused(order, packer):
    from vivre.orders.testing import make_order

    other = make_order()
    with pytest.raises(FulfilmentError) as refused:
        create_shipment(order=order, lines={other.lines.get().pk: 1}, carrier="ups", actor=packer)
    assert refused.value.code is FulfilmentErrorCode.UNKNOWN_LINE


def test_cancelled_order_cannot_ship(order, lines, packer):
    # given a cancelled order
    cancel_order(order=order, actor="system")

    # when staff try to ship it
    with pytest.raises(FulfilmentError, match="is cancelled; it cannot be shipped") as refused:
        create_shipment(order=order, lines={lines[0].pk: 1}, carrier="ups", actor=packer)

    # then it is refused and stays cancelled
    assert refused.value.code is FulfilmentErrorCode.ORDER_NOT_SHIPPABLE
    assert refused.value.http_status == 409
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert not Shipment.objects.exists()


def test_unknown_carrier_is_refused(order, lines, packer):
    with pytest.raises(FulfilmentError) as refused:
        create_shipment(order=order, lines={lines[0].pk: 1}, carrier="pigeon", actor=packer)
    assert refused.value.code is FulfilmentErrorCode.UNKNOWN_CARRIER


def test_malformed_tracking_number_rolls_everything_back(order, lines, packer):
    # when the typed number has a typo
    with pytest.raises(FulfilmentError, match="check digit") as refused:
        create_shipment(
            order=order,
            lines={lines[0].pk: 1},
            carrier="ups",
            actor=packer,
            tracking_number="1Z999AA10123456785",
        )

    # then nothing shipped, and fulfilment did not even start
    assert refused.value.field == "tracking_number"
    assert not Shipment.objects.exists()
    order.refresh_from_db()
    assert order.status == Order.Status.AUTHORIZED


def test_duplicate_tracking_number_is_refused(order, lines, packer):
    # given a shipment with a tracking number
    create_shipment(
        order=order, lines={lines[0].pk: 1}, carrier="ups", actor=packer, tracking_number=VALID_UPS
    )

    # when another parcel is given the same number, at shipping or later
    with pytest.raises(FulfilmentError, match="already on another shipment") as at_ship:
        create_shipment(
            order=order,
            lines={lines[0].pk: 1},
            carrier="ups",
            actor=packer,
            tracking_number=VALID_UPS.lower(),
        )
    later = create_shipment(order=order, lines={lines[0].pk: 1}, carrier="ups", actor=packer)
    with pytest.raises(FulfilmentError, match="already on another shipment") as afterwards:
        set_tracking_number(shipment=later, number=VALID_UPS, actor=packer)

    # then both are refused
    assert at_ship.value.code is FulfilmentErrorCode.DUPLICATE_TRACKING_NUMBER
    assert afterwards.value.code is FulfilmentErrorCode.DUPLICATE_TRACKING_NUMBER
    later.refresh_from_db()
    assert later.tracking_number is None


def test_tracking_number_added_later_is_recorded(order, lines, packer):
    # given a shipment without a number
    shipment = create_shipment(order=order, lines={lines[0].pk: 1}, carrier="ups", actor=packer)

    # when the number is typed in later
    set_tracking_number(shipment=shipment, number="1z999aa10123456784", actor=packer)

    # then it is stored in canonical form, with its link, and the history says so
    shipment.refresh_from_db()
    assert shipment.tracking_number == VALID_UPS
    assert shipment.tracking_url == f"https://www.ups.com/track?tracknum={VALID_UPS}"
    assert order.events.filter(type="fulfilment.shipment.tracking_added").exists()

    # and a second number for the same shipment is refused
    with pytest.raises(FulfilmentError) as refused:
        set_tracking_number(shipment=shipment, number="1Z5R89390357567127", actor=packer)
    assert refused.value.code is FulfilmentErrorCode.HAS_TRACKING_NUMBER


def test_generated_tracking_number_is_unused_and_valid(order, lines, packer):
    # when a number is generated for the order and used
    number = new_tracking_number(carrier="ups", order=order)
    shipment = create_shipment(
        order=order, lines={lines[0].pk: 1}, carrier="ups", actor=packer, tracking_number=number
    )

    # then the shipment carries it, with the Ground service code
    assert shipment.tracking_number == number
    assert number[8:10] == "03"


def test_order_is_delivered_with_its_last_parcel(order, lines, packer):
    # given an order shipped in two parcels
    one = create_shipment(order=order, lines={lines[0].pk: 3}, carrier="ups", actor=packer)
    two = create_shipment(order=order, lines={lines[1].pk: 1}, carrier="ups", actor=packer)

    # when the first is delivered, the order is still shipped
    mark_shipment_delivered(shipment=one, actor="system")
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED

    # when the second is delivered, so is the order
    mark_shipment_delivered(shipment=two, actor="system")
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    assert order.events.filter(type="fulfilment.shipment.delivered").count() == 2

    # and a parcel cannot be delivered twice
    with pytest.raises(FulfilmentError) as twice:
        mark_shipment_delivered(shipment=two, actor="system")
    assert twice.value.code is FulfilmentErrorCode.NOT_IN_TRANSIT
