"""My Account: the customer's own order history and order pages (P23)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from vivre.accounts.models import User
from vivre.fulfilment.services import create_shipment, new_tracking_number
from vivre.orders.models import Order
from vivre.orders.services import AddressData
from vivre.orders.testing import make_order

pytestmark = pytest.mark.django_db

ORDERS = "/account/orders/"


@pytest.fixture
def customer():
    return User.objects.create_user("ada@example.com", "correct horse battery", full_name="Ada")


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


def order_for(user, **kwargs) -> Order:
    order = make_order(**kwargs)
    Order.objects.filter(pk=order.pk).update(customer=user)
    order.refresh_from_db()
    return order


def test_history_shows_only_the_customers_orders_newest_first(signed_in, customer):
    # given two orders of the customer, a guest order and another customer's
    older = order_for(customer)
    Order.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=3))
    newer = order_for(customer, price="75.00")
    guest = make_order()  # same e-mail, but never attached to the account
    other = order_for(User.objects.create_user("grace@example.com", "another long password"))
    # when
    page = signed_in.get(ORDERS).content.decode()
    # then
    assert newer.number in page and older.number in page
    assert page.index(newer.number) < page.index(older.number)
    assert guest.number not in page
    assert other.number not in page
    assert "Payment authorized" in page
    assert f"${newer.total:,}" in page


def test_history_is_paginated(signed_in, customer, settings):
    settings.VIVRE = {**settings.VIVRE, "PAGE_SIZE": 2}
    orders = [order_for(customer) for _ in range(3)]
    for days, order in enumerate(orders):
        Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=days))
    first = signed_in.get(ORDERS).content.decode()
    second = signed_in.get(ORDERS, {"page": 2}).content.decode()
    assert orders[0].number in first and orders[1].number in first
    assert orders[2].number not in first
    assert orders[2].number in second and orders[0].number not in second
    assert 'rel="next"' in first
    # a nonsense page number shows a page, not an error
    assert signed_in.get(ORDERS, {"page": "x"}).status_code == 200


def test_history_of_a_customer_without_orders_says_so(signed_in):
    page = signed_in.get(ORDERS).content.decode()
    assert "not ordered with this account yet" in page
    assert "/orders/" in page  # the guest look-up


def test_order_page_shows_lines_totals_addresses_and_history(signed_in, customer):
    billing = AddressData(
        name="Ada Lovelace", line1="1 Billing Road", line2="", city="Boston", state="MA",
        postal_code="02108",
    )  # fmt: skip
    order = order_for(customer, quantities=(2, 1), billing_address=billing)
    page = signed_in.get(f"{ORDERS}{order.number}/").content.decode()
    for line in order.lines.all():
        assert line.product_name in page
    assert f"${order.total:,}" in page
    assert f"${order.subtotal:,}" in page
    assert "11 Mercer Street" in page and "1 Billing Road" in page
    assert "Order placed" in page and "Payment authorized" in page
    assert "Nothing has shipped yet" in page
    assert "Return or exchange items" not in page


def test_order_page_shows_shipments_tracking_and_a_working_return_link(signed_in, customer):
    # given a shipped order with a tracking number
    order = order_for(customer)
    line = order.lines.get()
    number = new_tracking_number(carrier="ups", order=order)
    create_shipment(
        order=order, lines={line.pk: line.quantity}, carrier="ups", actor="test",
        tracking_number=number,
    )  # fmt: skip
    # when
    page = signed_in.get(f"{ORDERS}{order.number}/").content.decode()
    # then
    assert number in page
    assert "ups.com" in page
    assert "Shipped" in page
    assert f'href="/orders/{order.number}/return/"' in page
    # and the returns form opens for the owner without the guest look-up
    assert signed_in.get(f"/orders/{order.number}/return/").status_code == 200


def test_order_number_is_matched_whatever_its_case(signed_in, customer):
    order = order_for(customer)
    assert signed_in.get(f"{ORDERS}{order.number.lower()}/").status_code == 200


def test_guest_and_unknown_order_numbers_are_not_found(signed_in):
    guest = make_order()
    assert signed_in.get(f"{ORDERS}{guest.number}/").status_code == 404
    assert signed_in.get(f"{ORDERS}VV-XXXX-XXXX/").status_code == 404
