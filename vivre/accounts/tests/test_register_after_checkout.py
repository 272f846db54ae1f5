"""A guest may keep an order's details as an account, with the order in it (P4, P22)."""

from __future__ import annotations

import pytest
from django.test import Client

from vivre.accounts.models import User
from vivre.accounts.registration import confirmation_link
from vivre.accounts.tests.test_registration import PASSWORD, make_customer
from vivre.checkout.views import PLACED_ORDERS_KEY
from vivre.messaging.models import Message
from vivre.orders.services import AddressData
from vivre.orders.testing import make_order
from vivre.privacy.consent import Channel, Purpose, subject_key_for_customer
from vivre.privacy.models import ConsentRecord

pytestmark = pytest.mark.django_db


def placed_in(client, order) -> None:
    """Make ``client`` the browser that placed ``order``."""
    session = client.session
    session[PLACED_ORDERS_KEY] = [str(order.pk)]
    session.save()


def offer_url(order) -> str:
    return f"/account/register/from-order/{order.number}/"


def save_details(client, order, **extra):
    data = {"password1": PASSWORD, "password2": PASSWORD, **extra}
    return client.post(offer_url(order), data)


def test_thank_you_page_offers_an_account_to_a_guest_only(client):
    order = make_order()
    placed_in(client, order)
    page = client.get(f"/checkout/confirmation/{order.number}/").content.decode()
    assert "Save your details for next time" in page
    assert f'action="{offer_url(order)}"' in page
    assert 'name="vivre_mailings"' in page and 'name="partner_offers"' in page
    assert "checked" not in page.split("account-offer", 1)[1].split("</section>", 1)[0]
    # a signed-in customer is not offered one
    client.force_login(make_customer(email="someone@example.org"))
    placed_in(client, order)
    page = client.get(f"/checkout/confirmation/{order.number}/").content.decode()
    assert "Save your details for next time" not in page


@pytest.mark.promise("P4", "P22")
def test_a_guest_order_becomes_an_unconfirmed_account_with_the_order(client):
    # given a guest's order with a different billing address
    billing = AddressData(
        name="Ada King", line1="1 Main Street", line2="", city="Hudson", state="NY",
        postal_code="12534",
    )  # fmt: skip
    order = make_order(billing_address=billing)
    placed_in(client, order)
    # when they choose a password and tick partner offers only
    response = save_details(client, order, partner_offers="on")
    # then the same page as a registration
    assert response.status_code == 302
    assert response["Location"] == "/account/register/sent/"
    user = User.objects.get(email="ada@example.com")
    assert not user.is_active
    assert user.check_password(PASSWORD)
    assert user.full_name == "Ada King"
    assert user.day_phone == "+12125550148"
    shipping = user.addresses.get(is_default_shipping=True)
    billing_row = user.addresses.get(is_default_billing=True)
    assert (shipping.line1, billing_row.line1) == ("11 Mercer Street", "1 Main Street")
    order.refresh_from_db()
    assert order.customer_id == user.pk
    records = ConsentRecord.objects.filter(subject_key=subject_key_for_customer(user.pk))
    assert {(r.purpose, r.granted, r.channel) for r in records} == {
        (Purpose.VIVRE_MAILINGS, False, Channel.REGISTRATION),
        (Purpose.PARTNER_OFFERS, True, Channel.REGISTRATION),
    }
    [mail] = Message.objects.all()
    assert mail.kind == "account.confirm"
    # and the link activates it: the order is in the account
    client.post(confirmation_link(user=user, base_url=""))
    user.refresh_from_db()
    assert user.is_active
    assert list(user.orders.all()) == [order]


def test_same_billing_and_shipping_make_one_address(client):
    order = make_order()
    placed_in(client, order)
    save_details(client, order)
    [address] = User.objects.get().addresses.all()
    assert address.is_default_shipping and address.is_default_billing


def test_an_order_not_placed_in_this_browser_is_a_404(client):
    order = make_order()
    placed_in(client, make_order(email="other@example.com"))
    assert save_details(client, order).status_code == 404
    assert save_details(Client(), order).status_code == 404
    assert client.post("/account/register/from-order/NOPE123/", {}).status_code == 404
    order.refresh_from_db()
    assert order.customer is None
    assert not User.objects.exists()


def test_an_active_account_with_the_e_mail_gets_the_order_and_a_note(client):
    # given an active customer, and a guest order placed with their address
    customer = make_customer()
    password_hash = customer.password
    order = make_order()
    placed_in(client, order)
    # when the guest saves their details
    response = save_details(client, order, vivre_mailings="on")
    # then the same answer, no new account, nothing changed but the order's owner
    assert response.status_code == 302
    assert response["Location"] == "/account/register/sent/"
    assert User.objects.count() == 1
    customer.refresh_from_db()
    assert customer.password == password_hash
    assert not ConsentRecord.objects.exists()
    order.refresh_from_db()
    assert order.customer_id == customer.pk
    [note] = Message.objects.all()
    assert note.kind == "account.order_added"
    assert note.to_address == "ada@example.com"
    assert order.number in note.text_body


def test_bad_password_re_renders_with_errors_and_saves_nothing(client):
    order = make_order()
    placed_in(client, order)
    response = save_details(client, order, password2="something different 5")
    assert response.status_code == 200
    assert 'id="id_password2-error"' in response.content.decode()
    response = save_details(client, order, password1="short", password2="short")
    assert 'id="id_password1-error"' in response.content.decode()
    response = save_details(client, order, password1="x" * 300, password2="x" * 300)
    assert 'id="id_password1-error"' in response.content.decode()
    assert not User.objects.exists()
    assert not ConsentRecord.objects.exists()
    order.refresh_from_db()
    assert order.customer is None


def test_missing_csrf_token_is_refused(db):
    order = make_order()
    client = Client(enforce_csrf_checks=True)
    placed_in(client, order)
    assert save_details(client, order).status_code == 403
    assert not User.objects.exists()
