"""Every bad input is answered on the page, with a 4xx, and changes nothing."""

import html
from decimal import Decimal

import pytest

from vivre.cart.models import CartLine
from vivre.cart.services import set_quantity
from vivre.checkout.models import CheckoutDetails, ShippingMethod
from vivre.orders.models import Address, Order
from vivre.payments.models import Payment

from .conftest import DETAILS, fill_bag, hidden_fields, review_form

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def assert_nothing_changed(variant, stock):
    variant.refresh_from_db()
    assert variant.stock == stock
    assert not Order.objects.exists()
    assert not Address.objects.exists()
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("card", "status", "message"),
    [
        ({"card_number": "4242 4242 4242 4241"}, 400, "That card number isn't valid"),
        ({"card_number": "3530 1113 3330 0000"}, 400, "We accept Visa, Mastercard"),
        ({"card_number": "1234"}, 400, "Enter the long number on the front of your card"),
        ({"expiry": "01/20"}, 400, "This card has expired"),
        ({"expiry": "13/30"}, 400, "Enter the expiry date as MM/YY"),
        ({"cvv": "12"}, 400, "Ensure this value has at least 3 characters"),
        ({"cvv": "12a"}, 400, "Enter the 3 or 4 digit security code"),
        ({"card_number": "3782 822463 10005", "cvv": "123"}, 400, "Enter the 4 digit security"),
        ({"card_number": ""}, 400, "This field is required"),
        ({"name_on_card": ""}, 400, "This field is required"),
        ({"card_number": "4" * 5000}, 400, "at most 23 characters"),
        ({"name_on_card": "A" * 101}, 400, "at most 100 characters"),
        ({"card_number": "4000 0000 0000 0002"}, 402, "Your card was declined"),
        ({"card_number": "4000 0000 0000 9995"}, 402, "insufficient funds"),
        ({"card_number": "4000 0000 0000 0119"}, 503, "Please try again"),
    ],
)
def test_bad_or_refused_card_is_explained_and_nothing_is_charged(
    client, bag, variant, card, status, message
):
    # given the review page of a bag with two items
    form = review_form(client, **card)

    # when the shopper pays with the bad or refused card
    response = client.post("/checkout/review/", form)

    # then the page says what went wrong, with a fitting status, and nothing changed
    assert response.status_code == status
    assert message in text_of(response)
    assert 'class="form-errors" role="alert"' in response.content.decode()
    assert_nothing_changed(variant, 5)
    assert CartLine.objects.filter(cart=bag).exists()


def test_outage_asks_the_shopper_to_retry_later(client, bag, variant):
    # given the processor's "no answer" test card
    form = review_form(client, card_number="4000 0000 0000 0119")

    # when the shopper pays
    response = client.post("/checkout/review/", form)

    # then the page says the card was not charged and to try again
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "your card has not been charged" in text_of(response)


def test_declined_card_can_be_replaced_by_another(client, bag, variant):
    # given a first attempt with a declined card
    first = client.post("/checkout/review/", review_form(client, card_number="4000000000000002"))
    assert first.status_code == 402

    # when the shopper pays with another card from the re-shown form
    response = client.post("/checkout/review/", {**review_form(client), **hidden_fields(first)})

    # then the order goes through
    assert response.status_code == 302
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token.replace(token[5], "A" if token[5] != "A" else "B", 1),
        lambda token: "eyJsIjpbWzEsMiwiMC4wMSJdXSwicyI6InN0YW5kYXJkIiwidCI6IjAuMDEifQ:x:y",
        lambda token: "",
    ],
    ids=["altered", "forged-low-price", "missing"],
)
def test_tampered_basket_record_is_refused(client, bag, variant, tamper):
    # given a review form whose hidden record of the bag was edited
    form = review_form(client)
    form["basket"] = tamper(form["basket"])

    # when it is submitted
    response = client.post("/checkout/review/", form)

    # then nothing is charged and the shopper is asked to check the order again
    assert response.status_code == 400
    assert "This page was out of date" in text_of(response)
    assert_nothing_changed(variant, 5)


def test_extra_quantity_and_price_fields_are_ignored(client, bag, variant):
    # given a review form with made-up quantity and price fields
    form = {**review_form(client), "quantity": "1000", "price": "0.01", "unit_price": "0.01"}

    # when it is submitted
    client.post("/checkout/review/", form)

    # then the order is priced from the catalogue, for the bag's quantity
    order = Order.objects.get()
    assert (order.lines.get().quantity, order.subtotal) == (2, Decimal("200.00"))


@pytest.mark.parametrize("bad_key", ["", "not-a-uuid"])
def test_missing_or_malformed_idempotency_key_is_refused(client, bag, variant, bad_key):
    # given a review form without a usable key
    form = {**review_form(client), "idempotency_key": bad_key}

    # when it is submitted
    response = client.post("/checkout/review/", form)

    # then nothing is charged
    assert response.status_code == 400
    assert "This page was out of date" in text_of(response)
    assert_nothing_changed(variant, 5)


def test_bag_changed_in_another_tab_is_not_charged(client, bag, variant):
    # given a review page showing two items, then the bag changed to one elsewhere
    form = review_form(client)
    set_quantity(cart=bag, line_id=bag.lines.get().pk, quantity=1)

    # when the old review form is submitted
    response = client.post("/checkout/review/", form)

    # then nothing is charged and the page shows the bag as it is now
    assert response.status_code == 409
    assert "changed after you reviewed it" in text_of(response)
    assert_nothing_changed(variant, 5)
    assert "$118.83" in text_of(response)


