"""Registration (P4, P22): exactly the P4 fields, the P22 choices, no account enumeration."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from vivre.accounts.models import Address, User
from vivre.accounts.registration import confirmation_link, confirmation_tokens
from vivre.messaging.models import Message
from vivre.privacy.consent import Channel, Purpose, subject_key_for_customer
from vivre.privacy.models import ConsentRecord

pytestmark = pytest.mark.django_db

PASSWORD = "quiet linen afternoon 7"
REGISTER = "/account/register/"
SENT = "/account/register/sent/"


def form_data(**overrides) -> dict:
    """A complete, valid registration form (billing same as shipping, no choices ticked)."""
    data = {
        "full_name": "Margot Lindqvist",
        "email": "margot@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "ship-name": "Margot Lindqvist",
        "ship-line1": "40 Bond Street",
        "ship-line2": "",
        "ship-city": "New York",
        "ship-state": "NY",
        "ship-postal_code": "10012",
        "billing_same": "on",
        "day_phone": "212 555 0190",
        "evening_phone": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


BILLING = {
    "bill-name": "Margot Lindqvist",
    "bill-line1": "1 Main Street",
    "bill-city": "Hudson",
    "bill-state": "NY",
    "bill-postal_code": "12534",
}


def make_customer(email="ada@example.com", password=PASSWORD, **extra) -> User:
    """An active, confirmed customer."""
    return User.objects.create_user(email, password, full_name="Ada Lovelace", **extra)


def link_in(text: str, path: str) -> str:
    match = re.search(rf"https?://\S+{re.escape(path)}\S*", text)
    assert match, text
    return match.group(0)


def test_form_asks_for_exactly_the_p4_fields_and_both_choices_unticked(client):
    # when
    response = client.get(REGISTER)
    # then
    assert response.status_code == 200
    page = response.content.decode()
    html = page[page.index(f'action="{REGISTER}"') :]
    html = html[: html.index("</form>")]
    names = set(re.findall(r'name="([\w-]+)"', html)) - {"csrfmiddlewaretoken"}
    assert names == {
        "full_name", "email", "password1", "password2", "billing_same",
        "ship-name", "ship-line1", "ship-line2", "ship-city", "ship-state", "ship-postal_code",
        "bill-name", "bill-line1", "bill-line2", "bill-city", "bill-state", "bill-postal_code",
        "day_phone", "evening_phone", "vivre_mailings", "partner_offers",
    }  # fmt: skip
    assert re.search(r'<input type="checkbox" name="billing_same"[^>]*checked', html)
    assert not re.search(r'name="vivre_mailings"[^>]*checked', html)
    assert not re.search(r'name="partner_offers"[^>]*checked', html)
    assert "partners never receive your address" in html
    assert 'href="/service/privacy-policy/"' in html


@pytest.mark.promise("P4", "P22")
def test_registration_creates_an_inactive_account_with_addresses_and_choices(client):
    # when
    response = client.post(REGISTER, form_data(vivre_mailings="on", evening_phone="212 555 0191"))
    # then
    assert response.status_code == 302
    assert response["Location"] == SENT
    user = User.objects.get(email="margot@example.org")
    assert user.is_active is False
    assert user.check_password(PASSWORD)
    assert user.full_name == "Margot Lindqvist"
    assert (user.day_phone, user.evening_phone) == ("+12125550190", "+12125550191")
    [address] = user.addresses.all()
    assert address.is_default_shipping and address.is_default_billing
    assert (address.line1, address.postal_code) == ("40 Bond Street", "10012")


@pytest.mark.promise("P22")
def test_registration_writes_both_choices_to_the_consent_ledger(client):
    # when: mailings ticked, partners' offers left unticked
    client.post(REGISTER, form_data(vivre_mailings="on"))
    # then
    user = User.objects.get(email="margot@example.org")
    records = ConsentRecord.objects.filter(subject_key=subject_key_for_customer(user.pk))
    choices = {r.purpose: r for r in records}
    assert set(choices) == {Purpose.VIVRE_MAILINGS, Purpose.PARTNER_OFFERS}
    assert choices[Purpose.VIVRE_MAILINGS].granted is True
    assert choices[Purpose.PARTNER_OFFERS].granted is False
    for record in records:
        assert record.channel == Channel.REGISTRATION
        assert record.recorded_by == "self"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", record.policy_version)


@pytest.mark.promise("P4")
def test_a_different_billing_address_is_a_second_default_address(client):
    # when
    client.post(REGISTER, form_data(billing_same=None, **BILLING))
    # then
    user = User.objects.get(email="margot@example.org")
    shipping = user.addresses.get(is_default_shipping=True)
    billing = user.addresses.get(is_default_billing=True)
    assert shipping.pk != billing.pk
    assert billing.city == "Hudson"


@pytest.mark.promise("P4")
def test_confirmation_mail_arrives_over_smtp_and_its_link_activates(client, smtp_server):
    # given a registration
    client.post(REGISTER, form_data())
    # when the outbox is delivered
    call_command("deliver_mail")
    smtp_server.wait_for(1)
    [mail] = smtp_server.messages
    assert mail["To"] == "margot@example.org"
    link = link_in(mail.get_body(("plain",)).get_content(), "/account/confirm/")
    path = link.split("testserver", 1)[1]
    # then the link shows a button (a GET changes nothing: mail scanners fetch links)
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my e-mail" in page.content.decode()
    assert not User.objects.get(email="margot@example.org").is_active
    # and the button activates, signs in and welcomes
    before = client.session.session_key
    done = client.post(path, follow=True)
    user = User.objects.get(email="margot@example.org")
    assert user.is_active
    assert done.redirect_chain[0][0] == reverse("accounts:overview")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session.session_key != before
    assert "Welcome to Vivre, Margot" in done.content.decode()


def test_a_confirmation_link_works_once(client):
    # given a confirmed account
    client.post(REGISTER, form_data())
    user = User.objects.get(email="margot@example.org")
    link = confirmation_link(user=user, base_url="")
    client.post(link)
    client.logout()
    # when the link is used again
    again = client.get(link)
    posted = client.post(link)
    # then it is refused with a way to get a new one
    for response in (again, posted):
        assert response.status_code == 400
        assert "This link no longer works" in response.content.decode()
        assert reverse("accounts:confirm_again") in response.content.decode()


def test_a_garbage_confirmation_link_is_refused(client):
    response = client.get("/account/confirm/bm9wZQ/abc-def/")
    assert response.status_code == 400


@pytest.mark.promise("P4")
def test_registering_again_unconfirmed_replaces_details_and_kills_older_links(client):
    # given an unconfirmed registration and its link
    client.post(REGISTER, form_data())
    user = User.objects.get(email="margot@example.org")
    old_token = confirmation_tokens.make_token(user)
    # when the same address registers again with other details
    new_password = "brisk harbour morning 3"
    client.post(
        REGISTER,
        form_data(full_name="Margot L.", password1=new_password, password2=new_password),
    )
    # then one account, with the new details, and the old link is dead
    user = User.objects.get(email="margot@example.org")
    assert User.objects.filter(email="margot@example.org").count() == 1
    assert user.full_name == "Margot L."
    assert user.check_password(new_password)
    assert user.addresses.count() == 1
    assert not confirmation_tokens.check_token(user, old_token)
    assert Message.objects.filter(kind="account.confirm", to_address=user.email).count() == 2


@pytest.mark.promise("P4")
def test_existing_address_gets_the_same_answer_and_changes_nothing(client):
    # given an active customer
    customer = make_customer(email="margot@example.org")
    password_hash = customer.password
    fresh = Client()
    new_response = fresh.post(REGISTER, form_data(email="someone-new@example.org"))
    # when someone registers with the customer's address (in another case)
    response = Client().post(REGISTER, form_data(email="Margot@Example.org", full_name="Mallory"))
    # then the response is identical to a new address's
    assert response.status_code == new_response.status_code == 302
    assert response["Location"] == new_response["Location"] == SENT
    page_new = fresh.get(SENT).content
    assert Client().get(SENT).content.replace(b"\n", b"") == page_new.replace(b"\n", b"")
    # and nothing was created or changed
    customer.refresh_from_db()
    assert customer.full_name == "Ada Lovelace"
    assert customer.password == password_hash
    assert User.objects.filter(email="margot@example.org").count() == 1
    assert not Address.objects.filter(user=customer).exists()
    assert not ConsentRecord.objects.filter(subject_key=subject_key_for_customer(customer.pk))
    # and the owner is told, with no confirmation link
    [warning] = Message.objects.filter(to_address="margot@example.org")
    assert warning.kind == "account.register_attempt"
    assert "/account/password/reset/" in warning.text_body
    assert "/account/confirm/" not in warning.text_body


def test_a_parallel_registration_of_the_same_address_gets_the_same_answer(client, monkeypatch):
    # given another request that inserts the same address between our check and insert
    from django.db import IntegrityError

    from vivre.accounts import registration

    def collide(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(registration, "_register", collide)
    # when
    response = client.post(REGISTER, form_data())
    # then the usual answer, and nothing half saved
    assert response.status_code == 302 and response["Location"] == SENT
    assert_nothing_saved()


def test_the_owner_is_warned_at_most_once_an_hour(client):
    make_customer(email="margot@example.org")
    for _ in range(3):
        Client().post(REGISTER, form_data())
    assert Message.objects.filter(kind="account.register_attempt").count() == 1


def test_registration_mails_are_throttled_per_ip(client):
    # given ten registrations from one address in the hour
    for n in range(10):
        client.post(REGISTER, form_data(email=f"visitor{n}@example.org"))
    # when an eleventh comes
    response = client.post(REGISTER, form_data(email="eleventh@example.org"))
    # then it is refused plainly, and nothing is created or sent
    assert response.status_code == 429
    assert "try again later" in response.content.decode()
    assert not User.objects.filter(email="eleventh@example.org").exists()
    # another connection is not affected
    other = Client(REMOTE_ADDR="198.51.100.7").post(REGISTER, form_data(email="other@example.org"))
    assert other.status_code == 302


def test_confirm_again_sends_a_new_link_only_to_an_unconfirmed_account(client):
    client.post(REGISTER, form_data())
    make_customer(email="active@example.org")
    for email in ("margot@example.org", "active@example.org", "nobody@example.org"):
        response = client.post(reverse("accounts:confirm_again"), {"email": email})
        assert response.status_code == 302 and response["Location"] == SENT
    sent = Message.objects.filter(kind="account.confirm")
    assert [m.to_address for m in sent] == ["margot@example.org"] * 2


# --- bad input ------------------------------------------------------------------------


def assert_nothing_saved():
    assert not User.objects.exists()
    assert not Address.objects.exists()
    assert not ConsentRecord.objects.exists()
    assert not Message.objects.exists()


def field_error(response, field_id: str) -> str:
    html = response.content.decode()
    match = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', html)
    assert match, f"no error beside {field_id}"
    return match.group(1)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("83749201938475", "entirely numeric"),
        ("margot@example.org", "too similar"),
    ],
)
def test_weak_passwords_are_refused_beside_the_field(client, password, message):
    response = client.post(REGISTER, form_data(password1=password, password2=password))
    assert response.status_code == 200
    assert message in field_error(response, "id_password1")
    assert_nothing_saved()


def test_password_mismatch(client):
    response = client.post(REGISTER, form_data(password2="another long phrase 9"))
    assert "do not match" in field_error(response, "id_password2")
    assert_nothing_saved()


@pytest.mark.parametrize(
    ("overrides", "field_id"),
    [
        ({"day_phone": "12"}, "id_day_phone"),
        ({"day_phone": "", "evening_phone": ""}, "id_day_phone"),
        ({"ship-postal_code": "1001"}, "id_ship-postal_code"),
        ({"ship-state": ""}, "id_ship-state"),
        ({"full_name": "x" * 300}, "id_full_name"),
        ({"email": "not-an-address"}, "id_email"),
        ({"email": ("a" * 250) + "@example.org"}, "id_email"),
    ],
)
def test_bad_input_gets_an_error_beside_the_field_and_saves_nothing(client, overrides, field_id):
    response = client.post(REGISTER, form_data(**overrides))
    assert response.status_code == 200
    assert field_error(response, field_id)
    assert 'class="form-errors" role="alert"' in response.content.decode()
    assert_nothing_saved()


def test_an_error_in_the_billing_address_saves_nothing(client):
    response = client.post(
        REGISTER, form_data(billing_same=None, **{**BILLING, "bill-postal_code": "ABCDE"})
    )
    assert field_error(response, "id_bill-postal_code")
    assert_nothing_saved()


def test_billing_address_is_not_checked_when_it_is_the_same(client):
    response = client.post(REGISTER, form_data(**{"bill-postal_code": "nonsense"}))
    assert response.status_code == 302


def test_markup_in_the_name_is_shown_escaped(client):
    script = "<script>alert(1)</script>"
    response = client.post(REGISTER, form_data(full_name=script, password2="mismatch phrase 4"))
    html = response.content.decode()
    assert script not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_nothing_saved()


def test_missing_csrf_token_is_refused(db):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(REGISTER, form_data())
    assert response.status_code == 403
    assert_nothing_saved()


def test_signed_in_customer_is_sent_to_my_account(client):
    client.force_login(make_customer())
    assert client.get(REGISTER)["Location"] == reverse("accounts:overview")


@pytest.mark.promise("P4")
def test_retention_forgets_registrations_never_confirmed():
    from datetime import timedelta

    from django.utils import timezone

    from vivre.accounts.registration import forget_unconfirmed_accounts

    stale = User.objects.create_user("stale@example.com", PASSWORD, is_active=False)
    Address.objects.create(
        user=stale, name="S", line1="1 A St", city="X", state="NY", postal_code="10001"
    )
    recent = User.objects.create_user("recent@example.com", PASSWORD, is_active=False)
    confirmed = make_customer()
    User.objects.filter(pk__in=[stale.pk, confirmed.pk]).update(
        date_joined=timezone.now() - timedelta(days=30)
    )

    assert forget_unconfirmed_accounts() == 1
    assert set(User.objects.values_list("email", flat=True)) == {recent.email, confirmed.email}
    assert not Address.objects.filter(user_id=stale.pk).exists()
