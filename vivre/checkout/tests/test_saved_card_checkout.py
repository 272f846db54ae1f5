"""Saved cards at checkout (P7): choose one and type only its security code, or save a new one."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.sessions.models import Session
from django.forms.models import model_to_dict

from vivre.accounts.models import User
from vivre.cart.services import add_to_cart, create_cart
from vivre.checkout.models import CheckoutDetails
from vivre.orders.models import Order
from vivre.payments import saved_cards
from vivre.payments.cards import CardDetails
from vivre.payments.models import Payment, SavedCard
from vivre.payments.sandbox import DECLINED_CARD

from .conftest import DETAILS, card_data, hidden_fields

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P7")]

SAVED_CVV = "738"


@pytest.fixture(autouse=True)
def key_file(settings, tmp_path):
    """A throwaway key-encryption key for the vault."""
    settings.VIVRE = {
        **settings.VIVRE,
        "CARD_KEYS": "",
        "CARD_KEY_FILE": str(tmp_path / "card_keys.json"),
    }


def make_customer(email="ada@example.com") -> User:
    return User.objects.create_user(email, "correct horse battery", full_name="Ada Lovelace")


def save(customer, number="4242424242424242", month=12, year=2030) -> SavedCard:
    return saved_cards.save_card(
        customer=customer,
        card=CardDetails(number=number, exp_month=month, exp_year=year, cvv="", name="Ada"),
    )


@pytest.fixture
def ada(client):
    user = make_customer()
    client.force_login(user)
    return user


@pytest.fixture
def ada_bag(client, ada, variant):
    """Ada's own bag (found by her account) with two items, step 1 done."""
    cart = create_cart(ip_address="127.0.0.1")
    cart.customer = ada
    cart.save()
    add_to_cart(cart=cart, variant_id=variant.pk, quantity=2)
    response = client.post("/checkout/", DETAILS)
    assert response.status_code == 302, response.content.decode()
    return cart


def review_page(client):
    response = client.get("/checkout/review/")
    assert response.status_code == 200, response.content.decode()
    return response


def pay_with_saved(client, saved: SavedCard, cvv=SAVED_CVV, **extra):
    form = hidden_fields(review_page(client))
    return client.post(
        "/checkout/review/",
        {**form, "payment_choice": str(saved.pk), "saved_cvv": cvv, **extra},
    )


def test_signed_in_customer_chooses_a_saved_card_or_a_new_one(client, ada, ada_bag):
    # given a saved card
    save(ada, month=12, year=2030)
    # when
    html = review_page(client).content.decode()
    # then the card is offered by brand, last four and expiry, and a new card too
    assert "Visa •••• 4242, expires 12/30" in html
    assert "A new card" in html
    assert 'name="saved_cvv"' in html
    assert "Save this card for next time" in html
    assert "4242424242424242" not in html


def test_guest_sees_neither_saved_cards_nor_the_save_option(client, bag):
    html = review_page(client).content.decode()
    assert 'name="payment_choice"' not in html
    assert 'name="save_card"' not in html
    assert "Save this card" not in html


def test_paying_with_a_saved_card_asks_only_its_security_code(client, ada, ada_bag):
    # given
    saved = save(ada)
    # when
    response = pay_with_saved(client, saved)
    # then
    assert response.status_code == 302, response.content.decode()
    order = Order.objects.get()
    payment = Payment.objects.get(order=order)
    assert payment.saved_card == saved
    assert (payment.brand, payment.last4, payment.amount) == ("visa", "4242", order.total)
    assert order.customer == ada


@pytest.mark.parametrize("cvv", ["", "12", "1234", "12a", "12345"])
def test_a_missing_or_wrong_length_security_code_is_refused(client, ada, ada_bag, cvv):
    saved = save(ada)
    response = pay_with_saved(client, saved, cvv=cvv)
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'id="id_saved_cvv-error">[^<]*(security code|4 characters)', html), html
    assert cvv == "" or f'value="{cvv}"' not in html  # never written back
    assert not Order.objects.exists()
    assert not Payment.objects.exists()


