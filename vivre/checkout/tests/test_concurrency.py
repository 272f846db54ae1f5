"""Real threads against PostgreSQL: row locks keep stock from being oversold."""

import html
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from vivre.catalog.testing import make_product
from vivre.checkout.testing import ensure_checkout_defaults
from vivre.orders.models import Order
from vivre.payments.models import Payment
from vivre.payments.sandbox import SandboxProcessor

from .conftest import DETAILS, fill_bag, review_form

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


class SlowProcessor(SandboxProcessor):
    """The sandbox, taking a moment to answer, so that the buyers overlap."""

    def authorize(self, **kwargs):
        time.sleep(0.3)
        return super().authorize(**kwargs)


@pytest.fixture(autouse=True)
def _slow_processor(settings):
    settings.VIVRE = {
        **settings.VIVRE,
        "PAYMENT_PROCESSOR": "vivre.checkout.tests.test_concurrency.SlowProcessor",
    }


def submit_together(requests):
    """POST each (client, url, data) at the same moment from its own thread."""
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def run(i, client, url, data):
        try:
            barrier.wait()
            responses[i] = client.post(url, data)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, *request)) for i, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


def test_two_buyers_for_the_last_unit_make_one_order():
    # given the last unit of a product in two shoppers' bags
    ensure_checkout_defaults()
    variant = make_product(price="80.00", stock=1).variants.get()
    buyers = []
    for email in ("ada@example.com", "grace@example.com"):
        client = Client()
        fill_bag(client, (variant, 1))
        client.post("/checkout/", {**DETAILS, "email": email})
        buyers.append((client, "/checkout/review/", review_form(client)))

    # when both pay at the same moment
    responses = submit_together(buyers)

    # then one order is placed, the stock is 0, and the other is told it sold out
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert "sold out before we could place your order" in html.unescape(loser.content.decode())
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1
    variant.refresh_from_db()
    assert variant.stock == 0
    assert variant.product.__class__.objects.get(pk=variant.product_id).in_stock is False


def test_same_bag_submitted_twice_at_once_makes_one_order():
    # given one shopper's review form, sent from two connections at once
    ensure_checkout_defaults()
    variant = make_product(price="80.00", stock=5).variants.get()
    first = Client()
    cart = fill_bag(first, (variant, 2))
    first.post("/checkout/", DETAILS)
    form = review_form(first)
    second = Client()
    second.cookies = first.cookies

    # when both submit
    responses = submit_together(
        [(first, "/checkout/review/", form), (second, "/checkout/review/", form)]
    )

    # then there is one order, charged once, and both land on its confirmation
    order = Order.objects.get()
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {f"/checkout/confirmation/{order.number}/"}
    assert Payment.objects.count() == 1
    assert order.cart_id == cart.pk
    variant.refresh_from_db()
    assert variant.stock == 3


class RendezvousProcessor(SandboxProcessor):
    """The sandbox, answering only once two payments are being authorised at once."""

    meeting = threading.Barrier(2)

    def authorize(self, **kwargs):
        self.meeting.wait(timeout=10)  # BrokenBarrierError if the buyers were serialised
        return super().authorize(**kwargs)


def test_buyers_of_different_items_do_not_wait_for_each_other(settings):
    # given two shoppers buying different products, and a processor that needs both at once
    settings.VIVRE = {
        **settings.VIVRE,
        "PAYMENT_PROCESSOR": "vivre.checkout.tests.test_concurrency.RendezvousProcessor",
    }
    RendezvousProcessor.meeting.reset()
    ensure_checkout_defaults()
    buyers = []
    for _ in range(2):
        client = Client()
        fill_bag(client, (make_product(price="80.00", stock=1).variants.get(), 1))
        client.post("/checkout/", DETAILS)
        buyers.append((client, "/checkout/review/", review_form(client)))

    # when both pay at once
    responses = submit_together(buyers)

    # then both were authorising side by side, holding their own locks only
    assert [r.status_code for r in responses] == [302, 302]
    assert Order.objects.count() == 2
