"""My Account: changing the e-mail address, re-verified by a link sent to the new one (P23)."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from vivre.accounts import services
from vivre.accounts.models import User
from vivre.messaging.models import Message

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P23")]

EMAIL = "/account/email/"
PASSWORD = "correct horse battery"


@pytest.fixture
def customer():
    return User.objects.create_user("ada@example.com", PASSWORD, full_name="Ada Lovelace")


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


def link_in(message: Message) -> str:
    [url] = re.findall(r"https?://\S+/account/email/confirm/\S+/", message.text_body)
    return url


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_a_request_mails_a_link_to_the_new_address_and_a_notice_to_the_old(signed_in, customer):
    # when
    response = signed_in.post(
        EMAIL, {"new_email": " Ada.King@Example.com ", "current_password": PASSWORD}
    )
    # then the page says a link was sent; the account is unchanged
    assert response.status_code == 200
    assert "We sent a message to ada.king@example.com" in response.content.decode()
    customer.refresh_from_db()
    assert customer.email == "ada@example.com"
    confirm = Message.objects.get(kind="accounts.email_change.confirm")
    assert confirm.to_address == "ada.king@example.com"
    assert "/account/email/confirm/" in confirm.text_body
    assert link_in(confirm) in confirm.html_body
    notice = Message.objects.get(kind="accounts.email_change.requested")
    assert notice.to_address == "ada@example.com"
    assert "ada.king" not in notice.text_body


def test_wrong_current_password_is_an_error_beside_the_field(signed_in, customer):
    response = signed_in.post(EMAIL, {"new_email": "new@example.com", "current_password": "nope"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_current_password-error"' in page
    assert "not your current password" in page
    assert 'value="nope"' not in page
    assert not Message.objects.exists()


def test_the_current_address_is_refused_as_the_new_one(signed_in):
    response = signed_in.post(EMAIL, {"new_email": "ADA@example.com", "current_password": PASSWORD})
    assert response.status_code == 400
    assert "already the address of your account" in response.content.decode()


def test_malformed_and_overlong_addresses_are_field_errors(signed_in):
    for bad in ("not-an-address", f"{'a' * 250}@example.com"):
        response = signed_in.post(EMAIL, {"new_email": bad, "current_password": PASSWORD})
        assert response.status_code == 400
        assert 'id="id_new_email-error"' in response.content.decode()
    assert not Message.objects.exists()


def test_an_address_in_use_gets_the_same_page_and_a_mail_but_no_link(signed_in, customer):
    # given another account with the address
    User.objects.create_user("grace@example.com", "another long password")
    # when
    response = signed_in.post(
        EMAIL, {"new_email": "grace@example.com", "current_password": PASSWORD}
    )
    # then the page does not reveal it
    assert response.status_code == 200
    assert "We sent a message to grace@example.com" in response.content.decode()
    taken = Message.objects.get(to_address="grace@example.com")
    assert taken.kind == "accounts.email_change.taken"
    assert "/account/email/confirm/" not in taken.text_body
    assert "already has a Vivre account" in taken.text_body
    assert Message.objects.filter(kind="accounts.email_change.requested").count() == 1


def test_the_confirm_step_refuses_an_address_taken_since_the_link_was_sent(signed_in, customer):
    # given a link, then someone registers the address
    token = services.make_email_change_token(user=customer, new_email="new@example.com")
    User.objects.create_user("new@example.com", "another long password")
    url = reverse("accounts:email_change_confirm", args=[token])
    # when
    response = signed_in.post(url)
    # then
    assert response.status_code == 400
    assert "cannot be used for your account" in response.content.decode()
    customer.refresh_from_db()
    assert customer.email == "ada@example.com"


def test_opening_the_link_shows_a_confirm_button_and_changes_nothing(signed_in, customer):
    token = services.make_email_change_token(user=customer, new_email="new@example.com")
    response = signed_in.get(reverse("accounts:email_change_confirm", args=[token]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "new@example.com" in page
    assert ">Confirm</button>" in page
    customer.refresh_from_db()
    assert customer.email == "ada@example.com"


def test_confirming_changes_the_address_and_tells_the_old_one(signed_in, customer):
    # given
    token = services.make_email_change_token(user=customer, new_email="new@example.com")
    url = reverse("accounts:email_change_confirm", args=[token])
    # when
    response = signed_in.post(url, follow=True)
    # then
    customer.refresh_from_db()
    assert customer.email == "new@example.com"
    assert "Your e-mail address is changed" in response.content.decode()
    done = Message.objects.get(kind="accounts.email_change.done")
    assert done.to_address == "ada@example.com"
    assert "n•••@example.com" in done.text_body
    # and the session survives the change
    assert signed_in.get("/account/").status_code == 200
    # and the link cannot be used again
    again = signed_in.post(url)
    assert again.status_code == 400
    assert "already been used" in again.content.decode()


def test_a_password_change_kills_a_pending_link(signed_in, customer):
    token = services.make_email_change_token(user=customer, new_email="new@example.com")
    customer.set_password("a brand new passphrase")
    customer.save()
    signed_in.force_login(customer)
    response = signed_in.post(reverse("accounts:email_change_confirm", args=[token]))
    assert response.status_code == 400
    customer.refresh_from_db()
    assert customer.email == "ada@example.com"


def test_an_expired_link_is_refused(signed_in, customer, settings):
    token = services.make_email_change_token(user=customer, new_email="new@example.com")
    settings.PASSWORD_RESET_TIMEOUT = -1
    url = reverse("accounts:email_change_confirm", args=[token])
    for response in (signed_in.get(url), signed_in.post(url)):
        assert response.status_code == 400
        assert "expired" in response.content.decode()
    customer.refresh_from_db()
    assert customer.email == "ada@example.com"


def test_a_tampered_link_is_refused(signed_in, customer):
    token = services.make_email_change_token(user=customer, new_email="new@example.com")
    rest = token.partition(":")[2]
    forged = services.make_email_change_token(user=customer, new_email="evil@example.com")
    tampered = forged.partition(":")[0] + ":" + rest
    for bad in (tampered, token[:-2] + "xx", "garbage"):
        response = signed_in.post(reverse("accounts:email_change_confirm", args=[bad]))
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    customer.refresh_from_db()
    assert customer.email == "ada@example.com"


def test_another_signed_in_customer_cannot_use_the_link(customer):
    token = services.make_email_change_token(user=customer, new_email="new@example.com")
    other = User.objects.create_user("grace@example.com", "another long password")
    client = Client()
    client.force_login(other)
    url = reverse("accounts:email_change_confirm", args=[token])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 404
        assert "different Vivre account" in response.content.decode()
    other.refresh_from_db()
    customer.refresh_from_db()
    assert (customer.email, other.email) == ("ada@example.com", "grace@example.com")


def test_an_anonymous_visitor_is_asked_to_sign_in_first(client, customer):
    token = services.make_email_change_token(user=customer, new_email="new@example.com")
    url = reverse("accounts:email_change_confirm", args=[token])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:sign_in"))
    customer.refresh_from_db()
    assert customer.email == "ada@example.com"


def test_repeated_wrong_passwords_are_throttled(signed_in, customer):
    for _ in range(5):
        signed_in.post(EMAIL, {"new_email": "new@example.com", "current_password": "wrong"})
    response = signed_in.post(EMAIL, {"new_email": "new@example.com", "current_password": PASSWORD})
    assert response.status_code == 429
    assert "several changes in the last hour" in response.content.decode()
    assert not Message.objects.exists()


def test_missing_csrf_token_is_refused(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    response = client.post(EMAIL, {"new_email": "new@example.com", "current_password": PASSWORD})
    assert response.status_code == 403
    token = services.make_email_change_token(user=customer, new_email="new@example.com")
    assert client.post(reverse("accounts:email_change_confirm", args=[token])).status_code == 403
    customer.refresh_from_db()
    assert customer.email == "ada@example.com"
    assert not Message.objects.exists()


def test_end_to_end_with_the_link_from_a_real_smtp_server(signed_in, customer, smtp_server):
    # given a request from My Account
    signed_in.post(EMAIL, {"new_email": "ada.king@example.com", "current_password": PASSWORD})
    # when the outbox is delivered
    call_command("deliver_mail")
    # then the new address has the link, the old one the notice
    by_recipient = {m["To"]: m for m in smtp_server.messages}
    assert set(by_recipient) == {"ada.king@example.com", "ada@example.com"}
    text = by_recipient["ada.king@example.com"].get_body(("plain",)).get_content()
    [url] = re.findall(r"https?://\S+/account/email/confirm/\S+/", text)
    # when the customer opens it and confirms
    assert signed_in.get(path_of(url)).status_code == 200
    assert customer.__class__.objects.get(pk=customer.pk).email == "ada@example.com"
    signed_in.post(path_of(url))
    # then the address is changed and the old address is told
    customer.refresh_from_db()
    assert customer.email == "ada.king@example.com"
    call_command("deliver_mail")
    done = [m for m in smtp_server.messages if m["Subject"] == "Your e-mail address was changed"]
    assert [m["To"] for m in done] == ["ada@example.com"]
