"""Gift certificates in the bag: added, shown, counted, removed, kept at sign-in."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import RequestFactory

from vivre.accounts.models import User
from vivre.cart.models import Cart, GiftCertificateItem
from vivre.cart.selectors import cart_count_for_request, review_cart
from vivre.cart.services import (
    CartError,
    add_gift_certificate,
    add_to_cart,
    create_cart,
    merge_guest_cart,
    remove_gift_certificate,
)
from vivre.catalog.testing import make_product
from vivre.payments.giftcertificates import shop_today

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P25")]

COOKIE = settings.VIVRE["CART_COOKIE"]


def certificate(cart, amount="100.00", name="Grace Hopper", deliver_on=None):
    return add_gift_certificate(
        cart=cart,
        amount=Decimal(amount),
        recipient_name=name,
        recipient_email="grace@example.com",
        sender_name="Ada",
        message="Happy birthday",
        deliver_on=deliver_on or shop_today(),
    )


def variant_in(cart, quantity=2, price="40.00"):
    variant = make_product(price=price, stock=10).variants.get()
    add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    return variant


def guest_client(client, cart):
    client.cookies[COOKIE] = str(cart.pk)
    return client


def test_review_adds_certificates_to_the_total_but_not_to_the_merchandise_subtotal():
    # given a bag with two $40 items and two certificates
    cart = create_cart(ip_address="198.51.100.1")
    variant_in(cart)
    certificate(cart, "100.00")
    certificate(cart, "25.50", name="Alan")
    # when
    review = review_cart(cart)
    # then shipping and tax still see only the merchandise
    assert review.subtotal == Decimal("80.00")
    assert review.certificates_total == Decimal("125.50")
    assert review.total == Decimal("205.50")
    assert review.item_count == 4
    assert review.merchandise_count == 2
    assert review.has_merchandise
    assert [c.recipient_name for c in review.certificates] == ["Grace Hopper", "Alan"]


def test_a_bag_of_certificates_alone_is_not_empty():
    cart = create_cart(ip_address="198.51.100.1")
    certificate(cart)
    review = review_cart(cart)
    assert not review.holds_nothing
    assert review.is_empty  # of merchandise: nothing to ship
    assert not review.has_merchandise
    assert review.subtotal == Decimal("0.00")
    assert review.total == Decimal("100.00")
    assert review.is_clean


def test_header_count_includes_certificates_in_one_query(django_assert_num_queries):
    # given
    cart = create_cart(ip_address="198.51.100.1")
    variant_in(cart, quantity=3)
    certificate(cart)
    request = RequestFactory().get("/")
    request.COOKIES[COOKIE] = str(cart.pk)
    # when / then
    with django_assert_num_queries(1):
        assert cart_count_for_request(request) == 4


def test_header_count_of_a_certificate_only_bag(client):
    cart = create_cart(ip_address="198.51.100.1")
    certificate(cart)
    certificate(cart)
    page = guest_client(client, cart).get("/cart/")
    assert page.context["cart_count"] == 2


def test_bag_page_shows_certificates_with_whom_and_when(client):
    # given one certificate for today and one for a later day
    cart = create_cart(ip_address="198.51.100.1")
    later = shop_today() + timedelta(days=40)
    certificate(cart, "100.00", name="Grace Hopper")
    certificate(cart, "60.00", name="<b>Alan</b>", deliver_on=later)
    # when
    page = guest_client(client, cart).get("/cart/")
    html = page.content.decode()
    # then
    assert page.status_code == 200
    assert "For Grace Hopper, by e-mail today" in html
    assert f"by e-mail on {later.day} {later:%B} {later.year}" in html
    assert "&lt;b&gt;Alan&lt;/b&gt;" in html and "<b>Alan</b>" not in html
    assert "$100.00" in html and "$60.00" in html
    assert "Gift certificates (2)" in html
    assert "$160.00" in html  # the subtotal
    assert html.count("/cart/gift-certificates/") == 2  # a remove button each


def test_remove_takes_the_certificate_out(client):
    cart = create_cart(ip_address="198.51.100.1")
    item = certificate(cart)
    response = guest_client(client, cart).post(f"/cart/gift-certificates/{item.pk}/remove/")
    assert response.status_code == 302
    assert not GiftCertificateItem.objects.exists()
    page = client.get("/cart/")
    assert "Gift certificate removed from your bag." in page.content.decode()
    assert page.context["cart_count"] == 0


def test_cannot_remove_a_certificate_from_someone_elses_bag(client):
    # given two guests' bags
    mine = create_cart(ip_address="198.51.100.1")
    theirs = create_cart(ip_address="198.51.100.2")
    their_item = certificate(theirs)
    # when I try to remove theirs
    guest_client(client, mine).post(f"/cart/gift-certificates/{their_item.pk}/remove/")
    # then it stays
    assert GiftCertificateItem.objects.filter(pk=their_item.pk).exists()
    with pytest.raises(CartError):
        remove_gift_certificate(cart=mine, item_id=their_item.pk)


def test_remove_needs_post(client):
    cart = create_cart(ip_address="198.51.100.1")
    item = certificate(cart)
    assert (
        guest_client(client, cart).get(f"/cart/gift-certificates/{item.pk}/remove/").status_code
        == 405
    )
    assert GiftCertificateItem.objects.exists()


def test_a_bag_holds_a_limited_number_of_certificates():
    cart = create_cart(ip_address="198.51.100.1")
    for _ in range(settings.VIVRE["CART_MAX_QUANTITY"]):
        certificate(cart)
    with pytest.raises(CartError):
        certificate(cart)
    assert GiftCertificateItem.objects.count() == settings.VIVRE["CART_MAX_QUANTITY"]


def test_service_refuses_amounts_outside_the_range():
    cart = create_cart(ip_address="198.51.100.1")
    for amount in ("0.00", "-10.00", "24.99", "2000.01"):
        with pytest.raises(ValueError):
            certificate(cart, amount)
    assert not GiftCertificateItem.objects.exists()


def test_sign_in_brings_the_guests_certificates_into_the_customers_bag():
    # given a customer with a bag, and a guest bag holding a certificate and an item
    customer = User.objects.create_user("ann@example.com", "a long pass phrase 7")
    own = create_cart(ip_address="198.51.100.1", customer=customer)
    variant_in(own)
    guest = create_cart(ip_address="198.51.100.1")
    item = certificate(guest)
    variant_in(guest, quantity=1)
    # when
    result = merge_guest_cart(guest_cart_id=guest.pk, customer=customer, ip_address=None)
    # then
    assert result.cart == own and result.combined
    item.refresh_from_db()
    assert item.cart_id == own.pk
    assert not Cart.objects.filter(pk=guest.pk).exists()
    assert review_cart(own).item_count == 4


def test_sign_in_with_only_certificates_in_the_guest_bag():
    customer = User.objects.create_user("ann@example.com", "a long pass phrase 7")
    own = create_cart(ip_address="198.51.100.1", customer=customer)
    guest = create_cart(ip_address="198.51.100.1")
    certificate(guest)
    result = merge_guest_cart(guest_cart_id=guest.pk, customer=customer, ip_address=None)
    assert result.combined
    assert [c.cart_id for c in GiftCertificateItem.objects.all()] == [own.pk]


def test_variant_lines_still_show_and_total_as_before(client):
    cart = create_cart(ip_address="198.51.100.1")
    variant_in(cart, quantity=2, price="40.00")
    page = guest_client(client, cart).get("/cart/")
    html = page.content.decode()
    assert "Items (2)" in html
    assert "Gift certificates (" not in html
    assert page.context["cart_count"] == 2
