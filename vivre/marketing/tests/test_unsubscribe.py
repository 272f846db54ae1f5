"""One-click unsubscribe (P16, RFC 8058): GET asks, a cookieless POST unsubscribes."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.test import Client

from vivre.marketing import unsubscribe
from vivre.privacy.consent import Channel, Purpose, current_preferences, record_consent
from vivre.privacy.models import ConsentRecord

pytestmark = pytest.mark.django_db

KEYS = ["customer:7", "email:0123456789abcdef"]
DAY = 24 * 3600


def link(purpose=Purpose.VIVRE_MAILINGS, keys=KEYS) -> str:
    url = unsubscribe.unsubscribe_url(subject_keys=keys, purpose=purpose)
    return url.removeprefix(unsubscribe.site_url())


def one_click(path):
    """What a mail client does for List-Unsubscribe-Post: a POST with no cookie, no token."""
    return Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )


def made_days_ago(days, monkeypatch, **kwargs) -> str:
    now = time.time()
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: now - days * DAY)
        return link(**kwargs)


def test_the_headers_follow_rfc_8058(settings):
    # given
    settings.VIVRE = {**settings.VIVRE, "SITE_URL": "https://shop.vivre.example/"}
    # when
    headers = unsubscribe.list_unsubscribe_headers(subject_keys=KEYS, purpose="partner_offers")
    # then
    assert headers["List-Unsubscribe"].startswith("<https://shop.vivre.example/unsubscribe/")
    assert headers["List-Unsubscribe"].endswith("/>")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_without_a_site_url_the_link_points_at_the_local_shop(settings):
    settings.VIVRE = {**settings.VIVRE, "SITE_URL": ""}
    url = unsubscribe.unsubscribe_url(subject_keys=KEYS, purpose="vivre_mailings")
    assert url.startswith("http://127.0.0.1:8000/unsubscribe/")


def test_the_token_names_keys_and_purpose_never_an_address():
    # when
    token = unsubscribe.make_token(subject_keys=KEYS, purpose="vivre_mailings")
    # then
    assert "@" not in signing.loads(token, salt=unsubscribe.SALT).__repr__()
    assert unsubscribe.read_token(token).subject_keys == tuple(KEYS)


@pytest.mark.promise("P16")
def test_a_get_never_unsubscribes(client):
    # when a mail scanner (or the person) opens the link
    response = client.get(link())
    # then a confirmation with a button, and nothing recorded
    assert response.status_code == 200
    body = response.content.decode()
    assert "news and offers from Vivre" in body
    assert 'method="post"' in body
    assert ">Unsubscribe</button>" in body
    assert not ConsentRecord.objects.exists()
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["Referrer-Policy"] == "no-referrer"


@pytest.mark.promise("P16")
def test_a_cookieless_post_unsubscribes_every_key_in_the_link():
    # given someone who said yes under both their keys
    for key in KEYS:
        record_consent(subject_key=key, purpose="vivre_mailings", granted=True, channel="checkout")
    # when their mail client posts the one-click request
    response = one_click(link())
    # then
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    for key in KEYS:
        assert current_preferences(key)["vivre_mailings"] is False
        newest = ConsentRecord.objects.filter(subject_key=key).first()
        assert (newest.channel, newest.recorded_by, newest.granted) == (
            Channel.ONE_CLICK, "self", False,
        )  # fmt: skip


@pytest.mark.promise("P16")
def test_only_the_purpose_of_the_link_is_stopped():
    # given
    record_consent(subject_key=KEYS[0], purpose="vivre_mailings", granted=True, channel="checkout")
    record_consent(subject_key=KEYS[0], purpose="partner_offers", granted=True, channel="checkout")
    # when
    one_click(link(purpose="partner_offers"))
    # then
    assert current_preferences(KEYS[0])["partner_offers"] is False
    assert current_preferences(KEYS[0])["vivre_mailings"] is True


def test_the_confirmation_page_can_also_stop_the_other_mailings(client):
    # when
    response = client.post(link(), {"everything": "yes"})
    # then
    assert response.status_code == 200
    for key in KEYS:
        prefs = current_preferences(key)
        assert (prefs["vivre_mailings"], prefs["partner_offers"]) == (False, False)
    assert ConsentRecord.objects.filter(purpose="personalization").count() == 0


def test_unsubscribing_twice_is_harmless():
    path = link()
    assert one_click(path).status_code == 200
    assert one_click(path).status_code == 200
    assert current_preferences(KEYS[0])["vivre_mailings"] is False


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_changes_nothing_and_offers_other_ways(client, method):
    # given a link whose payload was altered (another person's keys)
    path = link()
    token = path.split("/")[2]
    payload, rest = token.split(":", 1)
    forged = signing.b64_encode(b'{"k":["customer:1"],"p":"vivre_mailings"}').decode()
    # when
    response = getattr(client, method)(f"/unsubscribe/{forged}:{rest}/")
    # then
    assert response.status_code == 400
    body = response.content.decode()
    assert "This unsubscribe link does not work" in body
    assert "/account/preferences/" in body
    assert "customer care" in body
    assert not ConsentRecord.objects.exists()
    assert payload != forged


@pytest.mark.parametrize(
    "token",
    ["x", "a" * 2000, "not:a:token", "%3Cscript%3E", "eyJrIjpbXX0:1x:abc"],
)
def test_junk_tokens_get_the_same_clear_page(client, token):
    response = client.post(f"/unsubscribe/{token}/")
    assert response.status_code == 400
    assert "<script>" not in response.content.decode()
    assert not ConsentRecord.objects.exists()


def test_a_token_signed_for_something_else_is_refused(client):
    # given a validly signed token with the wrong salt, and one with a non-mail purpose
    other_salt = signing.dumps({"k": KEYS, "p": "vivre_mailings"}, salt="something-else")
    wrong_purpose = signing.dumps({"k": KEYS, "p": "tracking_cookies"}, salt=unsubscribe.SALT)
    for token in (other_salt, wrong_purpose):
        assert client.post(f"/unsubscribe/{token}/").status_code == 400
    assert not ConsentRecord.objects.exists()


def test_a_link_works_for_at_least_30_days(monkeypatch):
    path = made_days_ago(31, monkeypatch)
    assert one_click(path).status_code == 200
    assert current_preferences(KEYS[0])["vivre_mailings"] is False


def test_an_expired_link_says_so_and_changes_nothing(client, monkeypatch):
    path = made_days_ago(61, monkeypatch)
    response = one_click(path)
    assert response.status_code == 400
    assert "more than 60 days old" in response.content.decode()
    assert not ConsentRecord.objects.exists()


def test_other_methods_are_refused(client):
    assert client.put(link()).status_code == 405


def test_making_a_link_needs_a_key_and_a_mail_purpose():
    with pytest.raises(ValueError):
        unsubscribe.make_token(subject_keys=[], purpose="vivre_mailings")
    with pytest.raises(ValueError):
        unsubscribe.make_token(subject_keys=KEYS, purpose="personalization")
