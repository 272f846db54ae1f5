"""Passwords (P12): change keeps this session only; reset by e-mail through the outbox."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client

from vivre.accounts.models import RememberedDevice
from vivre.accounts.tests.test_registration import PASSWORD, link_in, make_customer
from vivre.accounts.tests.test_remember_me import device_cookie, fresh_client_with, is_signed_in
from vivre.accounts.tests.test_sign_in import sign_in
from vivre.accounts.throttling import hashed_username
from vivre.messaging.models import Message

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P12")]

CHANGE = "/account/password/"
RESET = "/account/password/reset/"
NEW = "brisk harbour morning 3"


def change(client, old=PASSWORD, new=NEW, confirm=None):
    return client.post(
        CHANGE, {"old_password": old, "new_password1": new, "new_password2": confirm or new}
    )


def test_changing_the_password_keeps_this_session_and_ends_the_others(client):
    # given the customer signed in here, on a laptop, and on a phone kept signed in
    user = make_customer()
    laptop = Client()
    sign_in(laptop)
    phone_cookie = device_cookie(sign_in(Client(), keep_signed_in="on"))
    sign_in(client, remember_email="on")
    # when they change their password here
    response = change(client)
    # then this session goes on, the laptop and the phone are signed out
    assert response.status_code == 302
    assert client.get("/account/security/").status_code == 200
    assert laptop.get("/account/security/").status_code == 302
    phone = fresh_client_with(phone_cookie)
    phone.get("/account/")
    assert not is_signed_in(phone)
    # this browser's own remembered device stays
    assert RememberedDevice.objects.filter(user=user).count() == 1
    user.refresh_from_db()
    assert user.check_password(NEW)
    # and a notice is e-mailed
    [notice] = Message.objects.filter(kind="account.password_changed")
    assert notice.to_address == "ada@example.com"
    assert NEW not in notice.text_body and NEW not in notice.html_body


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"old": "not my password"}, "id_old_password", "incorrectly"),
        ({"confirm": "something else 12"}, "id_new_password2", "didn’t match"),
        ({"new": "short"}, "id_new_password2", "too short"),
        ({"new": "x" * 200}, "id_new_password1", "at most 128"),
    ],
)
def test_bad_password_changes_are_refused_beside_the_field(client, kwargs, field, message):
    user = make_customer()
    client.force_login(user)
    response = change(client, **kwargs)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="{field}-error"' in html
    assert message in html
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_needs_a_signed_in_customer(client):
    assert client.get(CHANGE)["Location"].startswith("/account/sign-in/?next=")


def test_reset_answers_the_same_for_any_address(client):
    make_customer()
    known = client.post(RESET, {"email": "ada@example.com"})
    unknown = client.post(RESET, {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/account/password/reset/sent/"
    assert [m.to_address for m in Message.objects.all()] == ["ada@example.com"]


def test_reset_mail_is_throttled_per_ip(client):
    for n in range(10):
        client.post(RESET, {"email": f"someone{n}@example.com"})
    response = client.post(RESET, {"email": "ada@example.com"})
    assert response.status_code == 429


def test_password_reset_end_to_end_over_smtp(client, smtp_server):
    # given a customer locked out by failed sign-ins, with a remembered device
    user = make_customer()
    phone_cookie = device_cookie(sign_in(Client(), keep_signed_in="on"))
    for n in range(5):
        sign_in(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), password=f"wrong {n}")
    assert sign_in(Client()).status_code == 429
    # when they ask for a reset link and it arrives by SMTP
    client.post(RESET, {"email": "Ada@Example.com"})
    call_command("deliver_mail")
    smtp_server.wait_for(1)
    [mail] = smtp_server.messages
    assert mail["To"] == "ada@example.com"
    link = link_in(mail.get_body(("plain",)).get_content(), "/account/password/reset/")
    path = link.split("testserver", 1)[1]
    # and they follow it and choose a new password
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    # then the password is set, they are signed in, devices forgotten, lockout cleared
    assert done.redirect_chain[-1][0] == "/account/"
    assert is_signed_in(client)
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not RememberedDevice.objects.filter(user=user).exists()
    phone = fresh_client_with(phone_cookie)
    phone.get("/account/")
    assert not is_signed_in(phone)
    assert not AccessAttempt.objects.filter(
        username=hashed_username(None, {"username": "ada@example.com"})
    ).exists()
    assert sign_in(Client(REMOTE_ADDR="198.51.100.20"), password=NEW).status_code == 302
    # and the link does not work twice
    again = Client().get(path, follow=True).content.decode()
    assert "This link no longer works" in again


def test_reset_mail_goes_through_the_outbox(client):
    make_customer()
    client.post(RESET, {"email": "ada@example.com"})
    [message] = Message.objects.all()
    assert message.kind == "account.password_reset"
    assert "/account/password/reset/" in message.text_body


def test_an_unconfirmed_account_gets_no_reset_mail(client):
    make_customer(email="new@example.com", is_active=False)
    client.post(RESET, {"email": "new@example.com"})
    assert not Message.objects.exists()
