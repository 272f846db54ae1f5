"""Real threads against PostgreSQL: the order row lock keeps a line from being over-shipped."""

import threading
import time

import pytest
from django.db import connection

from vivre.fulfilment import services
from vivre.fulfilment.errors import FulfilmentError, FulfilmentErrorCode
from vivre.fulfilment.models import Shipment
from vivre.orders.testing import make_order

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.promise("P5"),
]


def test_two_packers_cannot_ship_more_than_was_ordered(monkeypatch):
    # given an order of 3, and a slow count of what already shipped, so the packers overlap
    order = make_order(quantities=(3,))
    line = order.lines.get()
    counted = services.shipped_quantities

    def slow_count(order):
        result = counted(order)
        time.sleep(0.3)
        return result

    monkeypatch.setattr(services, "shipped_quantities", slow_count)
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def ship(i):
        try:
            barrier.wait()
            services.create_shipment(order=order, lines={line.pk: 2}, carrier="ups", actor="system")
            outcomes[i] = "shipped"
        except FulfilmentError as error:
            outcomes[i] = error.code
        finally:
            connection.close()

    # when two packers ship 2 each at the same moment
    threads = [threading.Thread(target=ship, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then one parcel ships and the other is refused
    assert sorted(outcomes, key=str) == sorted(
        ["shipped", FulfilmentErrorCode.OVER_SHIPPED], key=str
    )
    assert Shipment.objects.count() == 1
