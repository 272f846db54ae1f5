"""The bag follows the customer: their bag on any device, merged at sign-in, kept at sign-out."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client, RequestFactory
from django.utils import timezone

from vivre.accounts.models import User
from vivre.cart.models import Cart, CartLine
from vivre.cart.selectors import cart_count_for_request, get_cart_for_request
from vivre.cart.services import add_to_cart, create_cart, merge_guest_cart
from vivre.catalog.testing import make_product

pytestmark = pytest.mark.django_db

COOKIE = settings.VIVRE["CART_COOKIE"]
MAX = settings.VIVRE["CART_MAX_QUANTITY"]


@pytest.fixture
def customer():
    return User.objects.create_user("ann@example.com", "a long pass phrase 7", full_name="Ann")


@pytest.fixture
def other_customer():
    return User.objects.create_user("bo@example.com", "a long pass phrase 8", full_name="Bo")


def variant(stock=10, price="50.00"):
    return make_product(price=price, stock=stock).variants.get()


def bag(*items, customer=None, ip="198.51.100.1"):
    """Return a cart holding ``(variant, quantity)`` items."""
    cart = create_cart(ip_address=ip, customer=customer)
    for v, quantity in items:
        add_to_cart(cart=cart, variant_id=v.pk, quantity=quantity)
    return cart


def sign_in(user, *, cart_cookie=None, ip="203.0.113.5"):
    """Sign in through ``django.contrib.auth.login``, as the sign-in page does.

    Returns the request, as the auth and message middleware would leave it.
    """
    request = RequestFactory().post("/account/sign-in/", REMOTE_ADDR=ip)
    request.user = AnonymousUser()
    if cart_cookie is not None:
        request.COOKIES[COOKIE] = str(cart_cookie)
    SessionMiddleware(lambda r: None).process_request(request)
    request._messages = FallbackStorage(request)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return request


def notes(request) -> list[str]:
    return [str(m) for m in get_messages(request)]


def quantities(cart) -> dict[int, int]:
    return dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity"))


# --- a customer's bag ----------------------------------------------------------------


@pytest.mark.promise("P11")
def test_signed_in_customer_adds_to_a_bag_of_their_own_without_a_cookie(client, customer):
    # given
    v = variant()
    client.force_login(customer)

    # when
    response = client.post(
        "/cart/add/", {"variant": v.pk, "quantity": 2}, REMOTE_ADDR="203.0.113.7"
    )

    # then the bag belongs to the account, records the IP, and needs no cart cookie
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    cart = Cart.objects.get()
    assert cart.customer == customer and cart.ip_address == "203.0.113.7"
    assert quantities(cart) == {v.pk: 2}
    assert client.get("/").context["cart_count"] == 2


def test_the_bag_follows_the_customer_to_another_device(client, customer):
    # given a bag filled on one device
    v = variant()
    client.force_login(customer)
    client.post("/cart/add/", {"variant": v.pk, "quantity": 3})

    # when the customer signs in elsewhere
    phone = Client()
    phone.force_login(customer)
    phone.post("/cart/add/", {"variant": v.pk, "quantity": 1})

    # then both devices see one bag
    assert Cart.objects.count() == 1
    assert quantities(Cart.objects.get()) == {v.pk: 4}
    assert client.get("/cart/").context["review"].item_count == 4


@pytest.mark.promise("P12")
def test_a_guest_presenting_a_customers_cart_id_sees_an_empty_bag(client, customer):
    # given a customer's bag, and a guest who got hold of its id
    v = variant()
    cart = bag((v, 2), customer=customer)
    client.cookies[COOKIE] = str(cart.pk)

    # when
    page = client.get("/cart/")
    home = client.get("/")

    # then nothing of the customer's bag is shown, and the useless cookie is dropped
    assert page.context["review"].is_empty
    assert home.context["cart_count"] == 0
    assert page.cookies[COOKIE].value == "" and page.cookies[COOKIE]["max-age"] == 0


@pytest.mark.promise("P12")
def test_a_guest_cannot_change_a_customers_bag_by_its_id(client, customer):
    # given
    v = variant()
    cart = bag((v, 2), customer=customer)
    line = cart.lines.get()
    client.cookies[COOKIE] = str(cart.pk)

    # when the guest tries to change, remove and add to it
    client.post(f"/cart/lines/{line.pk}/", {"quantity": 5})
    client.post(f"/cart/lines/{line.pk}/remove/")
    response = client.post("/cart/add/", {"variant": v.pk, "quantity": 1})

    # then the customer's bag is untouched; the guest got a bag of their own
    assert quantities(cart) == {v.pk: 2}
    guest = Cart.objects.exclude(pk=cart.pk).get()
    assert guest.customer is None and response.cookies[COOKIE].value == str(guest.pk)


@pytest.mark.promise("P12")
def test_another_customer_never_sees_a_customers_bag(client, customer, other_customer):
    # given
    v = variant()
    cart = bag((v, 2), customer=customer)
    client.force_login(other_customer)
    client.cookies[COOKIE] = str(cart.pk)

    # when
    page = client.get("/cart/")

    # then
    assert page.context["review"].is_empty
    assert quantities(cart) == {v.pk: 2}


def test_a_request_without_a_user_is_a_guest(customer):
    # A request without a user (no auth middleware) is a guest, never an error.
    request = RequestFactory().get("/")
    assert get_cart_for_request(request) is None
    assert cart_count_for_request(request) == 0


# --- merge at sign-in -------------------------------------------------------------------


@pytest.mark.promise("P11")
def test_guest_bag_becomes_the_customers_when_they_have_none(customer):
    # given a guest bag
    v = variant()
    guest = bag((v, 2), ip="198.51.100.1")

    # when the guest signs in
    request = sign_in(customer, cart_cookie=guest.pk, ip="203.0.113.5")

    # then the same bag is now theirs, with the address it is used from now (P11)
    guest.refresh_from_db()
    assert guest.customer == customer
    assert guest.ip_address == "203.0.113.5"
    assert quantities(guest) == {v.pk: 2}
    assert get_cart_for_request(request) == guest
    assert notes(request) == []


def test_guest_lines_join_the_customers_bag_and_the_guest_bag_goes(customer):
    # given a saved bag and a guest bag with one item in common
    shared, only_saved, only_guest = variant(), variant(), variant()
    saved = bag((shared, 1), (only_saved, 2), customer=customer)
    guest = bag((shared, 3), (only_guest, 4))

    # when
    request = sign_in(customer, cart_cookie=guest.pk)

    # then quantities are added, the other lines moved, the guest bag deleted
    assert quantities(saved) == {shared.pk: 4, only_saved.pk: 2, only_guest.pk: 4}
    assert not Cart.objects.filter(pk=guest.pk).exists()
    assert Cart.objects.filter(customer=customer, checked_out_at__isnull=True).count() == 1
    assert notes(request) == [
        "We added what you chose on this visit to the bag saved with your account."
    ]
    assert cart_count_for_request(request) == 10


@pytest.mark.promise("P11")
def test_merge_records_the_cart_ip(customer):
    saved = bag((variant(), 1), customer=customer, ip="198.51.100.1")
    guest = bag((variant(), 1), ip="198.51.100.2")

    sign_in(customer, cart_cookie=guest.pk, ip="203.0.113.9")

    saved.refresh_from_db()
    assert saved.ip_address == "203.0.113.9" and saved.ip_recorded_at is not None


def test_merged_quantity_is_capped_at_the_most_per_order(customer):
    # given stock for more than the per-order maximum
    v = variant(stock=100)
    saved = bag((v, MAX - 2), customer=customer)
    guest = bag((v, 5))

    # when
    request = sign_in(customer, cart_cookie=guest.pk)

    # then
    assert quantities(saved) == {v.pk: MAX}
    assert f"Your bag now has {MAX} of {v}: we send at most {MAX} of one item per order." in (
        notes(request)
    )


def test_merged_quantity_never_exceeds_the_stock_left(customer):
    # given 5 left, 3 in the saved bag and 4 in the guest bag
    v = variant(stock=5)
    saved = bag((v, 3), customer=customer)
    guest = bag((v, 4))

    # when
    request = sign_in(customer, cart_cookie=guest.pk)

    # then
    assert quantities(saved) == {v.pk: 5}
    assert f"Only 5 of {v} left, so your bag now has 5." in notes(request)


def test_a_moved_line_is_capped_at_the_stock_left_too(customer):
    v = variant(stock=6)
    saved = bag((variant(), 1), customer=customer)
    guest = bag((v, 6))
    v.stock = 2
    v.save(update_fields=["stock"])

    request = sign_in(customer, cart_cookie=guest.pk)

    assert quantities(saved)[v.pk] == 2
    assert f"Only 2 of {v} left, so your bag now has 2." in notes(request)


def test_a_sold_out_item_is_not_merged_and_the_customer_is_told(customer):
    # given an item that sold out after both bags took it
    gone, fine = variant(stock=3), variant()
    saved = bag((gone, 1), customer=customer)
    guest = bag((gone, 2), (fine, 1))
    gone.stock = 0
    gone.save(update_fields=["stock"])

    # when
    request = sign_in(customer, cart_cookie=guest.pk)

    # then no line is left above the stock (none), and the rest merged
    assert quantities(saved) == {fine.pk: 1}
    assert f"{gone} has sold out, so it is no longer in your bag." in notes(request)


def test_a_withdrawn_item_is_not_merged(customer):
    v = variant()
    saved = bag((variant(), 1), customer=customer)
    guest = bag((v, 1))
    v.product.is_active = False
    v.product.save(update_fields=["is_active"])

    sign_in(customer, cart_cookie=guest.pk)

    assert v.pk not in quantities(saved)


def test_an_empty_guest_bag_is_simply_dropped(customer):
    saved = bag((variant(), 1), customer=customer)
    guest = create_cart(ip_address=None)

    request = sign_in(customer, cart_cookie=guest.pk)

    assert not Cart.objects.filter(pk=guest.pk).exists()
    assert notes(request) == []
    assert get_cart_for_request(request) == saved


def test_sign_in_without_a_cart_cookie_leaves_the_saved_bag_alone(customer):
    saved = bag((variant(), 2), customer=customer)

    request = sign_in(customer)

    assert get_cart_for_request(request) == saved and cart_count_for_request(request) == 2


@pytest.mark.promise("P12")
def test_sign_in_never_takes_another_customers_bag(customer, other_customer):
    # given a cookie that names another customer's bag
    theirs = bag((variant(), 2), customer=other_customer)

    # when
    request = sign_in(customer, cart_cookie=theirs.pk)

    # then it stays theirs
    theirs.refresh_from_db()
    assert theirs.customer == other_customer
    assert get_cart_for_request(request) is None


def test_a_checked_out_guest_bag_is_not_merged(customer):
    guest = bag((variant(), 1))
    Cart.objects.filter(pk=guest.pk).update(checked_out_at=timezone.now())

    sign_in(customer, cart_cookie=guest.pk)

    guest.refresh_from_db()
    assert guest.customer is None


@pytest.mark.parametrize("cookie", ["not-a-uuid", "", "00000000-0000-0000-0000-000000000000"])
def test_a_bad_cart_cookie_at_sign_in_is_ignored(customer, cookie):
    saved = bag((variant(), 1), customer=customer)

    request = sign_in(customer, cart_cookie=cookie)

    assert get_cart_for_request(request) == saved


def test_merging_twice_is_harmless(customer):
    v = variant()
    guest = bag((v, 2))
    saved = bag((v, 1), customer=customer)

    merge_guest_cart(guest_cart_id=guest.pk, customer=customer, ip_address=None)
    again = merge_guest_cart(guest_cart_id=guest.pk, customer=customer, ip_address=None)

    assert again.cart is None and quantities(saved) == {v.pk: 3}


def test_a_signed_in_customers_leftover_cart_cookie_is_dropped(client, customer):
    # given the cookie of a guest bag that was merged away at sign-in
    v = variant()
    guest = bag((v, 1))
    bag((v, 1), customer=customer)
    sign_in(customer, cart_cookie=guest.pk)
    client.force_login(customer)
    client.cookies[COOKIE] = str(guest.pk)

    # when
    response = client.get("/cart/")

    # then the account's bag shows and the stale cookie is deleted
    assert response.context["review"].item_count == 2
    assert response.cookies[COOKIE]["max-age"] == 0


# --- sign-out ---------------------------------------------------------------------------


def test_after_sign_out_the_visitor_is_a_fresh_guest_and_the_bag_waits_for_them(client, customer):
    # given a guest bag adopted at sign-in, whose id the browser still carries
    v = variant()
    guest = bag((v, 2))
    sign_in(customer, cart_cookie=guest.pk)
    client.force_login(customer)
    assert client.get("/").context["cart_count"] == 2

    # when the customer signs out (the browser keeps its old cart cookie)
    client.logout()
    client.cookies[COOKIE] = str(guest.pk)
    page = client.get("/cart/")

    # then the bag is not shown, nor changeable, and the cookie is dropped
    assert page.context["review"].is_empty
    assert page.cookies[COOKIE]["max-age"] == 0
    client.post(f"/cart/lines/{guest.lines.get().pk}/", {"quantity": 1})
    assert quantities(guest) == {v.pk: 2}

    # and the next sign-in brings it back
    client.force_login(customer)
    assert client.get("/cart/").context["review"].item_count == 2


def test_logout_forgets_the_bag_for_the_rest_of_the_request(customer):
    bag((variant(), 2), customer=customer)
    request = sign_in(customer)
    assert cart_count_for_request(request) == 2

    logout(request)

    assert get_cart_for_request(request) is None
    assert cart_count_for_request(request) == 0
