"""Closing an account (Art. 17): afterwards the customer is in no table, mail or log.

The proof runs on SQLite and on PostgreSQL::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vivre_c_test \\
        .venv/bin/python -m pytest vivre/accounts/tests/test_erasure.py
"""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from vivre.accounts import erasure, export
from vivre.accounts.models import Address, DataExport, RememberedDevice, User
from vivre.accounts.tasks import build_export
from vivre.care.models import OrderIssue
from vivre.cart.models import Cart
from vivre.checkout.models import CheckoutDetails
from vivre.core.logging import RedactCardNumbers
from vivre.fulfilment.models import Shipment
from vivre.messaging.models import Message
from vivre.messaging.services import send_email
from vivre.orders.models import Order
from vivre.orders.services import AddressData
from vivre.orders.testing import make_order
from vivre.payments.models import Payment
from vivre.privacy.access import read_personal
from vivre.privacy.consent import (
    Channel,
    Purpose,
    current_preferences,
    record_consent,
    subject_key_for_customer,
    subject_key_for_email,
)
from vivre.privacy.datamap import Use
from vivre.privacy.models import AccessRecord, ConsentRecord
from vivre.privacy.suppression import is_suppressed, may_send_marketing
from vivre.privacy.testing import dump_database, log_to_file
from vivre.returns.models import ReturnRequest

pytestmark = pytest.mark.django_db

NAME = "Philippa Quarrendon"
SURNAME = "Quarrendon"
EMAIL = "Philippa.Quarrendon@Example.org"
PHONE = "+16175550199"
PHONE_DIGITS = "6175550199"
PASSWORD = "an orchard in winter"
STREET = "88 Larkspur Crescent"


def needles() -> list[str]:
    """Return what must not survive, in lower case: name, e-mail, phone, street."""
    return [n.lower() for n in (NAME, SURNAME, EMAIL, PHONE, PHONE_DIGITS, STREET)]


def hits(text: str) -> list[str]:
    """Return the needles found in ``text``, in any case; digits also found in a
    number written with spaces, dots or dashes."""
    lowered = text.lower()
    found = [n for n in needles() if n in lowered]
    flat = re.sub(r"(?<=\d)[\s.()-]+(?=\d)", "", lowered)
    if PHONE_DIGITS in flat and PHONE_DIGITS not in found:
        found.append(PHONE_DIGITS)
    return found


def database_hits() -> dict[str, list[str]]:
    return {table: found for table, text in dump_database().items() if (found := hits(text))}


def session_hits() -> list[str]:
    return hits(repr([s.get_decoded() for s in Session.objects.all()]))


def outbox_hits() -> list[str]:
    return hits(
        repr(
            list(
                Message.objects.values_list(
                    "to_address", "subject_line", "text_body", "html_body", "last_error"
                )
            )
        )
    )


@pytest.fixture
def log_file(tmp_path):
    """Send every log record (INFO and up) to a file, through the shop's card filter."""
    # The test's SMTP server (aiosmtpd, logger "mail.log") stands in for the
    # customer's mail provider: its protocol trace is not the shop's log.
    with log_to_file(
        tmp_path / "vivre.log",
        RedactCardNumbers(),
        lambda record: not record.name.startswith("mail.log"),
    ) as path:
        yield path


