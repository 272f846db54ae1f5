"""Opting out by phone through customer care (P16, P23), and the four channels agreeing."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from vivre.accounts.models import User
from vivre.marketing.tests.test_campaign_sending import customer, mailed, make_campaign, send_all
from vivre.marketing.unsubscribe import make_token
from vivre.messaging.inbound import process_inbound
from vivre.privacy.consent import (
    Channel,
    Purpose,
    current_preferences,
    subject_key_for_customer,
    subject_key_for_email,
)
from vivre.privacy.datamap import customer_keys
from vivre.privacy.models import ConsentRecord

from .conftest import make_order

pytestmark = pytest.mark.django_db

URL = "/staff/care/opt-outs/phone/"
VIVRE = Purpose.VIVRE_MAILINGS
PARTNER = Purpose.PARTNER_OFFERS


def test_the_url_is_named():
    assert reverse("care:phone_opt_out") == URL


@pytest.mark.promise("P23")
def test_the_care_index_links_to_the_form(care_client):
    assert URL in care_client.get("/staff/care/").content.decode()


@pytest.mark.promise("P16", "P23")
def test_a_phone_opt_out_is_recorded_on_every_key_with_who_took_the_call(care_client, carer):
    # given a customer who said yes to both
    user = customer("caller@example.com", VIVRE, PARTNER)
    # when care records a phone opt-out of both, the address typed in another case
    response = care_client.post(URL, {"email": " Caller@Example.com ", "mailings": "both"})
    # then
    assert response.status_code == 302
    for key in (subject_key_for_customer(user.pk), subject_key_for_email("caller@example.com")):
        assert current_preferences(key)[VIVRE] is False
        assert current_preferences(key)[PARTNER] is False
    newest = ConsentRecord.objects.filter(channel=Channel.PHONE)
    assert newest.count() == 4
    assert {r.recorded_by for r in newest} == {carer.get_username()}
    page = care_client.get(response["Location"]).content.decode()
    assert "The opt-out is recorded" in page
    assert "caller@example.com" not in page.lower()


@pytest.mark.promise("P16", "P23")
def test_one_kind_of_mailing_can_be_stopped_alone(care_client):
    user = customer("caller@example.com", VIVRE, PARTNER)
    care_client.post(URL, {"email": "caller@example.com", "mailings": PARTNER})
    prefs = current_preferences(subject_key_for_customer(user.pk))
    assert prefs[VIVRE] is True
    assert prefs[PARTNER] is False


@pytest.mark.promise("P23")
def test_a_guest_known_only_by_an_order_is_opted_out_by_address(care_client):
    make_order(email="guest@example.com")
    care_client.post(URL, {"email": "guest@example.com", "mailings": VIVRE})
    assert current_preferences(subject_key_for_email("guest@example.com"))[VIVRE] is False


@pytest.mark.promise("P23")
def test_the_page_never_says_whether_the_address_is_known(care_client):
    customer("known@example.com", VIVRE)
    known = care_client.post(URL, {"email": "known@example.com", "mailings": "both"}, follow=True)
    unknown = care_client.post(
        URL, {"email": "nobody@example.com", "mailings": "both"}, follow=True
    )
    assert known.status_code == unknown.status_code == 200
    assert _without_tokens(known) == _without_tokens(unknown)


def _without_tokens(response) -> str:
    """Return the page without its CSRF tokens (masked afresh on every render)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"email": "not an address", "mailings": "both"},
        {"email": "a@example.com", "mailings": "everything"},
        {"email": "a" * 300 + "@example.com", "mailings": "both"},
        {"email": "a@example.com"},
    ],
)
def test_bad_input_shows_the_form_again_and_records_nothing(care_client, data):
    response = care_client.post(URL, data)
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
    assert not ConsentRecord.objects.exists()


def test_the_form_renders_for_care(care_client):
    page = care_client.get(URL).content.decode()
    assert 'maxlength="254"' in page
    assert "Record the opt-out" in page


def test_only_care_staff_may_record(client, packer):
    assert client.get(URL).status_code == 302  # to sign in
    client.force_login(packer)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"email": "a@example.com", "mailings": "both"}).status_code == 403
    shopper = User.objects.create_user("shopper@example.com", password="pw-for-tests-1")
    client.force_login(shopper)
    assert client.post(URL, {"email": "a@example.com", "mailings": "both"}).status_code == 403
    assert not ConsentRecord.objects.exists()


def test_a_post_without_csrf_is_refused(carer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(carer)
    assert client.post(URL, {"email": "a@example.com", "mailings": "both"}).status_code == 403
    assert not ConsentRecord.objects.exists()


# --- all four channels end in the same preference, honoured by the next send ----------


def _my_account(user, care_client):
    client = Client()
    client.force_login(user)
    response = client.post("/account/preferences/", {"purpose": VIVRE, "granted": "0"})
    assert response.status_code == 302


def _one_click(user, care_client):
    token = make_token(subject_keys=customer_keys(user), purpose=VIVRE)
    response = Client().post(
        reverse("unsubscribe:one_click", args=[token]), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200


def _email(user, care_client):
    raw = (
        f"From: {user.email}\r\nTo: care@vivre.example\r\nSubject: unsubscribe\r\n"
        "Message-ID: <four-channels@mail.example.com>\r\n\r\nPlease stop.\r\n"
    ).encode()
    assert process_inbound(raw) == "opted_out"


def _phone(user, care_client):
    response = care_client.post(URL, {"email": user.email, "mailings": "both"})
    assert response.status_code == 302


@pytest.mark.promise("P16", "P23")
@pytest.mark.parametrize(
    ("opt_out", "channel"),
    [
        (_my_account, Channel.MY_ACCOUNT),
        (_one_click, Channel.ONE_CLICK),
        (_email, Channel.EMAIL),
        (_phone, Channel.PHONE),
    ],
    ids=["my-account", "one-click", "email", "phone"],
)
def test_every_channel_ends_in_the_same_preference_and_the_next_send_skips_them(
    opt_out, channel, care_client
):
    # given two customers who said yes, and a first campaign that reached both
    leaving = customer("leaving@example.com", VIVRE)
    customer("staying@example.com", VIVRE)
    send_all(make_campaign(name="First"))
    assert mailed() == ["leaving@example.com", "staying@example.com"]
    # when one opts out on this channel
    opt_out(leaving, care_client)
    # then the ledger holds the same choice, on the channel used
    newest = ConsentRecord.objects.filter(subject_key__in=customer_keys(leaving), purpose=VIVRE)
    assert newest.order_by("-id").first().channel == channel
    assert not newest.order_by("-id").first().granted
    # and the very next send skips them
    campaign = make_campaign(name="Second")
    send_all(campaign)
    assert mailed(campaign) == ["staying@example.com"]