def test_an_amex_saved_card_needs_four_digits(client, ada, ada_bag):
    saved = save(ada, number="378282246310005")
    response = pay_with_saved(client, saved, cvv="123")
    assert response.status_code == 400
    assert "Enter the 4 digit security code" in response.content.decode()
    assert pay_with_saved(client, saved, cvv="1234").status_code == 302


def test_another_customers_saved_card_is_refused_and_never_charged(client, ada, ada_bag):
    # given Ada's card and Grace's card
    save(ada)
    graces = save(make_customer("grace@example.com"))
    # when Ada's form names it
    response = pay_with_saved(client, graces)
    # then
    assert response.status_code == 400
    assert "Please choose one of your saved cards or a new card." in response.content.decode()
    assert not Order.objects.exists()
    assert not Payment.objects.exists()


def test_a_saved_card_id_from_a_customer_without_cards_is_not_used(client, ada, ada_bag):
    # given Ada has no saved card, so only the new-card fields are asked
    graces = save(make_customer("grace@example.com"))
    # when the form is sent with Grace's card id and no card
    response = pay_with_saved(client, graces)
    # then the card fields are missing and nothing is charged
    assert response.status_code == 400
    assert 'id="id_card_number-error"' in response.content.decode()
    assert not Payment.objects.exists()


def test_a_declined_saved_card_shows_the_decline_and_makes_nothing(client, ada, ada_bag, variant):
    saved = save(ada, number=DECLINED_CARD)
    response = pay_with_saved(client, saved)
    assert response.status_code == 402
    assert "declined" in response.content.decode().lower()
    assert not Order.objects.exists()
    variant.refresh_from_db()
    assert variant.stock == 5


def test_a_new_card_is_saved_only_when_the_customer_ticks_the_box(client, ada, ada_bag):
    # given a customer with no saved card
    # when she pays with a new card and asks to save it
    form = {**hidden_fields(review_page(client)), **card_data(), "save_card": "on"}
    response = client.post("/checkout/review/", form)
    # then
    assert response.status_code == 302, response.content.decode()
    saved = SavedCard.objects.get(customer=ada)
    assert (saved.brand, saved.last4) == ("visa", "4242")
    assert Payment.objects.get().saved_card is None


def test_a_new_card_is_not_saved_without_asking(client, ada, ada_bag):
    form = {**hidden_fields(review_page(client)), **card_data()}
    assert client.post("/checkout/review/", form).status_code == 302
    assert not SavedCard.objects.exists()


def test_a_new_card_is_not_saved_when_declined(client, ada, ada_bag):
    form = {
        **hidden_fields(review_page(client)),
        **card_data(card_number=DECLINED_CARD),
        "save_card": "on",
    }
    assert client.post("/checkout/review/", form).status_code == 402
    assert not SavedCard.objects.exists()
    assert not Order.objects.exists()


def test_choosing_a_new_card_needs_its_fields(client, ada, ada_bag):
    save(ada)
    form = {**hidden_fields(review_page(client)), "payment_choice": "new"}
    response = client.post("/checkout/review/", form)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_card_number-error"' in html
    assert 'id="id_cvv-error"' in html
    assert not Order.objects.exists()


def _text_of(model_rows) -> str:
    return json.dumps([model_to_dict(row) for row in model_rows], default=str)


def _holds_cvv(text: str) -> bool:
    return re.search(rf"(?<![0-9A-Za-z]){SAVED_CVV}(?![0-9A-Za-z])", text) is not None


def test_the_security_code_is_kept_nowhere_after_a_saved_card_checkout(client, ada, ada_bag):
    # given a checkout paid with a saved card and its security code
    saved = save(ada)
    response = pay_with_saved(client, saved)
    assert response.status_code == 302
    # when we look through the session, the step-1 details and the order
    sessions = " ".join(json.dumps(s.get_decoded(), default=str) for s in Session.objects.all())
    details = _text_of(CheckoutDetails.objects.all())
    orders = _text_of(Order.objects.all()) + _text_of(Payment.objects.all())
    # then the code is in none of them (nor on the confirmation page)
    assert Order.objects.count() == 1
    for text in (sessions, details, orders):
        assert not _holds_cvv(text)
    page = client.get(response["Location"]).content.decode()
    assert not _holds_cvv(page)
