"""The back-office screens run a fixed number of queries, however many orders there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vivre.fulfilment.models import Shipment, ShipmentLine
from vivre.fulfilment.services import create_shipment
from vivre.orders.models import OrderEvent
from vivre.orders.testing import make_order
from vivre.privacy.checks import check_model

pytestmark = [pytest.mark.django_db, pytest.mark.urls("vivre.fulfilment.tests.urls")]


def queries(client, url) -> int:
    client.get(url)  # warm the caches the shop's layout fills (menu, policy date)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queue_queries_do_not_grow_with_orders(packer_client):
    # given one order, then four more
    make_order()
    one = queries(packer_client, "/staff/fulfilment/")
    for _ in range(4):
        make_order(quantities=(1, 2))

    # then the queue page costs the same
    assert queries(packer_client, "/staff/fulfilment/") == one


def test_order_page_queries_do_not_grow_with_shipments(packer_client, order, lines, packer):
    # given an order with one shipment, then a second
    url = f"/staff/fulfilment/orders/{order.number}/"
    create_shipment(order=order, lines={lines[0].pk: 1}, carrier="ups", actor=packer)
    one = queries(packer_client, url)
    create_shipment(
        order=order, lines={lines[0].pk: 1, lines[1].pk: 1}, carrier="ups", actor=packer
    )

    # then the order page costs the same
    assert queries(packer_client, url) == one


@pytest.mark.parametrize("model", [Shipment, ShipmentLine, OrderEvent])
def test_models_are_in_the_data_map(model):
    assert check_model(model) == []
