"""A real browser sending Global Privacy Control, and the cookie banner (P16, P21)."""

import pytest
from playwright.sync_api import expect

from .test_accessibility import check_page, goto_ok

pytestmark = [pytest.mark.browser, pytest.mark.promise("P16", "P21")]

HONOURED = (
    "Your browser's Global Privacy Control signal is honoured: no tracking cookies, "
    "and no partner offers"
)


@pytest.fixture
def gpc_page(browser, live_server, catalogue):
    context = browser.new_context(base_url=live_server.url, extra_http_headers={"Sec-GPC": "1"})
    page = context.new_page()
    yield page
    context.close()


def cookie_names(page) -> set[str]:
    return {c["name"] for c in page.context.cookies()}


def test_a_browser_sending_gpc_sees_it_honoured_and_gets_no_tracking_cookie(gpc_page, catalogue):
    # when a browser with the signal visits the shop
    goto_ok(gpc_page, "/?utm_source=partner&utm_campaign=spring")
    # then it is told the signal is honoured, and is offered nothing to accept
    banner = gpc_page.get_by_role("region", name="Cookie choices")
    expect(banner).to_contain_text(HONOURED)
    expect(gpc_page.get_by_role("button", name="Accept")).to_have_count(0)
    # and browsing on leaves no tracking cookie, only the remembered refusal
    goto_ok(gpc_page, f"/p/{catalogue.throw.slug}/")
    names = cookie_names(gpc_page)
    assert "vivre_visitor" not in names
    assert "vivre_attribution" not in names
    assert "vivre_cookie_choice" in names
    check_page(gpc_page, "home with the GPC notice")


def test_the_banner_accepts_and_rejects_as_easily(page, catalogue):
    # given a new visitor
    goto_ok(page, f"/p/{catalogue.throw.slug}/?utm_source=newsletter")
    banner = page.get_by_role("region", name="Cookie choices")
    expect(banner).to_be_visible()
    accept = banner.get_by_role("button", name="Accept")
    reject = banner.get_by_role("button", name="Reject")
    # then the two buttons look alike and are the same size
    assert accept.get_attribute("class") == reject.get_attribute("class")
    a, r = accept.bounding_box(), reject.bounding_box()
    assert abs(a["height"] - r["height"]) < 1
    assert "vivre_visitor" not in cookie_names(page)
    check_page(page, "product page with the cookie banner")

    # when the visitor accepts, they stay on the product and the tracking cookies come
    accept.click()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?utm_source=newsletter")
    expect(page.get_by_role("region", name="Cookie choices")).to_have_count(0)
    assert {"vivre_visitor", "vivre_attribution"} <= cookie_names(page)

    # and on the cookie page they can change their mind with one click
    goto_ok(page, "/privacy/cookies/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cookie settings")
    check_page(page, "cookie settings")
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_text("Optional cookies: rejected")).to_be_visible()
    assert not {"vivre_visitor", "vivre_attribution"} & cookie_names(page)