def test_item_sold_out_after_step_one_is_not_charged(client, bag, variant):
    # given a review page, then the last units sold to someone else
    form = review_form(client)
    variant.stock = 0
    variant.save()

    # when the shopper pays
    response = client.post("/checkout/review/", form)

    # then the page says it sold out, the bag drops it, and nothing is charged
    assert response.status_code == 409
    page = text_of(response)
    assert "sold out before we could place your order" in page
    assert f"{variant} is sold out." in page
    assert "Your bag is now empty" in page
    assert_nothing_changed(variant, 0)
    assert not CartLine.objects.filter(cart=bag).exists()


def test_fewer_left_than_in_the_bag_is_not_charged(client, bag, variant):
    # given a review page for two, then only one left
    form = review_form(client)
    variant.stock = 1
    variant.save()

    # when the shopper pays
    response = client.post("/checkout/review/", form)

    # then the shortfall is explained, the bag is reduced, nothing charged
    assert response.status_code == 409
    assert f"Only 1 of {variant} left; you asked for 2." in text_of(response)
    assert_nothing_changed(variant, 1)
    assert CartLine.objects.get(cart=bag).quantity == 1


def test_price_change_after_step_one_is_shown_before_charging(client, bag, variant):
    # given a review page at $100 each, then the price went up to $120
    form = review_form(client)
    variant.price = Decimal("120.00")
    variant.save()

    # when the shopper pays
    response = client.post("/checkout/review/", form)

    # then nothing is charged and the new total is shown
    assert response.status_code == 409
    page = text_of(response)
    assert "A price changed before we could place your order" in page
    assert "changed from $100.00 to $120.00" in page
    assert "$240.00" in page
    assert_nothing_changed(variant, 5)

    # and paying from the re-shown page charges the new price
    retry = client.post("/checkout/review/", {**form, **hidden_fields(response)})
    assert retry.status_code == 302
    assert Order.objects.get().subtotal == Decimal("240.00")


def test_withdrawn_shipping_method_sends_the_shopper_back_to_step_one(client, bag, variant):
    # given a review page, then Standard shipping was switched off
    form = review_form(client)
    ShippingMethod.objects.filter(code="standard").update(active=False)

    # when the shopper pays
    response = client.post("/checkout/review/", form)

    # then they are asked to choose again and nothing is charged
    assert response.status_code == 302
    assert response["Location"] == "/checkout/"
    assert_nothing_changed(variant, 5)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "", "This field is required"),
        ("email", "ada@", "Enter a valid email address"),
        ("email", "a" * 250 + "@example.com", "at most 254 characters"),
        ("phone", "555-1234", "Enter a phone number we can reach you on"),
        ("phone", "", "This field is required"),
        ("ship_name", "", "This field is required"),
        ("ship_name", "A" * 101, "at most 100 characters"),
        ("ship_line1", "", "This field is required"),
        ("ship_city", "C" * 61, "at most 60 characters"),
        ("ship_state", "XX", "Select a valid choice"),
        ("ship_state", "", "This field is required"),
        ("ship_postal_code", "1001", "Enter a ZIP code such as 10013"),
        ("ship_postal_code", "10013-12", "Enter a ZIP code such as 10013"),
        ("ship_postal_code", "ABCDE", "Enter a ZIP code such as 10013"),
        ("shipping_method", "teleport", "Please choose one of the shipping methods shown"),
        ("shipping_method", "", "This field is required"),
    ],
)
def test_bad_details_are_explained_next_to_the_field(client, variant, field, value, message):
    # given a bag
    cart = fill_bag(client, (variant, 1))

    # when step 1 is sent with one bad field
    response = client.post("/checkout/", {**DETAILS, field: value})

    # then the error is shown at that field, and nothing is kept
    assert response.status_code == 400
    page = response.content.decode()
    assert message in html.unescape(page)
    assert f'id="id_{field}-error"' in page
    if field != "shipping_method":
        assert f'aria-describedby="id_{field}-help id_{field}-error"' in page or (
            f'aria-describedby="id_{field}-error"' in page
        )
        assert 'aria-invalid="true"' in page
    assert not CheckoutDetails.objects.filter(cart=cart).exists()


def test_separate_billing_address_must_be_complete(client, variant):
    # given a bag
    fill_bag(client, (variant, 1))

    # when the shopper unticks "same as shipping" but leaves the billing address empty
    response = client.post("/checkout/", {**DETAILS, "billing_same": ""})

    # then each missing billing field is pointed out
    assert response.status_code == 400
    page = response.content.decode()
    for field in ("bill_name", "bill_line1", "bill_city", "bill_state", "bill_postal_code"):
        assert f'id="id_{field}-error"' in page


def test_zip_plus_four_without_dash_is_accepted(client, variant):
    # given a bag
    cart = fill_bag(client, (variant, 1))

    # when the ZIP+4 is typed without a dash
    response = client.post("/checkout/", {**DETAILS, "ship_postal_code": "100131234"})

    # then it is stored in the usual form
    assert response.status_code == 302
    cart.refresh_from_db()
    assert cart.checkout_details.ship_postal_code == "10013-1234"
