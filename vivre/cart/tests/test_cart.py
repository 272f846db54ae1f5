"""The bag: adding, changing and removing, with stock and price checked at every step."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from vivre.cart.models import Cart, CartLine
from vivre.cart.services import clear_expired_ips
from vivre.catalog.models import Variant
from vivre.catalog.testing import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant():
    return make_product(price="120.00", stock=5).variants.get()


def add(client, variant_id, quantity=1, **extra):
    return client.post("/cart/add/", {"variant": variant_id, "quantity": quantity}, **extra)


def test_adding_creates_a_cart_and_sets_a_strictly_necessary_cookie(client, variant):
    # when
    response = add(client, variant.pk, 2)

    # then
    assert response.status_code == 302
    cookie = response.cookies["vivre_cart"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    cart = Cart.objects.get(pk=cookie.value)
    line = cart.lines.get()
    assert (line.variant, line.quantity, line.price_seen) == (variant, 2, Decimal("120.00"))
    assert client.get("/").context["cart_count"] == 2


@pytest.mark.promise("P11")
def test_cart_records_the_visitor_ip(client, variant):
    # when
    add(client, variant.pk, REMOTE_ADDR="203.0.113.9")

    # then
    assert Cart.objects.get().ip_address == "203.0.113.9"


@pytest.mark.promise("P11")
def test_cart_ip_is_forgotten_after_the_retention_limit(client, variant, settings):
    # given one cart used long ago and one used today
    add(client, variant.pk, REMOTE_ADDR="203.0.113.9")
    old = Cart.objects.get()
    Cart.objects.filter(pk=old.pk).update(ip_recorded_at=timezone.now() - timedelta(days=31))
    fresh = Cart.objects.create(ip_address="198.51.100.7", ip_recorded_at=timezone.now())

    # when
    cleared = clear_expired_ips()
    call_command("apply_retention")

    # then the old IP is gone, the recent one kept, and the cart itself survives
    assert cleared == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.ip_address is None and old.lines.count() == 1
    assert fresh.ip_address == "198.51.100.7"


def test_adding_again_adds_to_the_same_line(client, variant):
    add(client, variant.pk, 1)
    add(client, variant.pk, 2)
    assert CartLine.objects.get().quantity == 3


@pytest.mark.parametrize("quantity", ["0", "-3", "abc", "", "1e3", "99999999999999999999", "2.5"])
def test_bad_quantity_is_refused_with_a_message(client, variant, quantity):
    # when
    response = add(client, variant.pk, quantity)

    # then the product page comes back with the field's error, and nothing was added
    assert response.status_code == 400
    assert response.context["form"].errors["quantity"]
    assert b"field-error" in response.content
    assert not CartLine.objects.exists()
    assert not Cart.objects.exists()


def test_more_than_in_stock_is_refused(client, variant):
    response = add(client, variant.pk, 6)
    assert response.status_code == 409
    assert b"Only 5 of" in response.content
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("variant_id", ["999999", "abc", "", "-1"])
def test_unknown_variant_is_a_clear_4xx(client, variant_id):
    response = add(client, variant_id)
    assert response.status_code in (302, 400, 404)
    assert not CartLine.objects.exists()


def test_sold_out_variant_cannot_be_added(client):
    variant = make_product(stock=0).variants.get()
    response = add(client, variant.pk)
    assert response.status_code == 409
    assert b"sold out" in response.content.lower()
    assert not CartLine.objects.exists()


def test_get_on_add_is_not_allowed(client, variant):
    assert client.get("/cart/add/").status_code == 405


def test_change_quantity_and_remove(client, variant):
    add(client, variant.pk, 1)
    line = CartLine.objects.get()

    client.post(f"/cart/lines/{line.pk}/", {"quantity": 4})
    assert CartLine.objects.get().quantity == 4

    response = client.post(f"/cart/lines/{line.pk}/", {"quantity": "lots"}, follow=True)
    assert "Please enter a whole number." in response.content.decode()
    assert CartLine.objects.get().quantity == 4

    client.post(f"/cart/lines/{line.pk}/", {"quantity": 0})
    assert not CartLine.objects.exists()


def test_remove_line(client, variant):
    add(client, variant.pk, 1)
    line = CartLine.objects.get()
    response = client.post(f"/cart/lines/{line.pk}/remove/", follow=True)
    assert not CartLine.objects.exists()
    assert "Your bag is empty" in response.content.decode()


def test_someone_elses_line_cannot_be_touched(client, variant):
    # given a line in another visitor's cart
    other = Cart.objects.create()
    line = CartLine.objects.create(
        cart=other, variant=variant, quantity=1, price_seen=variant.price
    )
    add(client, variant.pk, 1)

    # when this visitor posts to it
    client.post(f"/cart/lines/{line.pk}/", {"quantity": 3})
    client.post(f"/cart/lines/{line.pk}/remove/")

    # then it is untouched
    line.refresh_from_db()
    assert line.quantity == 1


def test_bag_shows_a_price_change_and_accepts_the_new_price(client, variant):
    # given an item in the bag whose price then rises
    add(client, variant.pk, 1)
    Variant.objects.filter(pk=variant.pk).update(price=Decimal("135.00"))

    # when the shopper opens the bag
    response = client.get("/cart/")

    # then they are told, and the bag now shows the new price
    text = response.content.decode()
    assert "changed from $120.00 to $135.00" in text
    assert CartLine.objects.get().price_seen == Decimal("135.00")


def test_bag_removes_a_sold_out_item_with_a_message(client, variant):
    add(client, variant.pk, 2)
    Variant.objects.filter(pk=variant.pk).update(stock=0)

    text = client.get("/cart/").content.decode()

    assert "sold out and was removed" in text
    assert not CartLine.objects.exists()


def test_bag_reduces_to_the_stock_left(client, variant):
    add(client, variant.pk, 4)
    Variant.objects.filter(pk=variant.pk).update(stock=2)

    text = client.get("/cart/").content.decode()

    assert "Only 2 of" in text
    assert CartLine.objects.get().quantity == 2


def test_malformed_cart_cookie_is_ignored(client):
    client.cookies["vivre_cart"] = "not-a-uuid"
    assert client.get("/cart/").status_code == 200
    assert client.get("/").context["cart_count"] == 0
