"""My Account isolation (P12): nobody reaches another customer's data by guessing a URL."""

import pytest
from django.test import Client
from django.urls import reverse

from vivre.accounts import services
from vivre.accounts.models import Address, User
from vivre.orders.models import Order
from vivre.orders.testing import make_order
from vivre.privacy.consent import Channel, Purpose, record_consent, subject_key_for_customer
from vivre.privacy.models import ConsentRecord

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P12")]

ADDRESS = {
    "name": "Grace Hopper",
    "line1": "5 Navy Yard",
    "line2": "",
    "city": "Arlington",
    "state": "VA",
    "postal_code": "22202",
}


@pytest.fixture
def ada():
    return User.objects.create_user("ada@example.com", "correct horse battery", full_name="Ada")


@pytest.fixture
def grace():
    return User.objects.create_user("grace@example.com", "another long password")


@pytest.fixture
def graces_address(grace):
    return services.add_address(user=grace, values=dict(ADDRESS))


@pytest.fixture
def graces_order(grace):
    order = make_order(email="grace@example.com")
    Order.objects.filter(pk=order.pk).update(customer=grace)
    return order


@pytest.fixture
def as_ada(client, ada):
    client.force_login(ada)
    return client


def test_another_customers_address_is_not_found_on_every_route(as_ada, graces_address):
    pk = graces_address.pk
    assert as_ada.get(f"/account/addresses/{pk}/").status_code == 404
    assert as_ada.post(f"/account/addresses/{pk}/", {**ADDRESS, "line1": "X"}).status_code == 404
    assert as_ada.post(f"/account/addresses/{pk}/delete/").status_code == 404
    assert as_ada.post(f"/account/addresses/{pk}/default/", {"kind": "billing"}).status_code == 404
    # and nothing of it changed
    graces_address.refresh_from_db()
    assert graces_address.line1 == "5 Navy Yard"
    assert graces_address.is_default_billing
    assert "5 Navy Yard" not in as_ada.get("/account/addresses/").content.decode()
    assert "5 Navy Yard" not in as_ada.get("/account/").content.decode()


def test_a_default_set_by_one_customer_never_touches_anothers(as_ada, ada, graces_address):
    mine = services.add_address(user=ada, values={**ADDRESS, "name": "Ada"})
    second = services.add_address(user=ada, values={**ADDRESS, "line1": "2 Other St"})
    as_ada.post(f"/account/addresses/{second.pk}/default/", {"kind": "shipping"})
    graces_address.refresh_from_db()
    mine.refresh_from_db()
    assert graces_address.is_default_shipping and graces_address.is_default_billing
    assert not mine.is_default_shipping


def test_another_customers_order_is_not_found(as_ada, graces_order):
    assert as_ada.get(f"/account/orders/{graces_order.number}/").status_code == 404
    assert graces_order.number not in as_ada.get("/account/orders/").content.decode()
    assert graces_order.number not in as_ada.get("/account/").content.decode()


def test_another_customers_preferences_are_neither_shown_nor_changed(as_ada, ada, grace):
    # given Grace said yes to partner offers
    record_consent(
        subject_key=subject_key_for_customer(grace.pk), purpose=Purpose.PARTNER_OFFERS,
        granted=True, channel=Channel.REGISTRATION,
    )  # fmt: skip
    # when Ada looks and changes her own
    page = as_ada.get("/account/preferences/").content.decode()
    as_ada.post("/account/preferences/", {"purpose": Purpose.PARTNER_OFFERS, "granted": "0"})
    # then Ada sees none of Grace's choices, and Grace's stand
    assert "Registration form" not in page
    assert page.count('name="granted" value="1"') == len(Purpose)
    graces = ConsentRecord.objects.filter(subject_key=subject_key_for_customer(grace.pk))
    assert [(r.granted, r.channel) for r in graces] == [(True, Channel.REGISTRATION)]


@pytest.mark.parametrize(
    "name",
    ["overview", "profile", "email_change", "addresses", "address_add", "orders", "preferences"],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    url = reverse(f"accounts:{name}")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))
    assert "next=" in response.url


def test_anonymous_visitors_reach_no_address_or_order(client, graces_address, graces_order):
    urls = [
        ("get", f"/account/addresses/{graces_address.pk}/"),
        ("post", f"/account/addresses/{graces_address.pk}/delete/"),
        ("post", f"/account/addresses/{graces_address.pk}/default/"),
        ("get", f"/account/orders/{graces_order.number}/"),
    ]
    for method, url in urls:
        response = getattr(client, method)(url, {"kind": "shipping"} if method == "post" else {})
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:sign_in"))
    assert Address.objects.filter(pk=graces_address.pk).exists()


def test_every_account_form_refuses_a_post_without_csrf_token(ada):
    address = services.add_address(user=ada, values=dict(ADDRESS))
    client = Client(enforce_csrf_checks=True)
    client.force_login(ada)
    for url in (
        "/account/profile/",
        "/account/email/",
        "/account/addresses/new/",
        f"/account/addresses/{address.pk}/",
        f"/account/addresses/{address.pk}/delete/",
        f"/account/addresses/{address.pk}/default/",
        "/account/preferences/",
    ):
        response = client.post(url, {})
        assert response.status_code == 403, url
