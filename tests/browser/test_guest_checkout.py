"""A new visitor finds two things, puts them in the bag and buys them as a guest."""

import re

import pytest
from playwright.sync_api import expect

from vivre.orders.models import Order

from .conftest import GUEST, SEARCH_WORD, fill_checkout_details, pay_and_place_order

pytestmark = pytest.mark.browser

ORDER_NUMBER = re.compile(r"VV-[0-9A-Z]{4}-[0-9A-Z]{4}")


@pytest.mark.promise("P3")
def test_guest_finds_two_products_and_checks_out(page, catalogue):
    # given a new visitor on the home page
    page.goto("/")

    # when they search from the header…
    header_search = page.get_by_role("banner").get_by_role("search")
    header_search.get_by_role("searchbox", name="Search the shop").fill(SEARCH_WORD)
    header_search.get_by_role("searchbox").press("Enter")
    page.wait_for_url(f"**/search/?q={SEARCH_WORD}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(SEARCH_WORD)

    # …open a product from the results and choose a colour (the sold-out one can't be)
    page.get_by_role("main").get_by_role("link", name=catalogue.throw.name).click()
    page.wait_for_url(f"**/p/{catalogue.throw.slug}/")
    expect(page.get_by_role("radio", name="Brass")).to_be_disabled()
    page.get_by_role("radio", name="Ink").check()
    page.get_by_role("button", name="Add to bag").click()
    page.wait_for_url("**/cart/")

    # …and add a second, different product found through the department menu
    page.get_by_role("navigation", name="Departments").get_by_role(
        "link", name=catalogue.home.name
    ).click()
    page.get_by_role("main").get_by_role("link", name=catalogue.carafe.name).click()
    page.get_by_role("button", name="Add to bag").click()
    page.wait_for_url("**/cart/")

    # then the bag holds both
    lines = page.locator(".cart-line")
    expect(lines).to_have_count(2)
    expect(page.get_by_role("heading", name=catalogue.throw.name)).to_be_visible()
    expect(page.get_by_role("heading", name=catalogue.carafe.name)).to_be_visible()

    # when they check out as a guest
    page.get_by_role("link", name="Check out").click()
    page.wait_for_url("**/checkout/")
    fill_checkout_details(page, shipping_method="Express")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review and pay")
    pay_and_place_order(page)

    # then the confirmation shows the order number
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your order")
    number_text = page.locator(".order-number").inner_text()
    found = ORDER_NUMBER.search(number_text)
    assert found, f"no order number like VV-XXXX-XXXX in {number_text!r}"
    assert page.url.rstrip("/").endswith(found.group())

    # and the order is in the database with both lines
    order = Order.objects.get(number=found.group())
    assert order.email == GUEST["email"]
    assert order.lines.count() == 2
    variants = {line.variant_id for line in order.lines.all()}
    ink = catalogue.throw.variants.get(colour="Ink")
    carafe = catalogue.carafe.variants.get()
    assert variants == {ink.pk, carafe.pk}