def make_customer_with_everything(client) -> dict:
    """Build a customer who has used every part of the shop; return what was made."""
    user = User.objects.create_user(
        EMAIL, PASSWORD, full_name=NAME, day_phone=PHONE, evening_phone=PHONE
    )
    address = AddressData(
        name=NAME, line1=STREET, line2="", city="Salem", state="MA", postal_code="01970"
    )
    Address.objects.create(
        user=user,
        name=NAME,
        line1=STREET,
        city="Salem",
        state="MA",
        postal_code="01970",
        is_default_shipping=True,
        is_default_billing=True,
    )
    order = make_order(email=EMAIL, phone=PHONE, shipping_address=address, billing_address=address)
    order.customer = user
    order.save(update_fields=["customer"])
    # an earlier guest order under the same address, never claimed
    guest_order = make_order(email=EMAIL.upper(), phone=PHONE, shipping_address=address)
    cart = Cart.objects.create(customer=user, ip_address="198.51.100.7")
    CheckoutDetails.objects.create(
        cart=cart,
        email=EMAIL,
        phone=PHONE,
        ship_name=NAME,
        ship_line1=STREET,
        ship_city="Salem",
        ship_state="MA",
        ship_postal_code="01970",
    )
    staff = User.objects.create_user("associate@vivre.example", PASSWORD, is_staff=True)
    OrderIssue.objects.create(
        order=order, opened_by=staff, summary=f"{NAME} says the vase broke; call {PHONE}"
    )
    ReturnRequest.objects.create(
        order=order, reason="damaged", resolution="refund", note=f"Please refund {NAME}"
    )
    Payment.objects.create(
        order=order,
        processor="sandbox",
        reference=f"auth_{uuid.uuid4().hex[:12]}",
        brand="visa",
        last4="4242",
        amount=order.total,
    )
    Shipment.objects.create(order=order, tracking_number="1Z999AA10123456784")
    # care read the phone number (recorded in the access log)
    assert read_personal(order, "phone", purpose=Use.CUSTOMER_CARE, actor=staff) == PHONE
    # choices on the ledger, under the account and under the address
    for key, purpose in (
        (subject_key_for_customer(user.pk), Purpose.VIVRE_MAILINGS),
        (subject_key_for_email(EMAIL), Purpose.PARTNER_OFFERS),
    ):
        record_consent(subject_key=key, purpose=purpose, granted=True, channel=Channel.CHECKOUT)
    RememberedDevice.objects.create(
        user=user,
        selector=uuid.uuid4().hex,
        validator_hash="0" * 64,
        label="Firefox on Linux",
        expires_at=timezone.now() + timedelta(days=30),
    )
    # mail: one about the order (delivered below), one still waiting in the outbox
    for n in (1, 2):
        send_email(
            to=EMAIL,
            subject=f"Dear {NAME}, about your order",
            template="notice",
            context={"heading": f"Hello {NAME}", "paragraphs": [f"We will call {PHONE}."]},
            kind="test.notice",
            dedupe_key=f"test.notice:{n}:{order.pk}",
            order_id=order.pk,
        )
    # a copy of their data, built by the task
    found, _ = export.request_export(user=user)
    build_export.call(str(found.pk))
    # a mistyped password at sign-in (django-axes records the attempt)
    client.post(reverse("accounts:sign_in"), {"username": EMAIL, "password": "wrong guess 1"})
    return {"user": user, "order": order, "guest_order": guest_order, "staff": staff}


