"""Who saw your data: the customer's own access and disclosure log (access transparency)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from vivre.accounts.models import User
from vivre.care import services as care
from vivre.core.staff import Role
from vivre.orders.testing import make_order
from vivre.payments import saved_cards
from vivre.payments.cards import CardDetails
from vivre.privacy.access import read_personal
from vivre.privacy.datamap import Use
from vivre.privacy.disclosure import Purpose, disclose, subject_key_for_order
from vivre.privacy.models import AccessRecord, DisclosureRecord

pytestmark = pytest.mark.django_db

URL = "/account/access/"


def shopper(email: str) -> User:
    return User.objects.create_user(email, password="pw-for-tests-1", full_name="Ada Lovelace")


def care_staff(name: str = "Grace Hopper") -> User:
    staff = User.objects.create_user(
        "grace@staff.example", password="pw-for-tests-1", is_staff=True, full_name=name
    )
    staff.groups.add(Group.objects.get(name=Role.CARE))
    return staff


def phone_reveal(order, staff) -> None:
    issue = care.open_issue(order=order, actor=staff, summary="Parcel arrived damaged")
    care.reveal_phone(issue=issue, actor=staff)


def ship(order) -> None:
    disclose(
        recipient="carrier",
        payload={"name": "Ada Lovelace", "address": {"line1": "1 Main St", "postal_code": "10013"}},
        subject_key=subject_key_for_order(order),
        purpose=Purpose.DELIVERY,
        basis=DisclosureRecord.Basis.CONTRACT,
        reference=f"order {order.number} shipment",
    )


@pytest.fixture
def ada(client):
    user = shopper("ada@example.com")
    client.force_login(user)
    return user


@pytest.mark.promise("P6", "P7", "P17")
def test_the_page_lists_staff_reveals_billing_decryptions_and_disclosures(client, ada):
    # given a care associate revealed Ada's phone for an issue on her order
    order = make_order(customer=ada, email=ada.email, phone="+16465550173")
    phone_reveal(order, care_staff())
    # and checkout opened her saved card to bill her
    card = saved_cards.save_card(
        customer=ada,
        card=CardDetails(number="4242424242424242", exp_month=12, exp_year=2030, cvv="", name=""),
    )
    saved_cards.card_for_charge(saved_card=card, cvv="123", actor="checkout")
    # and the carrier got her name and address
    ship(order)
    # when
    response = client.get(URL)
    page = response.content.decode()
    # then each is listed: who, what, why
    assert response.status_code == 200
    assert "Grace Hopper" in page and "Vivre staff" in page
    assert f"Your telephone number, on your order {order.number}" in page
    assert "To help with an issue on your order" in page
    assert "Vivre&#x27;s checkout, while you paid" in page
    assert "Your card details, on your saved card" in page
    assert "To bill you for an order" in page
    assert "The parcel carrier" in page
    assert "Passed on: Your address and your name" in page
    assert "To deliver your order" in page
    assert "needed to fulfil your order" in page
    # and no values: neither the phone, nor the card, nor the address
    assert "5550173" not in page and "4242" not in page and "Main St" not in page


@pytest.mark.promise("P6")
def test_another_customers_records_never_appear(client, ada):
    # given Bob's phone was revealed and his parcel shipped
    bob = shopper("bob@example.com")
    bobs_order = make_order(customer=bob, email=bob.email)
    phone_reveal(bobs_order, care_staff("Bobs Carer"))
    ship(bobs_order)
    # and a guest order with another address too
    ship(make_order(email="guest@example.com"))
    # when Ada looks
    page = client.get(URL).content.decode()
    # then she sees nothing of theirs
    assert "Bobs Carer" not in page
    assert bobs_order.number not in page
    assert "parcel carrier" not in page
    assert "Nobody has looked at your sensitive details" in page


def test_a_guest_order_placed_with_her_address_counts_as_hers(client, ada):
    order = make_order(email="ADA@example.com")
    ship(order)
    assert "The parcel carrier" in client.get(URL).content.decode()


def test_the_log_is_paginated_newest_first(client, ada):
    order = make_order(customer=ada, email=ada.email)
    for n in range(30):
        read_personal(order, "phone", purpose=Use.CUSTOMER_CARE, actor="system", reason=f"r{n}")
    first = client.get(URL).content.decode()
    assert "30 records, page 1 of 2" in first
    assert first.count("Looked at:") == 25
    second = client.get(URL, {"page": "2"}).content.decode()
    assert second.count("Looked at:") == 5
    # Bad page numbers never fail.
    for bad in ("x", "999", "-1", "1" * 400):
        assert client.get(URL, {"page": bad}).status_code == 200
    assert AccessRecord.objects.count() == 30


def test_the_page_is_for_signed_in_customers_only(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "sign-in" in response["Location"] or "login" in response["Location"]


def test_post_is_refused(client, ada):
    assert client.post(URL).status_code == 405


def test_the_your_data_page_links_to_it(client, ada):
    assert URL in client.get("/account/privacy/").content.decode()
