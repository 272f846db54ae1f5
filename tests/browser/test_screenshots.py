"""Full-page screenshots of the shop at 1280 and 360 pixels wide, for a person to look at.

Skipped unless ``VIVRE_SCREENSHOTS=1``; the PNGs go to ``var/screenshots/``.
"""

import os

import pytest
from django.conf import settings

from .conftest import SEARCH_WORD, VIEWPORTS, add_to_bag, fill_checkout_details, pay_and_place_order

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("VIVRE_SCREENSHOTS") != "1", reason="set VIVRE_SCREENSHOTS=1 to take them"
    ),
]


def shoot(page, name: str) -> None:
    folder = settings.VAR_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for viewport in VIEWPORTS.values():
        page.set_viewport_size(viewport)
        page.screenshot(path=folder / f"{name}-{viewport['width']}.png", full_page=True)


def test_take_screenshots(page, catalogue):
    for name, path in [
        ("home", "/"),
        ("department", f"/d/{catalogue.home.slug}/"),
        ("category", f"/d/{catalogue.home.slug}/{catalogue.textiles.slug}/"),
        ("product", f"/p/{catalogue.throw.slug}/"),
        ("product-sold-out", f"/p/{catalogue.sold_out.slug}/"),
        ("search", f"/search/?q={SEARCH_WORD}"),
        ("bag-empty", "/cart/"),
    ]:
        page.goto(path)
        shoot(page, name)

    add_to_bag(page, catalogue.throw, colour="Ink")
    add_to_bag(page, catalogue.carafe)
    shoot(page, "bag")
    if page.goto("/checkout/").status == 404:
        return
    shoot(page, "checkout-details")
    page.get_by_role("button", name="Continue to review and pay").click()
    shoot(page, "checkout-details-errors")
    fill_checkout_details(page)
    shoot(page, "checkout-review")
    pay_and_place_order(page)
    shoot(page, "checkout-confirmation")


def test_take_account_screenshots(page, catalogue):
    from vivre.accounts.models import Address, User

    for name, path in [
        ("sign-in", "/account/sign-in/"),
        ("register", "/account/register/"),
    ]:
        page.goto(path)
        shoot(page, name)
    customer = User.objects.create_user(
        "ada@example.com", "quiet linen afternoon 7", full_name="Ada Lovelace",
        day_phone="+12125550148",
    )  # fmt: skip
    Address.objects.create(
        user=customer, name="Ada Lovelace", line1="11 Mercer Street", city="New York",
        state="NY", postal_code="10013", is_default_shipping=True, is_default_billing=True,
    )  # fmt: skip
    page.goto("/account/sign-in/")
    page.get_by_label("E-mail").fill("ada@example.com")
    page.get_by_label("Password").fill("quiet linen afternoon 7")
    page.get_by_label("Keep me signed in on this device").check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/")
    for name, path in [
        ("account", "/account/"),
        ("account-addresses", "/account/addresses/"),
        ("account-preferences", "/account/preferences/"),
        ("account-security", "/account/security/"),
        ("account-privacy", "/account/privacy/"),
        ("account-close", "/account/privacy/close/"),
    ]:
        page.goto(path)
        shoot(page, name)


def test_take_payment_screenshots(page, browser, live_server, catalogue):
    from vivre.accounts.models import Address, User
    from vivre.orders.models import Order
    from vivre.payments.cards import CardDetails
    from vivre.payments.saved_cards import save_card

    from .conftest import staff_page

    for name, path in [
        ("gift-certificates", "/gift-certificates/"),
        ("gift-certificate-balance", "/gift-certificates/balance/"),
    ]:
        page.goto(path)
        shoot(page, name)
    customer = User.objects.create_user(
        "ada@example.com", "quiet linen afternoon 7", full_name="Ada Lovelace",
        day_phone="+12125550148",
    )  # fmt: skip
    Address.objects.create(
        user=customer, name="Ada Lovelace", line1="11 Mercer Street", city="New York",
        state="NY", postal_code="10013", is_default_shipping=True, is_default_billing=True,
    )  # fmt: skip
    save_card(
        customer=customer,
        card=CardDetails(number="4242424242424242", exp_month=12, exp_year=2034, cvv="", name=""),
    )
    page.goto("/account/sign-in/")
    page.get_by_label("E-mail").fill("ada@example.com")
    page.get_by_label("Password").fill("quiet linen afternoon 7")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/")
    page.goto("/account/cards/")
    shoot(page, "account-cards")
    add_to_bag(page, catalogue.throw, colour="Ink")
    page.goto("/checkout/")
    page.get_by_label("This order is a gift").check()
    page.get_by_label("Gift message").fill("Happy birthday, Grace. With love from Ada.")
    page.get_by_label("Gift wrap (+$7.50)").check()
    shoot(page, "checkout-details-gift")
    page.get_by_role("button", name="Continue to review and pay").click()
    shoot(page, "checkout-review-saved-card")
    page.get_by_label("Security code of the saved card").fill("123")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/checkout/confirmation/*/")
    shoot(page, "checkout-confirmation-gift")
    staff = staff_page(browser, live_server)
    staff.goto(f"/staff/fulfilment/orders/{Order.objects.get().number}/packing-slip/")
    shoot(staff, "packing-slip")


def test_take_marketing_screenshots(page, browser, live_server, catalogue):
    from datetime import timedelta

    from django.utils import timezone

    from vivre.marketing.models import Contest

    from .conftest import staff_page

    now = timezone.now()
    Contest.objects.create(
        slug="hudson", title="A weekend in Hudson", rules="One winner, drawn at random.",
        prize="Two nights at a Hudson inn", opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7), asks_zip=Contest.Ask.OPTIONAL,
        asks_age_band=Contest.Ask.OPTIONAL, asks_income_band=Contest.Ask.OPTIONAL,
    )  # fmt: skip
    for name, path in [("catalogue-request", "/catalogue/"), ("contest", "/contests/hudson/")]:
        page.goto(path)
        shoot(page, name)
    staff = staff_page(browser, live_server)
    for name, path in [
        ("staff-marketing", "/staff/marketing/"),
        ("staff-campaign-new", "/staff/marketing/campaigns/new/"),
        ("staff-promotions-new", "/staff/marketing/promotions/new/"),
    ]:
        staff.goto(path)
        shoot(staff, name)
