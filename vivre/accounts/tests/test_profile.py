"""My Account: the overview, and changing the name and telephone numbers (P4, P23)."""

import pytest
from django.test import Client
from django.urls import reverse

from vivre.accounts.models import Address, User
from vivre.orders.models import Order
from vivre.orders.testing import make_order
from vivre.privacy.consent import Channel, Purpose, record_consent, subject_key_for_customer

pytestmark = pytest.mark.django_db

PROFILE = "/account/profile/"


@pytest.fixture
def customer():
    return User.objects.create_user(
        "ada@example.com", "correct horse battery", full_name="Ada Lovelace",
        day_phone="+12125550148",
    )  # fmt: skip


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


def profile_data(**overrides):
    return {
        "full_name": "Ada King",
        "day_phone": "(212) 555-0199",
        "evening_phone": "",
        **overrides,
    }


def test_profile_shows_the_stored_values_with_the_number_as_people_write_it(signed_in):
    page = signed_in.get(PROFILE).content.decode()
    assert 'value="Ada Lovelace"' in page
    assert 'value="(212) 555-0148"' in page
    assert "ada@example.com" in page
    assert 'aria-current="page">Name and telephone' in page


@pytest.mark.promise("P23", "P4")
def test_changing_name_and_phones_stores_them_in_e164(signed_in, customer):
    # when
    response = signed_in.post(
        PROFILE, profile_data(day_phone="", evening_phone="+44 20 7946 0958"), follow=True
    )
    # then
    assert response.redirect_chain[-1][0] == PROFILE
    customer.refresh_from_db()
    assert customer.full_name == "Ada King"
    assert customer.day_phone == ""
    assert customer.evening_phone == "+442079460958"
    page = response.content.decode()
    assert "are saved" in page
    assert 'value="+44 20 7946 0958"' in page


def test_malformed_phone_is_an_error_beside_the_field_and_nothing_is_saved(signed_in, customer):
    response = signed_in.post(PROFILE, profile_data(day_phone="12345"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_day_phone-error"' in page
    assert "Enter a telephone number" in page
    customer.refresh_from_db()
    assert (customer.full_name, customer.day_phone) == ("Ada Lovelace", "+12125550148")


def test_no_phone_at_all_is_refused(signed_in, customer):
    response = signed_in.post(PROFILE, profile_data(day_phone="", evening_phone=""))
    assert response.status_code == 400
    assert "at least one number" in response.content.decode()
    customer.refresh_from_db()
    assert customer.day_phone == "+12125550148"


def test_overlong_name_is_an_error_beside_the_field(signed_in, customer):
    response = signed_in.post(PROFILE, profile_data(full_name="A" * 101))
    assert response.status_code == 400
    assert 'id="id_full_name-error"' in response.content.decode()
    customer.refresh_from_db()
    assert customer.full_name == "Ada Lovelace"


def test_an_empty_post_is_refused_with_errors_beside_the_fields(signed_in, customer):
    response = signed_in.post(PROFILE, {})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_full_name-error"' in page and 'id="id_day_phone-error"' in page
    customer.refresh_from_db()
    assert customer.full_name == "Ada Lovelace"


def test_blank_name_is_refused(signed_in):
    response = signed_in.post(PROFILE, profile_data(full_name="   "))
    assert response.status_code == 400
    assert 'id="id_full_name-error"' in response.content.decode()


def test_markup_in_the_name_is_stored_as_typed_and_shown_escaped(signed_in, customer):
    signed_in.post(PROFILE, profile_data(full_name="<script>alert(1)</script>"))
    customer.refresh_from_db()
    assert customer.full_name == "<script>alert(1)</script>"
    for url in (PROFILE, "/account/"):
        page = signed_in.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_missing_csrf_token_is_refused(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    response = client.post(PROFILE, profile_data())
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.full_name == "Ada Lovelace"


def test_overview_greets_by_name_and_shows_defaults_orders_choices_and_links(signed_in, customer):
    # given two addresses, four orders and one choice
    Address.objects.create(
        user=customer, name="Ada Lovelace", line1="11 Mercer Street", city="New York",
        state="NY", postal_code="10013", is_default_shipping=True,
    )  # fmt: skip
    Address.objects.create(
        user=customer, name="Ada Lovelace", line1="1 Billing Road", city="Boston",
        state="MA", postal_code="02108", is_default_billing=True,
    )  # fmt: skip
    orders = [make_order() for _ in range(4)]
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(customer=customer)
    record_consent(
        subject_key=subject_key_for_customer(customer.pk),
        purpose=Purpose.VIVRE_MAILINGS,
        granted=True,
        channel=Channel.REGISTRATION,
    )
    # when
    page = signed_in.get("/account/").content.decode()
    # then
    assert "Hello, Ada Lovelace" in page
    assert "11 Mercer Street" in page and "1 Billing Road" in page
    assert "(212) 555-0148" in page
    newest = Order.objects.filter(customer=customer).order_by("-created_at")
    for order in newest[:3]:
        assert order.number in page
    assert newest[3].number not in page
    assert "News and offers from Vivre: <strong>On</strong>" in page
    assert "offers, sent by Vivre: <strong>Off</strong>" in page
    for name in ("orders", "profile", "addresses", "preferences", "privacy", "email_change"):
        assert f'href="{reverse(f"accounts:{name}")}"' in page
    assert 'href="/service/privacy-policy/"' in page
