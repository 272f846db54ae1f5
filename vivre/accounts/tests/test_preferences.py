"""My Account: every communication choice, each changed in one click (P16, P22, P23)."""

import datetime

import pytest
from django.test import Client

from vivre.accounts.models import User
from vivre.privacy.consent import (
    Channel,
    Purpose,
    current_preferences,
    has_consent,
    record_consent,
    subject_key_for_customer,
)
from vivre.privacy.models import ConsentRecord
from vivre.storefront.models import Page

pytestmark = pytest.mark.django_db

PREFS = "/account/preferences/"


@pytest.fixture
def customer():
    return User.objects.create_user("ada@example.com", "correct horse battery", full_name="Ada")


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


def key(user) -> str:
    return subject_key_for_customer(user.pk)


def test_every_purpose_is_shown_with_its_meaning_and_current_choice(signed_in, customer):
    # given one choice made at registration
    record_consent(
        subject_key=key(customer), purpose=Purpose.VIVRE_MAILINGS, granted=True,
        channel=Channel.REGISTRATION,
    )  # fmt: skip
    # when
    page = signed_in.get(PREFS).content.decode()
    # then every purpose has a one-click form that flips it, named for screen readers
    for purpose in Purpose:
        assert f'value="{purpose.value}"' in page
    assert page.count('name="granted" value="0"') == 1
    assert page.count('name="granted" value="1"') == len(Purpose) - 1
    assert 'aria-label="Turn off: News and offers from Vivre"' in page
    assert "Partners never receive your name" in page
    assert "Registration form" in page  # the history, with its channel


@pytest.mark.promise("P23", "P22", "P16")
def test_one_click_appends_a_my_account_record_and_the_page_shows_it(signed_in, customer):
    # given a published privacy policy
    Page.objects.filter(slug="privacy-policy").update(revised_on=datetime.date(2026, 1, 15))
    # when
    response = signed_in.post(
        PREFS, {"purpose": Purpose.PARTNER_OFFERS, "granted": "1"}, follow=True
    )
    # then
    record = ConsentRecord.objects.get(subject_key=key(customer))
    assert record.purpose == Purpose.PARTNER_OFFERS
    assert record.granted is True
    assert record.channel == Channel.MY_ACCOUNT
    assert record.recorded_by == "self"
    assert record.policy_version == "2026-01-15"
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == PREFS
    assert "offers, sent by Vivre: turned on." in page
    assert 'aria-label="Turn off: Partners' in page
    assert "My Account" in page
    assert has_consent(key(customer), Purpose.PARTNER_OFFERS)


@pytest.mark.promise("P23", "P16")
def test_the_newest_choice_wins_and_the_ledger_keeps_both(signed_in, customer):
    signed_in.post(PREFS, {"purpose": Purpose.VIVRE_MAILINGS, "granted": "1"})
    signed_in.post(PREFS, {"purpose": Purpose.VIVRE_MAILINGS, "granted": "0"})
    assert current_preferences(key(customer))[Purpose.VIVRE_MAILINGS] is False
    assert not has_consent(key(customer), Purpose.VIVRE_MAILINGS)
    assert ConsentRecord.objects.filter(subject_key=key(customer)).count() == 2
    page = signed_in.get(PREFS).content.decode()
    assert 'aria-label="Turn on: News and offers from Vivre"' in page
    assert page.count("<td>My Account</td>") == 2


def test_the_overview_summarises_the_choices(signed_in, customer):
    signed_in.post(PREFS, {"purpose": Purpose.PERSONALIZATION, "granted": "1"})
    page = signed_in.get("/account/").content.decode()
    assert "Suggestions based on what you bought: <strong>On</strong>" in page


@pytest.mark.parametrize(
    "data",
    [
        {"purpose": "sell_my_data", "granted": "1"},
        {"purpose": Purpose.VIVRE_MAILINGS, "granted": "yes"},
        {"purpose": Purpose.VIVRE_MAILINGS},
        {"granted": "1"},
        {},
    ],
)
def test_unknown_purpose_or_bad_choice_is_a_bad_request_and_records_nothing(signed_in, data):
    response = signed_in.post(PREFS, data)
    assert response.status_code == 400
    assert "didn’t look right" in response.content.decode()
    assert not ConsentRecord.objects.exists()


@pytest.mark.promise("P12", "P23")
def test_a_posted_subject_is_ignored_the_choice_is_the_signed_in_customers(signed_in, customer):
    other = User.objects.create_user("grace@example.com", "another long password")
    signed_in.post(
        PREFS,
        {
            "purpose": Purpose.PARTNER_OFFERS,
            "granted": "1",
            "subject_key": key(other),
            "user": other.pk,
            "customer": other.pk,
        },
    )
    assert not ConsentRecord.objects.filter(subject_key=key(other)).exists()
    assert has_consent(key(customer), Purpose.PARTNER_OFFERS)


def test_missing_csrf_token_is_refused(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    response = client.post(PREFS, {"purpose": Purpose.VIVRE_MAILINGS, "granted": "1"})
    assert response.status_code == 403
    assert not ConsentRecord.objects.exists()


def test_anonymous_is_sent_to_sign_in(client):
    from django.urls import reverse

    response = client.post(PREFS, {"purpose": Purpose.VIVRE_MAILINGS, "granted": "1"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))
    assert not ConsentRecord.objects.exists()
