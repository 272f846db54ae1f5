"""Submitting the same review form twice places one order and charges once."""

import pytest
from django.test import Client

from vivre.orders.models import Order
from vivre.payments.models import Payment

from .conftest import fill_bag, review_form

pytestmark = pytest.mark.django_db


def test_double_submit_places_one_order(client, bag, variant):
    # given a filled-in review form
    form = review_form(client)

    # when it is submitted twice
    first = client.post("/checkout/review/", form)
    second = client.post("/checkout/review/", form)

    # then both land on the same confirmation, with one order and one payment
    order = Order.objects.get()
    assert first["Location"] == second["Location"] == f"/checkout/confirmation/{order.number}/"
    assert Payment.objects.count() == 1
    variant.refresh_from_db()
    assert variant.stock == 3


def test_second_review_form_for_an_ordered_bag_charges_nothing(client, bag, variant):
    # given two review pages open for the same bag (two tabs), each with its own key
    first_tab, second_tab = review_form(client), review_form(client)
    assert first_tab["idempotency_key"] != second_tab["idempotency_key"]

    # when both are submitted
    client.post("/checkout/review/", first_tab)
    response = client.post("/checkout/review/", second_tab)

    # then the second finds the bag already ordered
    assert response.status_code == 302
    assert response["Location"] == "/cart/"
    assert Order.objects.count() == Payment.objects.count() == 1


def test_another_bags_key_cannot_reach_its_order(client, bag, variant):
    # given an order placed with a key
    form = review_form(client)
    client.post("/checkout/review/", form)
    order = Order.objects.get()

    # when another shopper submits their own bag with the same key
    other = Client()
    fill_bag(other, (variant, 1))
    from .conftest import DETAILS

    other.post("/checkout/", DETAILS)
    stolen = {**review_form(other), "idempotency_key": form["idempotency_key"]}
    response = other.post("/checkout/review/", stolen)

    # then they are refused, and never see the first order
    assert response.status_code == 409
    assert order.number not in response.content.decode()
    assert Order.objects.count() == 1
    assert other.get(f"/checkout/confirmation/{order.number}/").status_code == 404
