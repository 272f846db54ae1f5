"""Buy a gift certificate for a friend; the friend spends it with a saved card (P7, P25).

In Chromium, over real SMTP, with the background worker doing what it does in
production: delivering the certificate e-mail on its date.
"""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from vivre.accounts.models import Address, User
from vivre.orders.models import Order
from vivre.payments import giftcertificates
from vivre.payments.cards import CardDetails
from vivre.payments.models import GiftCertificate, Payment, SavedCard
from vivre.payments.saved_cards import save_card

from .conftest import add_to_bag

pytestmark = [pytest.mark.browser, pytest.mark.promise("P7", "P25")]

PASSWORD = "quiet linen afternoon 7"
CODE = re.compile(r"VIVR(?:-[A-Z0-9]{4}){4}")


def customer(email: str, name: str) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=name, day_phone="+12125550148")
    Address.objects.create(
        user=user, name=name, line1="11 Mercer Street", city="New York", state="NY",
        postal_code="10013", is_default_shipping=True, is_default_billing=True,
    )  # fmt: skip
    return user


def sign_in(page, email: str) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/")


def run_worker() -> None:
    """Do what the background worker does: run every task that is due, then stop."""
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)


def test_a_gift_certificate_for_a_friend_spent_with_a_saved_card(
    page, browser, live_server, catalogue, smtp_server
):
    ada = customer("ada@example.com", "Ada Lovelace")
    grace = customer("grace@example.org", "Grace Hopper")
    # Grace saved a card on an earlier order
    save_card(
        customer=grace,
        card=CardDetails(number="4242424242424242", exp_month=12, exp_year=2034, cvv="", name=""),
    )

    # given Ada, signed in, choosing a $50 certificate for Grace, to arrive today
    sign_in(page, ada.email)
    page.goto("/gift-certificates/")
    page.get_by_role("radio", name="$50", exact=True).check()
    page.get_by_label("Recipient’s name").fill("Grace Hopper")
    page.get_by_label("Recipient’s e-mail").fill(grace.email)
    page.get_by_label("Your message").fill("For the next beautiful thing you find.")
    page.get_by_role("button", name="Add to bag").click()
    page.wait_for_url("**/cart/")
    expect(page.get_by_text(re.compile("For Grace Hopper, by e-mail"))).to_be_visible()

    # when she checks out with a new card and asks to save it
    page.get_by_role("link", name="Check out").click()
    page.get_by_role("button", name="Continue to review and pay").click()
    page.wait_for_url("**/checkout/review/")
    page.get_by_label("Card number").fill("5555 5555 5555 4444")
    page.get_by_label("Expiry date").fill("10/33")
    page.get_by_label("Security code", exact=True).fill("321")
    page.get_by_label("Name on card").fill("Ada Lovelace")
    page.get_by_label("Save this card for next time").check()
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/checkout/confirmation/*/")

    # then her card is saved (brand and last four only) and the money is taken at once
    bought = Order.objects.get(customer=ada)
    assert bought.gift_certificates_total == Decimal("50.00")
    assert SavedCard.objects.get(customer=ada).last4 == "4444"
    assert Payment.objects.get(order=bought).status == Payment.Status.CAPTURED

    # and when the worker runs, Grace receives the code by e-mail
    run_worker()
    smtp_server.wait_for(1)
    [mail] = [m for m in smtp_server.messages if m["To"] == grace.email]
    code = CODE.search(mail.get_body(preferencelist=("plain",)).get_content()).group(0)

    # when Grace signs in, chooses the linen throw and applies the code
    friend = browser.new_context(base_url=live_server.url).new_page()
    sign_in(friend, grace.email)
    add_to_bag(friend, catalogue.throw, colour="Ink")
    friend.get_by_role("link", name="Check out").click()
    friend.get_by_role("group", name="Shipping method").get_by_role(
        "radio", name="Standard"
    ).check()
    friend.get_by_role("button", name="Continue to review and pay").click()
    friend.wait_for_url("**/checkout/review/")
    friend.get_by_label("Gift certificate code").fill(code.lower())
    friend.get_by_role("button", name="Apply").click()
    expect(friend.get_by_role("complementary").get_by_text("−$50.00")).to_be_visible()

    # and pays the rest with her saved card, typing only its security code
    expect(friend.get_by_role("radio", name=re.compile("4242"))).to_be_checked()
    friend.get_by_label("Security code of the saved card").fill("123")
    friend.get_by_role("button", name="Place order").click()
    friend.wait_for_url("**/checkout/confirmation/*/")

    # then the certificate paid $50, the saved card the rest, and the certificate is spent
    order = Order.objects.get(customer=grace)
    payment = Payment.objects.get(order=order)
    assert order.paid_by_gift_certificates == Decimal("50.00")
    assert payment.amount == order.total - Decimal("50.00")
    assert payment.saved_card == SavedCard.objects.get(customer=grace)
    certificate = GiftCertificate.objects.get(order=bought)
    assert giftcertificates.balance(certificate) == Decimal("0.00")
