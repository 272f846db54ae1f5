"""My Account → Saved cards (P7): masked cards only, delete, isolation between customers."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from vivre.accounts.models import User
from vivre.payments import saved_cards
from vivre.payments.cards import CardDetails
from vivre.payments.models import SavedCard

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P7")]

LIST = "/account/cards/"
NUMBER = "4242424242424242"


@pytest.fixture(autouse=True)
def key_file(settings, tmp_path):
    path = tmp_path / "card_keys.json"
    settings.VIVRE = {**settings.VIVRE, "CARD_KEYS": "", "CARD_KEY_FILE": str(path)}
    return path


@pytest.fixture
def ada():
    return User.objects.create_user("ada@example.com", "correct horse battery", full_name="Ada")


@pytest.fixture
def grace():
    return User.objects.create_user("grace@example.com", "correct horse battery", full_name="Grace")


@pytest.fixture
def signed_in(client, ada):
    client.force_login(ada)
    return client


def save(customer, number=NUMBER, month=12, year=2030) -> SavedCard:
    card = CardDetails(number=number, exp_month=month, exp_year=year, cvv="123", name="")
    return saved_cards.save_card(customer=customer, card=card)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


def delete_url(card) -> str:
    return reverse("cards:delete", args=[card.pk])


def test_the_page_lists_cards_masked_with_their_expiry(signed_in, ada):
    save(ada, NUMBER, 12, 2030)
    save(ada, "5555555555554444", 3, 2031)
    response = signed_in.get(LIST)
    assert response.status_code == 200
    assert reverse("cards:list") == LIST
    text = text_of(response)
    assert "Visa •••• 4242, expires 12/30" in text
    assert "Mastercard •••• 4444, expires 03/31" in text
    page = response.content.decode()
    assert NUMBER not in page and "5555555555554444" not in page
    assert NUMBER[:6] not in page  # not even the first digits
    assert 'aria-current="page">Saved cards' in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_an_expired_card_is_marked_as_such(signed_in, ada):
    save(ada, NUMBER, 1, 2020)
    assert "This card has expired" in text_of(signed_in.get(LIST))


def test_the_empty_page_explains_when_and_how_cards_are_saved(signed_in):
    text = text_of(signed_in.get(LIST))
    assert "You have no saved cards" in text
    assert "only when you tick the box" in text
    assert "encrypted" in text
    assert "security code is never saved" in text


def test_a_customer_sees_only_their_own_cards(signed_in, grace):
    save(grace, "378282246310005")
    text = text_of(signed_in.get(LIST))
    assert "0005" not in text
    assert "You have no saved cards" in text


def test_delete_removes_the_card(signed_in, ada):
    card = save(ada)
    response = signed_in.post(delete_url(card), follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert not SavedCard.objects.exists()
    assert "The card is deleted" in text_of(response)


def test_another_customers_card_cannot_be_deleted(signed_in, grace):
    graces = save(grace)
    assert signed_in.post(delete_url(graces)).status_code == 404
    assert signed_in.post(reverse("cards:delete", args=[uuid.uuid4()])).status_code == 404
    assert signed_in.post(f"{LIST}not-a-card/delete/").status_code == 404
    assert SavedCard.objects.filter(pk=graces.pk).exists()


def test_delete_takes_a_post_only(signed_in, ada):
    card = save(ada)
    assert signed_in.get(delete_url(card)).status_code == 405
    assert SavedCard.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, ada):
    card = save(ada)
    for response in (client.get(LIST), client.post(delete_url(card))):
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:sign_in"))
    assert SavedCard.objects.exists()


def test_delete_without_a_csrf_token_is_refused(ada):
    card = save(ada)
    client = Client(enforce_csrf_checks=True)
    client.force_login(ada)
    response = client.post(delete_url(card))
    assert response.status_code == 403
    assert SavedCard.objects.exists()
    # and the page's own form carries its token
    assert "csrfmiddlewaretoken" in client.get(LIST).content.decode()
