"""The fulfilment back office: who may see it, shipping through the form, bad input."""

import re

import pytest

from vivre.fulfilment.models import Shipment
from vivre.messaging.models import Message
from vivre.orders.models import Order
from vivre.orders.services import cancel_order

from .conftest import VALID_UPS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("vivre.fulfilment.tests.urls"),
    pytest.mark.promise("P5"),
]

BASE = "/staff/fulfilment/"


def ship_url(order):
    return f"{BASE}orders/{order.number}/ship/"


def ship_data(lines, *quantities, **extra):
    return {
        **{f"line_{line.pk}": q for line, q in zip(lines, quantities, strict=False)},
        "carrier": "ups",
        "tracking_number": "",
        **extra,
    }


@pytest.mark.parametrize("path", ["", "orders/{n}/", "orders/{n}/pick-list/"])
def test_role_guard(client, order, packer, carer, path):
    url = BASE + path.format(n=order.number)

    # when an anonymous visitor asks, then they are sent to sign in
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")

    # when care staff ask, then they are refused
    client.force_login(carer)
    assert client.get(url).status_code == 403

    # when fulfilment staff ask, then they see the page
    client.force_login(packer)
    assert client.get(url).status_code == 200


def test_posting_is_guarded_too(client, order, lines, carer):
    # when care staff post the ship form, then it is refused and nothing ships
    client.force_login(carer)
    assert client.post(ship_url(order), ship_data(lines, 1, 0)).status_code == 403
    assert not Shipment.objects.exists()


def test_queue_lists_orders_to_pick_only(packer_client, order):
    # given a paid order and a cancelled one
    from vivre.orders.testing import make_order

    cancelled = cancel_order(order=make_order(), actor="system")

    # when the queue is shown, then only the paid order is in it
    page = packer_client.get(BASE).content.decode()
    assert order.number in page
    assert cancelled.number not in page
    assert 'class="data-table"' in page


def test_pick_list_shows_skus_quantities_and_address(packer_client, order, lines):
    page = packer_client.get(f"{BASE}orders/{order.number}/pick-list/").content.decode()
    for line in lines:
        assert line.sku in page
    assert "11 Mercer Street" in page
    assert "New York, NY 10013" in page


def test_ship_through_the_form_then_add_the_tracking_number(packer_client, order, lines):
    # when staff ship two of the first item without a number
    response = packer_client.post(ship_url(order), ship_data(lines, 2, 0))

    # then they are sent back to the order, which is partly shipped
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PARTLY_SHIPPED
    shipment = Shipment.objects.get()
    page = packer_client.get(response["Location"]).content.decode()
    assert "orders.order.partly_shipped" in page  # the history
    assert "Add tracking number" in page

    # when they add the tracking number for that shipment
    response = packer_client.post(
        f"{BASE}shipments/{shipment.pk}/tracking/", {f"{shipment.pk}-tracking_number": VALID_UPS}
    )

    # then it is stored, linked on the page, and e-mailed
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert shipment.tracking_number == VALID_UPS
    page = packer_client.get(response["Location"]).content.decode()
    assert f"https://www.ups.com/track?tracknum={VALID_UPS}" in page
    assert sorted(Message.objects.values_list("kind", flat=True)) == [
        "order.shipped",
        "order.tracking",
    ]


def test_generate_tracking_number_from_the_form(packer_client, order, lines):
    # when staff ship everything and tick "generate"
    response = packer_client.post(ship_url(order), ship_data(lines, 3, 1, generate_tracking="on"))

    # then the order is shipped with a valid UPS number
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    number = Shipment.objects.get().tracking_number
    assert re.fullmatch(r"1Z[0-9A-Z]{15}[0-9]", number)


@pytest.mark.parametrize(
    ("quantities", "extra", "status", "message"),
    [
        ((4, 0), {}, 400, "Only 3 of SKU-"),
        ((-1, 0), {}, 400, "greater than or equal to 0"),
        (("two", 0), {}, 400, "Enter a whole number"),
        ((0, 0), {}, 400, "at least one item"),
        ((1, 0), {"tracking_number": "1Z999AA10123456785"}, 400, "check digit"),
        ((1, 0), {"tracking_number": "12345"}, 400, "starts with"),
        ((1, 0), {"carrier": "pigeon"}, 400, "Select a valid choice"),
        (
            (1, 0),
            {"tracking_number": VALID_UPS, "generate_tracking": "on"},
            400,
            "not both",
        ),
    ],
)
def test_bad_ship_input_shows_the_error(
    packer_client, order, lines, quantities, extra, status, message
):
    # when the form is posted with bad input
    response = packer_client.post(ship_url(order), ship_data(lines, *quantities, **extra))

    # then the page shows the error with a 4xx, and nothing shipped
    assert response.status_code == status
    page = response.content.decode()
    assert message in page
    assert 'class="field-error"' in page
    assert not Shipment.objects.exists()
    assert not Message.objects.exists()


def test_duplicate_tracking_number_on_the_form_is_a_409(packer_client, order, lines):
    # given a shipment with a number
    packer_client.post(ship_url(order), ship_data(lines, 1, 0, tracking_number=VALID_UPS))

    # when another parcel is shipped with the same number
    response = packer_client.post(
        ship_url(order), ship_data(lines, 1, 0, tracking_number=VALID_UPS)
    )

    # then the form says so
    assert response.status_code == 409
    assert "already on another shipment" in response.content.decode()
    assert Shipment.objects.count() == 1


def test_shipping_a_cancelled_order_is_refused(packer_client, order, lines):
    # given a cancelled order
    cancel_order(order=order, actor="system")

    # when the ship form is posted anyway
    response = packer_client.post(ship_url(order), ship_data(lines, 1, 0))

    # then it is refused with the reason, and nothing shipped
    assert response.status_code == 409
    assert "is cancelled; it cannot be shipped" in response.content.decode()
    assert not Shipment.objects.exists()


def test_bad_tracking_number_later_shows_the_error(packer_client, order, lines):
    # given a shipment without a number
    packer_client.post(ship_url(order), ship_data(lines, 1, 0))
    shipment = Shipment.objects.get()
    url = f"{BASE}shipments/{shipment.pk}/tracking/"

    # when a malformed number, then an empty one, is entered
    typo = packer_client.post(url, {f"{shipment.pk}-tracking_number": "1Z999AA10123456780"})
    empty = packer_client.post(url, {f"{shipment.pk}-tracking_number": ""})

    # then each is refused with a message
    assert typo.status_code == 400 and "check digit" in typo.content.decode()
    assert empty.status_code == 400 and "This field is required" in empty.content.decode()
    shipment.refresh_from_db()
    assert shipment.tracking_number is None


def test_unknown_order_is_a_404(packer_client):
    assert packer_client.get(f"{BASE}orders/VV-NOPE/").status_code == 404
    assert packer_client.post(f"{BASE}orders/VV-NOPE/ship/", {}).status_code == 404
