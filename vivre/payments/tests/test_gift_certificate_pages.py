"""The gift certificate pages: buying one into the bag, and the balance check."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from vivre.accounts.models import User
from vivre.cart.models import Cart, GiftCertificateItem
from vivre.orders.testing import make_order
from vivre.payments import giftcertificates as gc
from vivre.payments.models import GiftCertificate

from .test_gift_certificates import delivered

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P25")]

COOKIE = settings.VIVRE["CART_COOKIE"]


def form(**overrides) -> dict:
    data = {
        "amount_choice": "100",
        "other_amount": "",
        "recipient_name": "Grace Hopper",
        "recipient_email": "grace@example.com",
        "sender_name": "Ada",
        "message": "Happy birthday!",
        "deliver_on": gc.shop_today().isoformat(),
    }
    data.update(overrides)
    return data


def errors_of(response) -> dict:
    return response.context["form"].errors


# --- the buy page ---------------------------------------------------------------------


@pytest.mark.promise("P3")
def test_buy_page_asks_for_what_it_needs_and_says_why(client):
    # when
    page = client.get("/gift-certificates/")
    html = page.content.decode()
    # then exactly these are collected
    assert page.status_code == 200
    assert list(page.context["form"].fields) == [
        "amount_choice", "other_amount", "recipient_name", "recipient_email",
        "sender_name", "message", "deliver_on",
    ]  # fmt: skip
    # and the page says why, and what happens
    assert "only to send them the certificate" in html
    assert "We add the recipient to no mailing list" in html
    assert "E-mailed on the date you choose" in html
    assert "never expires" in html
    assert "Good for anything in the shop" in html
    assert "$25.00" in html and "$2,000.00" in html
    assert "We send the certificate here, and nothing else, ever." in html
    # and suggested amounts are offered as radio buttons, with another amount
    assert 'type="radio" name="amount_choice" value="100"' in html
    assert 'value="other"' in html
    # and nothing is inline script or style (strict CSP)
    assert "<script" not in html.split("</header>")[-1]
    assert 'style="' not in html


def test_guest_buys_a_certificate_into_a_new_bag(client):
    # when
    response = client.post("/gift-certificates/", form(), REMOTE_ADDR="198.51.100.9")
    # then it is in a new bag, found again by the cart cookie
    assert response.status_code == 302
    assert response["Location"] == "/cart/"
    cart = Cart.objects.get()
    assert response.cookies[COOKIE].value == str(cart.pk)
    assert cart.ip_address == "198.51.100.9"
    item = GiftCertificateItem.objects.get()
    assert (item.cart, item.amount, item.recipient_name, item.recipient_email) == (
        cart,
        Decimal("100.00"),
        "Grace Hopper",
        "grace@example.com",
    )
    assert (item.sender_name, item.message, item.deliver_on) == (
        "Ada",
        "Happy birthday!",
        gc.shop_today(),
    )
    # and the bag shows it and counts it
    page = client.get("/cart/")
    html = page.content.decode()
    assert "Added to your bag: a $100.00 gift certificate for Grace Hopper." in html
    assert "For Grace Hopper, by e-mail today" in html
    assert page.context["cart_count"] == 1


def test_another_amount_in_dollars_and_cents(client):
    client.post("/gift-certificates/", form(amount_choice="other", other_amount="$1,234.50"))
    assert GiftCertificateItem.objects.get().amount == Decimal("1234.50")


def test_a_second_certificate_joins_the_same_bag(client):
    client.post("/gift-certificates/", form())
    client.post("/gift-certificates/", form(recipient_name="Alan", amount_choice="50"))
    assert Cart.objects.count() == 1
    assert sorted(GiftCertificateItem.objects.values_list("amount", flat=True)) == [
        Decimal("50.00"),
        Decimal("100.00"),
    ]


def test_signed_in_customer_buys_into_their_own_bag(client):
    customer = User.objects.create_user("ann@example.com", "a long pass phrase 7")
    client.force_login(customer)
    response = client.post("/gift-certificates/", form())
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    assert GiftCertificateItem.objects.get().cart.customer == customer


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("10", "The smallest gift certificate is $25.00."),
        ("24.99", "The smallest gift certificate is $25.00."),
        ("-50", "The smallest gift certificate is $25.00."),
        ("2000.01", "The largest gift certificate is $2,000.00."),
        ("1e9", "The largest gift certificate is $2,000.00."),
        ("99999999999999999999", "The largest gift certificate is $2,000.00."),
        ("fifty", "Enter an amount in dollars, such as 75 or 75.50."),
        ("NaN", "Enter an amount in dollars, such as 75 or 75.50."),
        ("Infinity", "Enter an amount in dollars, such as 75 or 75.50."),
        ("75.505", "Enter whole dollars, or dollars and cents."),
        ("", "Please enter the amount you would like."),
        ("1" * 21, "Ensure this value has at most 20 characters (it has 21)."),
    ],
)
def test_bad_amounts_are_refused_beside_the_field(client, amount, message):
    response = client.post("/gift-certificates/", form(amount_choice="other", other_amount=amount))
    assert response.status_code == 400
    assert errors_of(response)["other_amount"] == [message]
    assert not GiftCertificateItem.objects.exists()
    assert not Cart.objects.exists()
    html = response.content.decode()
    assert 'id="id_other_amount-error"' in html
    assert 'aria-describedby="id_other_amount-help id_other_amount-error"' in html


def test_a_made_up_amount_choice_is_refused(client):
    response = client.post("/gift-certificates/", form(amount_choice="1000000"))
    assert response.status_code == 400
    assert errors_of(response)["amount_choice"] == ["Please choose an amount."]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("recipient_email", "not-an-address", "Enter a valid email address."),
        ("recipient_email", "grace@", "Enter a valid email address."),
        ("recipient_email", "", "This field is required."),
        ("recipient_name", "", "This field is required."),
        ("recipient_name", "G" * 101, "Ensure this value has at most 100 characters (it has 101)."),
        ("sender_name", "A" * 101, "Ensure this value has at most 100 characters (it has 101)."),
        ("message", "m" * 501, "Ensure this value has at most 500 characters (it has 501)."),
        ("deliver_on", "yesterday", "Enter a date such as 2026-12-24."),
    ],
)
def test_bad_details_are_refused_beside_the_field(client, field, value, message):
    response = client.post("/gift-certificates/", form(**{field: value}))
    assert response.status_code == 400
    assert errors_of(response)[field] == [message]
    assert not GiftCertificateItem.objects.exists()


def test_delivery_date_in_the_past_is_refused(client):
    past = gc.shop_today() - timedelta(days=1)
    response = client.post("/gift-certificates/", form(deliver_on=past.isoformat()))
    assert response.status_code == 400
    assert errors_of(response)["deliver_on"] == ["Choose today or a day to come."]


def test_delivery_date_more_than_a_year_ahead_is_refused(client):
    far = gc.shop_today() + timedelta(days=366)
    response = client.post("/gift-certificates/", form(deliver_on=far.isoformat()))
    assert response.status_code == 400
    assert errors_of(response)["deliver_on"] == ["Choose a day within the coming year."]
    # and a year ahead exactly is fine
    year = gc.shop_today() + timedelta(days=365)
    assert client.post("/gift-certificates/", form(deliver_on=year.isoformat())).status_code == 302


def test_a_message_of_500_characters_is_fine(client):
    assert client.post("/gift-certificates/", form(message="m" * 500)).status_code == 302


def test_markup_in_the_message_is_shown_escaped(client):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    # when the form comes back with another error
    response = client.post("/gift-certificates/", form(message=evil, recipient_email="bad"))
    html = response.content.decode()
    # then the message is escaped on the page
    assert "&lt;script&gt;alert" in html
    assert "<img src=x" not in html
    # and once added, the bag page shows the name escaped
    client.post("/gift-certificates/", form(message=evil, recipient_name=evil))
    bag = client.get("/cart/").content.decode()
    assert "<img src=x" not in bag and "&lt;img src=x" in bag


def test_buy_form_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/gift-certificates/", form())
    assert response.status_code == 403
    assert not GiftCertificateItem.objects.exists()


# --- the balance page -----------------------------------------------------------------


def test_balance_page_shows_the_balance_and_nothing_else(
    client, django_capture_on_commit_callbacks
):
    # given a delivered certificate, partly spent
    certificate, code = delivered(django_capture_on_commit_callbacks)
    with transaction.atomic():
        gc.redeem(certificate_id=certificate.pk, amount=Decimal("35.00"), order=make_order())
    # when
    response = client.post("/gift-certificates/balance/", {"code": code.lower()})
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert "$65.00" in html and "left of $100.00" in html
    assert f"ending {certificate.code_hint}" in html
    assert "Active" in html
    # and nothing about who it is for or from, nor the code itself
    for secret in ("Grace", "grace@example.com", "Ada", "Happy birthday", code):
        assert secret not in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_balance_page_for_a_spent_certificate(client, django_capture_on_commit_callbacks):
    certificate, code = delivered(django_capture_on_commit_callbacks)
    with transaction.atomic():
        gc.redeem(certificate_id=certificate.pk, amount=Decimal("100.00"), order=make_order())
    html = client.post("/gift-certificates/balance/", {"code": code}).content.decode()
    assert "Spent in full" in html
    assert "$0.00" in html


def test_balance_page_for_a_void_certificate(client, django_capture_on_commit_callbacks):
    certificate, code = delivered(django_capture_on_commit_callbacks)
    GiftCertificate.objects.filter(pk=certificate.pk).update(status="void")
    html = client.post("/gift-certificates/balance/", {"code": code}).content.decode()
    assert "No longer valid" in html


def test_an_unknown_code_gets_one_generic_answer(client):
    response = client.post("/gift-certificates/balance/", {"code": "VIVR-2222-3333-4444-5555"})
    assert response.status_code == 404
    assert gc.UNKNOWN_CODE in response.content.decode()


@pytest.mark.parametrize("code", ["", "x" * 41])
def test_a_missing_or_overlong_code_is_a_field_error(client, code):
    response = client.post("/gift-certificates/balance/", {"code": code})
    assert response.status_code == 400
    assert errors_of(response)["code"]


@pytest.mark.promise("P12")
def test_balance_guessing_is_throttled_per_ip(client, django_capture_on_commit_callbacks):
    # given a real code, and ten failed guesses from one address
    _, code = delivered(django_capture_on_commit_callbacks)
    for n in range(gc.LOOKUP_LIMIT):
        guess = f"VIVR-2222-3333-4444-{n + 2:04d}"
        response = client.post(
            "/gift-certificates/balance/", {"code": guess}, REMOTE_ADDR="203.0.113.66"
        )
        assert response.status_code == 404
    # when the same address tries the right code
    response = client.post(
        "/gift-certificates/balance/", {"code": code}, REMOTE_ADDR="203.0.113.66"
    )
    # then it must wait, and is told so
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts" in html
    assert "left of" not in html
    # while another visitor is unaffected
    other = client.post("/gift-certificates/balance/", {"code": code}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200


def test_balance_form_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/gift-certificates/balance/", {"code": "VIVR-2222-3333-4444-5555"})
    assert response.status_code == 403


# --- the admin ------------------------------------------------------------------------


def test_admin_shows_hint_and_computed_balance_never_the_code(
    client, django_capture_on_commit_callbacks
):
    # given a delivered certificate, partly spent
    certificate, code = delivered(django_capture_on_commit_callbacks)
    with transaction.atomic():
        gc.redeem(certificate_id=certificate.pk, amount=Decimal("12.50"), order=make_order())
    admin = User.objects.create_superuser("root@example.com", "a long pass phrase 9")
    client.force_login(admin)
    # when
    listing = client.get("/admin/payments/giftcertificate/")
    detail = client.get(f"/admin/payments/giftcertificate/{certificate.pk}/change/")
    # then
    assert listing.status_code == detail.status_code == 200
    for page in (listing, detail):
        html = page.content.decode()
        assert certificate.code_hint in html
        assert "$87.50" in html
        assert code not in html and gc.normalize_code(code) not in html
        assert certificate.code_hash not in html
        assert "grace@example.com" not in html and "Happy birthday" not in html
    assert "Spent on an order" in detail.content.decode()
    # and it cannot be changed or deleted there
    response = client.post(
        f"/admin/payments/giftcertificate/{certificate.pk}/change/", {"status": "void"}
    )
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == "active"
