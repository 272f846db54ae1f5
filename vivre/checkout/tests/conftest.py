"""Fixtures for checkout tests: a product in stock, a shopper's bag, form data."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings

from vivre.cart.services import add_to_cart, create_cart
from vivre.catalog.testing import make_product
from vivre.checkout.testing import ensure_checkout_defaults

CARD_NUMBER = "4242424242424242"
CVV = "864"


def future_expiry() -> str:
    year = datetime.date.today().year + 3
    return f"11/{year % 100:02d}"


DETAILS = {
    "email": "ada@example.com",
    "phone": "(212) 555-0148",
    "ship_name": "Ada Lovelace",
    "ship_line1": "11 Mercer Street",
    "ship_line2": "Floor 3",
    "ship_city": "New York",
    "ship_state": "NY",
    "ship_postal_code": "10013",
    "billing_same": "on",
    "shipping_method": "standard",
}


def card_data(**overrides) -> dict:
    return {
        "card_number": "4242 4242 4242 4242",
        "expiry": future_expiry(),
        "cvv": CVV,
        "name_on_card": "Ada Lovelace",
        **overrides,
    }


@pytest.fixture(autouse=True)
def _fast_sandbox(settings):
    """The sandbox's outage card gives up after 10 ms instead of seconds."""
    settings.VIVRE = {**settings.VIVRE, "SANDBOX_TIMEOUT_SECONDS": 0.01}


@pytest.fixture
def checkout_defaults(db):
    ensure_checkout_defaults()


@pytest.fixture
def product(checkout_defaults):
    return make_product(price="100.00", stock=5)


@pytest.fixture
def variant(product):
    return product.variants.get()


def fill_bag(client, *items) -> object:
    """Give ``client`` a bag holding ``(variant, quantity)`` items; return the cart."""
    cart = create_cart(ip_address="127.0.0.1")
    for variant, quantity in items:
        add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    client.cookies[settings.VIVRE["CART_COOKIE"]] = str(cart.pk)
    return cart


@pytest.fixture
def bag(client, variant):
    """A bag with two of the product, and the step-1 details already given."""
    cart = fill_bag(client, (variant, 2))
    response = client.post("/checkout/", DETAILS)
    assert response.status_code == 302, response.content.decode()
    return cart


def hidden_fields(response) -> dict:
    """Return the review form's hidden idempotency key and basket record."""
    html = response.content.decode()
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html)[1]
        for name in ("idempotency_key", "basket")
    }


def review_form(client, **card) -> dict:
    """GET the review page and return a complete POST for it."""
    response = client.get("/checkout/review/")
    assert response.status_code == 200, response.content.decode()
    return {**hidden_fields(response), **card_data(**card)}
