"""An associate finds an order, opens an issue, reveals the phone to call, and resolves it (P6)."""

import os

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from vivre.accounts.models import User
from vivre.core.staff import Role

from .conftest import make_order

pytestmark = [pytest.mark.browser, pytest.mark.promise("P6")]


@pytest.fixture
def browser_context_args(browser_context_args, live_server):
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "viewport": {"width": 1280, "height": 900},
    }


def _shot(page, name):
    folder = os.environ.get("VIVRE_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"care-{name}.png"), full_page=True)


def test_associate_reveals_the_phone_only_for_an_open_issue(page, transactional_db):
    # given a care associate and a customer's order
    carer = User.objects.create_user("carer", password="care-pass-2026", is_staff=True)
    carer.groups.add(Group.objects.get(name=Role.CARE))
    order = make_order(email="ada@example.com")

    # when the associate signs in and searches by the customer's e-mail
    page.goto("/staff/care/")
    page.get_by_label("E-mail address").fill("carer")
    page.get_by_label("Password").fill("care-pass-2026")
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Order number or e-mail address").fill("ADA@example.com")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name=order.number).click()

    # then the order shows without the phone and without a way to reveal it
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {order.number}")
    expect(page.get_by_text("(646) 555-0173")).to_have_count(0)
    expect(page.get_by_role("button", name="Reveal phone number")).to_have_count(0)
    _shot(page, "order")

    # when they open an issue and reveal the phone for it
    page.get_by_label("What is the issue?").fill("Parcel arrived with a cracked carafe")
    page.get_by_role("button", name="Open issue").click()
    page.get_by_role("button", name="Reveal phone number").click()

    # then the number is shown and the reveal is in the access log
    expect(page.locator(".care-phone")).to_have_text("(646) 555-0173")
    expect(page.get_by_role("table").last).to_contain_text("carer")
    _shot(page, "revealed")

    # when the issue is resolved, the reveal button goes with it
    page.get_by_role("button", name="Mark resolved").click()
    expect(page.get_by_role("button", name="Reveal phone number")).to_have_count(0)
    expect(page.get_by_text("(646) 555-0173")).to_have_count(0)
    _shot(page, "resolved")