@pytest.mark.promise("P16")
def test_after_closing_the_account_the_customer_is_nowhere(client, smtp_server, log_file):
    # given a customer who used every part of the shop, and one e-mail delivered
    made = make_customer_with_everything(client)
    user, order = made["user"], made["order"]
    first = Message.objects.order_by("created_at").first()
    from vivre.messaging.services import deliver

    assert deliver(first.pk) == Message.State.SENT
    smtp_server.wait_for(1)
    assert hits(smtp_server.messages[0].as_string())  # (the mail really carried them)
    delivered = len(smtp_server.messages)

    # (the search finds what it looks for, where the data is)
    before = database_hits()
    for table in ("accounts_user", "accounts_address", "orders_order", "orders_address",
                  "messaging_message", "checkout_checkoutdetails", "care_orderissue",
                  "returns_returnrequest", "accounts_dataexport"):  # fmt: skip
        assert table in before, table
    assert set(before["accounts_user"]) >= {NAME.lower(), EMAIL.lower(), PHONE}
    assert outbox_hits()

    # when the customer closes the account on the page
    client.force_login(user)
    page = client.get(reverse("accounts:close_account"))
    assert page.status_code == 200
    response = client.post(
        reverse("accounts:close_account"), {"password": PASSWORD, "understood": "on"}
    )

    # then they are signed out and see the goodbye page
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account_closed")
    goodbye = client.get(response["Location"])
    assert goodbye.status_code == 200 and b"Your account is closed" in goodbye.content
    assert "_auth_user_id" not in client.session
    assert hits(goodbye.content.decode()) == []

    # and nothing in any table holds the name, e-mail or phone, in any case
    assert database_hits() == {}
    assert session_hits() == []
    assert outbox_hits() == []
    # nor the log file, which recorded the flow
    log = log_file.read_text(encoding="utf-8")
    assert "Closed a customer account" in log
    assert hits(log) == []

    # no e-mail goes to the erased address, not even the one that was waiting
    call_command("deliver_mail")
    assert len(smtp_server.messages) == delivered

    # while the orders stay for the accounts, without identifiers
    kept = Order.objects.get(pk=order.pk)
    assert (kept.total, kept.customer_id, kept.email, kept.phone, kept.ip_address) == (
        order.total,
        None,
        "",
        "",
        None,
    )
    assert kept.lines.count() == 1
    assert kept.shipping_address.state == "MA" and kept.shipping_address.name == ""
    assert Order.objects.get(pk=made["guest_order"].pk).email == ""
    assert Payment.objects.get().reference.startswith("auth_")
    assert Shipment.objects.get().tracking_number is None
    # the ledgers stay, pseudonymous
    assert ConsentRecord.objects.filter(subject_key=subject_key_for_customer(user.pk)).exists()
    assert AccessRecord.objects.filter(subject_id=str(order.pk)).exists()
    # and the address is on the suppression list, as a keyed hash only
    assert is_suppressed(EMAIL)
    assert not User.objects.filter(pk=user.pk).exists()
    assert not DataExport.objects.exists() and not RememberedDevice.objects.exists()


