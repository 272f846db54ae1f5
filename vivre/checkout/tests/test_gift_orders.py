"""Sending a gift (P25): the recipient's address, a message, gift wrap, no prices on the slip."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from vivre.checkout.forms import DetailsForm
from vivre.checkout.models import CheckoutDetails
from vivre.orders.models import Order

from .conftest import DETAILS, card_data, fill_bag, hidden_fields

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P25")]

GIFT = {
    **DETAILS,
    "ship_name": "Grace Hopper",
    "ship_line1": "1 Navy Way",
    "ship_line2": "",
    "is_gift": "on",
    "gift_message": "Happy birthday, Grace!\nLove, Ada",
    "gift_wrap": "on",
}


def place(client):
    response = client.get("/checkout/review/")
    assert response.status_code == 200, response.content.decode()
    response = client.post("/checkout/review/", {**hidden_fields(response), **card_data()})
    assert response.status_code == 302, response.content.decode()
    return response


@pytest.mark.promise("P3")
def test_the_gift_form_collects_only_a_message_and_the_wrap():
    # The gift option adds three fields and nothing else about anyone (P3).
    plain = set(DetailsForm().fields)
    assert {"is_gift", "gift_message", "gift_wrap"} <= plain
    assert DetailsForm().fields["gift_message"].max_length == 500
    only_certificates = set(DetailsForm(certificates_only=True).fields)
    assert only_certificates == {
        "email", "phone", "bill_name", "bill_line1", "bill_line2", "bill_city", "bill_state",
        "bill_postal_code",
    }  # fmt: skip


def test_step_one_offers_the_gift_option_with_the_wrap_price(client, variant):
    fill_bag(client, (variant, 1))
    html = client.get("/checkout/").content.decode()
    assert "This order is a gift" in html
    assert "Gift wrap (+$7.50)" in html
    assert "the recipient&#x27;s" in html or "the recipient's" in html


def test_a_gift_order_carries_message_wrap_and_charge(client, variant):
    # given a bag sent as a gift
    cart = fill_bag(client, (variant, 2))
    assert client.post("/checkout/", GIFT).status_code == 302
    details = CheckoutDetails.objects.get()
    assert (details.is_gift, details.gift_wrap) == (True, True)
    review = client.get("/checkout/review/").content.decode()
    assert "Ship to the recipient" in review
    assert "Happy birthday, Grace!<br>Love, Ada" in review
    assert "Gift wrap" in review and "$7.50" in review
    # when
    response = place(client)
    # then
    order = Order.objects.get(cart=cart)
    assert order.is_gift and order.gift_wrap
    assert order.gift_message == "Happy birthday, Grace!\nLove, Ada"
    assert order.gift_wrap_charge == Decimal("7.50")
    assert order.total == order.subtotal + order.shipping_charge + Decimal("7.50") + order.tax
    assert order.shipping_address.name == "Grace Hopper"
    page = client.get(response["Location"]).content.decode()
    assert "This order is a gift: it goes to Grace Hopper" in page


def test_an_order_that_is_not_a_gift_keeps_no_message_or_wrap(client, variant):
    cart = fill_bag(client, (variant, 1))
    data = {**GIFT}
    del data["is_gift"]
    assert client.post("/checkout/", data).status_code == 302
    details = CheckoutDetails.objects.get()
    assert (details.is_gift, details.gift_message, details.gift_wrap) == (False, "", False)
    place(client)
    order = Order.objects.get(cart=cart)
    assert (order.is_gift, order.gift_message, order.gift_wrap_charge) == (False, "", 0)


def test_a_gift_message_over_500_characters_is_refused(client, variant):
    fill_bag(client, (variant, 1))
    response = client.post("/checkout/", {**GIFT, "gift_message": "x" * 501})
    assert response.status_code == 400
    assert 'id="id_gift_message-error"' in response.content.decode()
    assert not CheckoutDetails.objects.exists()


@pytest.mark.parametrize("missing", ["ship_name", "ship_line1", "ship_city", "ship_postal_code"])
def test_a_gift_needs_the_recipients_address(client, variant, missing):
    fill_bag(client, (variant, 1))
    response = client.post("/checkout/", {**GIFT, missing: ""})
    assert response.status_code == 400
    assert f'id="id_{missing}-error"' in response.content.decode()
    assert not CheckoutDetails.objects.exists()


def test_markup_in_a_gift_message_is_shown_escaped(client, variant):
    cart = fill_bag(client, (variant, 1))
    message = '<script>alert("x")</script><b>hi</b>'
    assert client.post("/checkout/", {**GIFT, "gift_message": message}).status_code == 302
    review = client.get("/checkout/review/").content.decode()
    assert "<script>alert" not in review and "<b>hi</b>" not in review
    assert "&lt;b&gt;hi&lt;/b&gt;" in review
    response = place(client)
    assert Order.objects.get(cart=cart).gift_message == message
    page = client.get(response["Location"]).content.decode()
    assert "<b>hi</b>" not in page and "&lt;b&gt;hi&lt;/b&gt;" in page


def test_the_gift_form_without_a_csrf_token_is_refused(variant):
    client = Client(enforce_csrf_checks=True)
    fill_bag(client, (variant, 1))
    response = client.post("/checkout/", GIFT)
    assert response.status_code == 403
    assert not CheckoutDetails.objects.exists()
