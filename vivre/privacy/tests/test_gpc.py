"""Global Privacy Control (P16, P21): ``Sec-GPC: 1`` is an opt-out, remembered."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from vivre.accounts.models import User
from vivre.privacy.consent import (
    Channel,
    Purpose,
    current_preferences,
    record_consent,
    subject_key_for_customer,
)
from vivre.privacy.cookies import (
    ATTRIBUTION_COOKIE,
    CHOICE_COOKIE,
    VISITOR_COOKIE,
    read_choice_cookie,
)
from vivre.privacy.models import ConsentRecord

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P16", "P21")]

GPC = {"HTTP_SEC_GPC": "1"}
HONOURED = (
    "Your browser's Global Privacy Control signal is honoured: no tracking cookies, "
    "and no partner offers"
)


@pytest.fixture
def customer():
    return User.objects.create_user("ada@example.com", "correct horse battery", full_name="Ada")


def ledger(customer):
    rows = ConsentRecord.objects.filter(subject_key=subject_key_for_customer(customer.pk))
    return [(r.purpose, r.granted, r.channel, r.recorded_by) for r in rows.order_by("id")]


def choice_of(client) -> str:
    """Read the choice cookie the way the shop does (signed: a forged one reads as "")."""
    request = RequestFactory().get("/")
    request.COOKIES[CHOICE_COOKIE] = client.cookies[CHOICE_COOKIE].value
    return read_choice_cookie(request)


def test_a_guests_signal_is_honoured_and_remembered(client):
    # when a guest's browser sends the signal
    response = client.get("/", **GPC)
    # then the page says so, offers no banner buttons and sets no tracking cookie
    page = response.content.decode()
    assert HONOURED in page
    assert 'value="accepted">Accept</button>' not in page
    assert not {VISITOR_COOKIE, ATTRIBUTION_COOKIE} & set(response.cookies.keys())
    # and the refusal is remembered in the strictly necessary choice cookie
    assert choice_of(client) == "rejected"
    assert not ConsentRecord.objects.exists()
    # and a later request without the signal does not opt back in
    later = client.get("/?utm_source=partner")
    assert not {VISITOR_COOKIE, ATTRIBUTION_COOKIE} & set(later.cookies.keys())
    assert 'value="accepted">Accept</button>' not in later.content.decode()


def test_the_signal_overrides_an_earlier_accept_and_deletes_tracking_cookies(client):
    # given a visitor who accepted and has tracking cookies
    client.post("/privacy/cookies/", {"choice": "accepted", "next": "/"})
    client.get("/?utm_source=partner")
    assert VISITOR_COOKIE in client.cookies
    # when their browser now sends the signal
    response = client.get("/", **GPC)
    # then the tracking cookies are deleted and the refusal is remembered
    deleted = {n for n, m in response.cookies.items() if m["max-age"] == 0}
    assert {VISITOR_COOKIE, ATTRIBUTION_COOKIE} <= deleted
    assert choice_of(client) == "rejected"
    later = client.get("/").cookies
    assert not [n for n, m in later.items() if n == VISITOR_COOKIE and m["max-age"] != 0]


def test_accept_sent_with_the_signal_is_still_a_refusal(client, customer):
    client.force_login(customer)
    response = client.post("/privacy/cookies/", {"choice": "accepted", "next": "/"}, **GPC)
    assert response.status_code == 302
    assert VISITOR_COOKIE not in response.cookies
    assert choice_of(client) == "rejected"
    assert current_preferences(subject_key_for_customer(customer.pk))["tracking_cookies"] is False


def test_a_customers_signal_goes_into_the_ledger_once(client, customer):
    client.force_login(customer)
    # when the signed-in customer's browser sends the signal on several pages
    for _ in range(3):
        assert client.get("/", **GPC).status_code == 200
    client.get("/privacy/cookies/", **GPC)
    # then partner offers and tracking cookies are refused once each, on the GPC channel
    assert ledger(customer) == [
        (Purpose.PARTNER_OFFERS, False, Channel.GPC, "self"),
        (Purpose.TRACKING_COOKIES, False, Channel.GPC, "self"),
    ]
    # and later requests without the signal neither opt back in nor add rows
    client.get("/")
    client.get("/account/")
    assert len(ledger(customer)) == 2
    prefs = current_preferences(subject_key_for_customer(customer.pk))
    assert prefs["partner_offers"] is False and prefs["tracking_cookies"] is False
    assert choice_of(client) == "rejected"


def test_the_signal_turns_off_an_earlier_yes_but_leaves_other_choices(client, customer):
    key = subject_key_for_customer(customer.pk)
    for purpose in (Purpose.PARTNER_OFFERS, Purpose.VIVRE_MAILINGS):
        record_consent(subject_key=key, purpose=purpose, granted=True, channel=Channel.MY_ACCOUNT)
    record_consent(
        subject_key=key, purpose=Purpose.TRACKING_COOKIES, granted=False,
        channel=Channel.COOKIE_BANNER,
    )  # fmt: skip
    client.force_login(customer)
    client.get("/", **GPC)
    client.get("/", **GPC)
    # then only the yes to partner offers is turned off; mailings stay as chosen
    new = ConsentRecord.objects.filter(subject_key=key, channel=Channel.GPC)
    assert [(r.purpose, r.granted) for r in new] == [(Purpose.PARTNER_OFFERS, False)]
    assert current_preferences(key)["vivre_mailings"] is True


@pytest.mark.parametrize("value", ["0", "", "true", "yes"])
def test_other_header_values_are_no_signal(client, customer, value):
    client.force_login(customer)
    page = client.get("/", HTTP_SEC_GPC=value).content.decode()
    assert HONOURED not in page
    assert not ConsentRecord.objects.exists()
    assert CHOICE_COOKIE not in client.cookies


def test_gpc_json_declares_support(client):
    response = client.get("/.well-known/gpc.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["gpc"] is True
    assert len(body["lastUpdate"]) == 10 and body["lastUpdate"][4] == "-"
    # it sets no cookie, and only GET (and HEAD) are answered
    assert not response.cookies
    assert client.head("/.well-known/gpc.json").status_code == 200
    assert client.post("/.well-known/gpc.json").status_code == 405
