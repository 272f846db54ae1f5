"""The order confirmation e-mail (P5): what was bought, the money, where it goes; P7 card."""

from decimal import Decimal

import pytest

from vivre.messaging.models import Message
from vivre.orders.models import Order

from .conftest import CARD_NUMBER, CVV, DETAILS, fill_bag, review_form

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P5", "P7")]


def place(client, variant, **details):
    fill_bag(client, (variant, 2))
    assert client.post("/checkout/", {**DETAILS, **details}).status_code == 302
    response = client.post("/checkout/review/", review_form(client))
    assert response.status_code == 302, response.content.decode()
    return Order.objects.get()


def test_the_confirmation_lists_the_order_and_shows_only_brand_and_last_four(client, variant):
    order = place(client, variant)

    mail = Message.objects.get(kind="order.confirmation")

    assert mail.to_address == order.email
    assert order.number in mail.subject_line
    for line in order.lines.all():
        assert line.product_name in mail.text_body
    assert f"${order.total:,.2f}" in mail.text_body
    assert "4242" in mail.text_body
    for body in (mail.text_body, mail.html_body):
        assert CARD_NUMBER not in body.replace(" ", "")
        assert CVV not in body
    assert order.shipping_address.line1 in mail.text_body


def test_a_gift_order_says_it_goes_to_the_recipient_with_the_message(client, variant):
    order = place(
        client,
        variant,
        is_gift="on",
        gift_message="Happy birthday, <b>Grace</b>",
        gift_wrap="on",
    )

    mail = Message.objects.get(kind="order.confirmation")

    assert order.is_gift and order.gift_wrap_charge == Decimal("7.50")
    assert "A GIFT FOR" in mail.text_body
    assert "Happy birthday, <b>Grace</b>" in mail.text_body
    assert "&lt;b&gt;Grace&lt;/b&gt;" in mail.html_body  # escaped in HTML
    assert "Gift wrap: $7.50" in mail.text_body


def test_a_failed_payment_sends_no_confirmation(client, variant):
    from vivre.payments.sandbox import DECLINED_CARD

    fill_bag(client, (variant, 1))
    client.post("/checkout/", DETAILS)
    client.post("/checkout/review/", review_form(client, card_number=DECLINED_CARD))

    assert not Order.objects.exists()
    assert not Message.objects.filter(kind="order.confirmation").exists()
