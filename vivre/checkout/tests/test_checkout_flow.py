"""A guest buys through the three checkout pages."""

from decimal import Decimal

import pytest

from vivre.cart.models import Cart
from vivre.catalog.testing import make_product
from vivre.checkout.models import CheckoutDetails
from vivre.orders.models import Order
from vivre.payments.models import Payment

from .conftest import DETAILS, fill_bag, review_form

pytestmark = pytest.mark.django_db


@pytest.mark.promise("P3", "P11")
def test_guest_checkout_places_order_and_shows_its_number(client, bag, variant):
    # given a bag with two $100 items and the shopper's details
    form = review_form(client)

    # when the shopper pays
    response = client.post("/checkout/review/", form, REMOTE_ADDR="203.0.113.9")

    # then one order is placed, paid, and shown on the confirmation page
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/checkout/confirmation/{order.number}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert order.number in page.content.decode()
    assert order.status == Order.Status.AUTHORIZED
    assert order.email == "ada@example.com"
    assert order.phone == "+12125550148"
    assert order.ip_address == "203.0.113.9"
    assert order.shipping_address.lines[:3] == ["Ada Lovelace", "11 Mercer Street", "Floor 3"]
    assert order.billing_address == order.shipping_address
    # and the totals: $200 + $9.95 standard shipping + 8.875% NY tax on $200
    assert order.subtotal == Decimal("200.00")
    assert order.shipping_charge == Decimal("9.95")
    assert order.tax_rate == Decimal("0.08875")
    assert order.tax == Decimal("17.75")
    assert order.total == Decimal("227.70")
    line = order.lines.get()
    assert (line.quantity, line.unit_price, line.line_total) == (2, Decimal("100.00"), 200)
    assert (line.sku, line.product_name) == (variant.sku, variant.product.name)
    # and the stock is taken, the card authorised for the total, the bag closed
    variant.refresh_from_db()
    assert variant.stock == 3
    payment = Payment.objects.get()
    assert (payment.order, payment.amount, payment.brand, payment.last4) == (
        order,
        Decimal("227.70"),
        "visa",
        "4242",
    )
    assert Cart.objects.get().checked_out_at is not None
    assert not CheckoutDetails.objects.exists()


def test_shipping_is_free_from_the_threshold(client, checkout_defaults):
    # given $250 of goods shipped to Oregon (no sales tax)
    product = make_product(price="125.00", stock=5)
    fill_bag(client, (product.variants.get(), 2))
    client.post("/checkout/", {**DETAILS, "ship_state": "OR", "ship_postal_code": "97201"})

    # when the shopper pays
    client.post("/checkout/review/", review_form(client))

    # then shipping is free and no tax is charged
    order = Order.objects.get()
    assert (order.subtotal, order.shipping_charge, order.tax, order.total) == (
        Decimal("250.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("250.00"),
    )


def test_express_is_charged_even_over_the_threshold(client, checkout_defaults):
    # given $300 of goods sent by Express to California
    product = make_product(price="300.00", stock=5)
    fill_bag(client, (product.variants.get(), 1))
    client.post(
        "/checkout/",
        {**DETAILS, "ship_state": "CA", "ship_postal_code": "94103", "shipping_method": "express"},
    )

    # when the shopper pays
    client.post("/checkout/review/", review_form(client))

    # then Express costs $24.95 and tax is 7.25% of the goods only
    order = Order.objects.get()
    assert order.shipping_charge == Decimal("24.95")
    assert order.tax == Decimal("21.75")
    assert order.total == Decimal("346.70")


def test_separate_billing_address_is_kept(client, variant):
    # given a shopper whose card is billed to another address
    fill_bag(client, (variant, 1))
    client.post(
        "/checkout/",
        {
            **DETAILS,
            "billing_same": "",
            "bill_name": "A. A. Lovelace",
            "bill_line1": "1 Main Street",
            "bill_city": "Newark",
            "bill_state": "NJ",
            "bill_postal_code": "07102-1234",
        },
    )

    # when the shopper pays
    client.post("/checkout/review/", review_form(client))

    # then the order has both addresses, and tax follows the shipping address
    order = Order.objects.get()
    assert order.billing_address.lines[:2] == ["A. A. Lovelace", "1 Main Street"]
    assert order.billing_address.postal_code == "07102-1234"
    assert order.shipping_address.state == "NY"
    assert order.tax_rate == Decimal("0.08875")


def test_review_page_shows_items_charges_and_total(client, bag, variant):
    # given a bag and details
    # when the shopper opens the review page
    response = client.get("/checkout/review/")

    # then it lists the item, quantity, shipping, tax and total, and a Place order button
    html = response.content.decode()
    assert variant.product.name in html
    for text in ("$200.00", "$9.95", "$17.75", "$227.70", "Place order", 'aria-current="step"'):
        assert text in html
    assert 'autocomplete="cc-number"' in html


def test_step_one_keeps_details_with_the_bag_not_the_session(client, bag):
    # given the details given at step 1
    # when the shopper comes back to step 1
    response = client.get("/checkout/")

    # then the form is filled from CheckoutDetails, and the session holds none of it
    assert 'value="ada@example.com"' in response.content.decode()
    assert CheckoutDetails.objects.get(cart=bag).phone == "+12125550148"
    assert "ada@example.com" not in str(dict(client.session))


def test_empty_bag_goes_back_to_the_bag(client, db):
    # given a visitor with no bag
    # when they open either checkout step
    for url in ("/checkout/", "/checkout/review/"):
        response = client.get(url)

        # then they are sent to the bag with a message
        assert response.status_code == 302
        assert response["Location"] == "/cart/"


def test_review_without_details_goes_to_step_one(client, variant):
    # given a bag but no details yet
    fill_bag(client, (variant, 1))

    # when the shopper opens the review page
    response = client.get("/checkout/review/")

    # then they are sent to step 1
    assert response.status_code == 302
    assert response["Location"] == "/checkout/"


def test_confirmation_is_only_for_the_browser_that_ordered(client, bag, django_user_model):
    # given an order placed in one browser
    from django.test import Client

    client.post("/checkout/review/", review_form(client))
    order = Order.objects.get()

    # when another browser asks for its confirmation page
    response = Client().get(f"/checkout/confirmation/{order.number}/")

    # then it is not found
    assert response.status_code == 404
    assert order.number not in response.content.decode()