def test_a_wrong_password_erases_nothing(client):
    user = User.objects.create_user(EMAIL, PASSWORD, full_name=NAME, day_phone=PHONE)
    client.force_login(user)

    response = client.post(
        reverse("accounts:close_account"), {"password": "not it at all", "understood": "on"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "That is not your current password." in html
    assert 'id="id_password-error"' in html
    assert User.objects.filter(pk=user.pk).exists()
    assert not is_suppressed(EMAIL)


def test_the_tick_is_required(client):
    user = User.objects.create_user(EMAIL, PASSWORD, full_name=NAME, day_phone=PHONE)
    client.force_login(user)

    response = client.post(reverse("accounts:close_account"), {"password": PASSWORD})

    assert response.status_code == 400
    assert "Tick this box" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_overlong_or_markup_input_is_a_field_error(client):
    user = User.objects.create_user(EMAIL, PASSWORD, full_name="<b>Bold</b>", day_phone=PHONE)
    client.force_login(user)

    response = client.post(
        reverse("accounts:close_account"),
        {"password": "<script>x</script>" * 20, "understood": "on"},
    )

    assert response.status_code == 400
    assert "<script>x" not in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_wrong_passwords_are_throttled(client):
    user = User.objects.create_user(EMAIL, PASSWORD, full_name=NAME, day_phone=PHONE)
    client.force_login(user)
    for n in range(5):
        client.post(
            reverse("accounts:close_account"), {"password": f"guess {n}", "understood": "on"}
        )

    response = client.post(
        reverse("accounts:close_account"), {"password": PASSWORD, "understood": "on"}
    )

    assert response.status_code == 429
    assert User.objects.filter(pk=user.pk).exists()


def test_the_close_page_says_what_is_erased_and_what_is_kept(client):
    user = User.objects.create_user(EMAIL, PASSWORD, full_name=NAME, day_phone=PHONE)
    client.force_login(user)

    html = client.get(reverse("accounts:close_account")).content.decode()

    assert "tax law" in html and "cannot be undone" in html
    # the record-by-record table comes from the data map
    for item in erasure.erasure_plan():
        assert item.name in html
    assert {item.label for item in erasure.erasure_plan()} >= {
        "accounts.User",
        "orders.Order",
        "privacy.ConsentRecord",
    }
    assert 'name="password"' in html and 'name="understood"' in html
    assert "csrfmiddlewaretoken" in html


def test_close_needs_a_signed_in_customer(client):
    response = client.get(reverse("accounts:close_account"))
    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response["Location"]


def test_staff_accounts_are_not_closed_this_way():
    staff = User.objects.create_user("care@vivre.example", PASSWORD, is_staff=True)
    with pytest.raises(erasure.ErasureRefused):
        erasure.erase_customer(staff)
    assert User.objects.filter(pk=staff.pk).exists()


def test_a_row_that_must_stay_pointing_at_the_account_stops_everything(settings):
    # given a customer who (somehow) opened a care issue themselves: PROTECT
    user = User.objects.create_user(EMAIL, PASSWORD, full_name=NAME, day_phone=PHONE)
    order = make_order(email=EMAIL, phone=PHONE)
    order.customer = user
    order.save(update_fields=["customer"])
    OrderIssue.objects.create(order=make_order(), opened_by=user, summary="odd")

    # when / then
    with pytest.raises(erasure.ErasureRefused):
        erasure.erase_customer(user)
    # nothing was half done
    order.refresh_from_db()
    assert (order.email, order.customer_id) == (EMAIL, user.pk)
    assert not is_suppressed(EMAIL)


def test_closing_twice_is_refused_the_second_time():
    user = User.objects.create_user(EMAIL, PASSWORD, full_name=NAME, day_phone=PHONE)
    report = erasure.erase_customer(user)
    assert report.deleted["accounts.User"] == 1
    with pytest.raises(erasure.ErasureRefused):
        erasure.erase_customer(user)


@pytest.mark.promise("P16", "P22")
def test_the_same_address_registering_again_is_a_new_customer(client):
    # given a customer who opted in, as a guest and with the account, then left
    old = User.objects.create_user(EMAIL, PASSWORD, full_name=NAME, day_phone=PHONE)
    for key in (subject_key_for_customer(old.pk), subject_key_for_email(EMAIL)):
        record_consent(
            subject_key=key, purpose=Purpose.VIVRE_MAILINGS, granted=True, channel=Channel.CHECKOUT
        )
    erasure.erase_customer(old)

    # when the same address registers again
    new = User.objects.create_user(EMAIL, "a new password 2", full_name="P. Q.", day_phone=PHONE)
    keys = [subject_key_for_customer(new.pk), subject_key_for_email(EMAIL)]

    # then it is a new account with no old preferences, and no mailing may go
    assert new.pk != old.pk
    assert current_preferences(subject_key_for_customer(new.pk)) == dict.fromkeys(
        Purpose.values, False
    )
    assert not may_send_marketing(email=EMAIL, purpose=Purpose.VIVRE_MAILINGS, subject_keys=keys)

    # until the new customer opts in afresh
    record_consent(
        subject_key=keys[0],
        purpose=Purpose.VIVRE_MAILINGS,
        granted=True,
        channel=Channel.MY_ACCOUNT,
    )
    assert may_send_marketing(email=EMAIL, purpose=Purpose.VIVRE_MAILINGS, subject_keys=keys)
    assert not may_send_marketing(email=EMAIL, purpose=Purpose.PARTNER_OFFERS, subject_keys=keys)


def test_erasure_report_counts_by_model():
    user = User.objects.create_user(EMAIL, PASSWORD, full_name=NAME, day_phone=PHONE)
    order = make_order(email=EMAIL, phone=PHONE)
    order.customer = user
    order.save(update_fields=["customer"])

    report = erasure.erase_customer(user)

    assert report.anonymized["orders.Order"] == 1
    assert report.anonymized["orders.Address"] in (1, 2)
    assert report.kept["orders.OrderLine"] == 1
    assert Order.objects.get().total > Decimal("0")
