"""A customer's whole life with an account, in Chromium over real SMTP.

Register → confirm the e-mail → sign out → sign in with "remember me" → change a
communication preference → request a copy of the data and download it → close the
account (P4, P12, P21, P22, P23; GDPR Art. 15, 17, 20).
"""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from vivre.accounts.models import User
from vivre.privacy.consent import Purpose, current_preferences, subject_key_for_customer
from vivre.privacy.suppression import is_suppressed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.promise("P4", "P12", "P21", "P22", "P23"),
]

CUSTOMER = {
    "name": "Margot Lindqvist",
    "email": "margot.lindqvist@example.org",
    "password": "quiet linen afternoon 7",
    "line1": "40 Bond Street",
    "city": "New York",
    "state": "NY",
    "zip": "10012",
    "day_phone": "212 555 0190",
}


def _link_in(message, path: str) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(rf"https?://\S+{re.escape(path)}\S*", body)
    assert match, body
    return match.group(0)


def _run_worker() -> None:
    """Do what the background worker does: run every queued task, then stop."""
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)


def _mail_to(sink, address: str, count: int):
    call_command("deliver_mail")
    sink.wait_for(count)
    return [m for m in sink.messages if m["To"] == address]


def test_register_remember_prefer_export_and_close(page, live_server, smtp_server, catalogue):
    # given a visitor on the registration form
    page.goto("/account/register/")
    page.get_by_label("Full name").first.fill(CUSTOMER["name"])
    page.get_by_label("E-mail").fill(CUSTOMER["email"])
    page.get_by_label("Password", exact=True).fill(CUSTOMER["password"])
    page.get_by_label("Confirm password").fill(CUSTOMER["password"])
    shipping = page.get_by_role("group", name=re.compile("Shipping address"))
    shipping.get_by_label("Full name").fill(CUSTOMER["name"])
    shipping.get_by_label("Address", exact=True).fill(CUSTOMER["line1"])
    shipping.get_by_label("City").fill(CUSTOMER["city"])
    shipping.get_by_label("State").select_option(CUSTOMER["state"])
    shipping.get_by_label("ZIP code").fill(CUSTOMER["zip"])
    page.get_by_label("Daytime telephone").fill(CUSTOMER["day_phone"])
    # the partner-offers choice starts unticked (P22), and stays so
    partners = page.get_by_label(re.compile("partners", re.I))
    expect(partners).not_to_be_checked()
    page.get_by_label(re.compile("news and offers from Vivre", re.I)).check()

    # when they register
    page.get_by_role("button", name=re.compile("Create (my )?account")).click()

    # then they are asked to confirm their address, and the link arrives by SMTP
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("e-mail", re.I))
    (mail,) = _mail_to(smtp_server, CUSTOMER["email"], 1)
    confirm = _link_in(mail, "/account/confirm/")
    page.goto(confirm.replace("http://testserver", live_server.url))
    page.get_by_role("button", name=re.compile("Confirm")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Margot|account", re.I))
    user = User.objects.get(email=CUSTOMER["email"])
    assert user.is_active

    # when they sign out and sign in again, asking to stay signed in on this device
    page.get_by_role("button", name="Sign out").first.click()
    page.goto("/account/sign-in/")
    page.get_by_label("E-mail").fill(CUSTOMER["email"])
    page.get_by_label("Password").fill(CUSTOMER["password"])
    page.get_by_label(re.compile("Keep me signed in")).check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/")

    # then a new browser session on this device is still signed in: the device cookie
    # (never the password) brings them back (P21)
    context = page.context
    device = [c for c in context.cookies() if c["name"] == "vivre_device"]
    assert device and CUSTOMER["password"] not in device[0]["value"]
    assert CUSTOMER["email"] not in device[0]["value"]
    context.clear_cookies()
    context.add_cookies(device)
    page.goto("/account/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Margot")

    # when they turn partner offers on and mailings from Vivre off, one click each (P23)
    page.goto("/account/preferences/")
    page.get_by_role("button", name=re.compile("Turn off.*Vivre", re.I)).click()
    expect(page.get_by_role("status")).to_be_visible()
    prefs = current_preferences(subject_key_for_customer(user.pk))
    assert prefs[Purpose.VIVRE_MAILINGS] is False

    # when they ask for a copy of their data and the worker prepares it
    page.goto("/account/privacy/")
    page.get_by_role("button", name=re.compile("copy of my data", re.I)).click()
    expect(page.locator("progress, .status").first).to_be_visible()
    _run_worker()
    page.goto("/account/privacy/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download", re.I)).first.click()
    data = json.loads(Path(download_info.value.path()).read_text())
    text = json.dumps(data)
    assert CUSTOMER["email"] in text and CUSTOMER["name"] in text
    assert "vivre_mailings" in text  # the consent history travels with it

    # when they close the account
    page.goto("/account/privacy/close/")
    page.get_by_label("Password").fill(CUSTOMER["password"])
    page.get_by_label(re.compile("cannot be undone", re.I)).check()
    page.get_by_role("button", name=re.compile("Close my account", re.I)).click()

    # then the account is gone, the address is suppressed, and they are signed out
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert not User.objects.filter(email=CUSTOMER["email"]).exists()
    assert is_suppressed(CUSTOMER["email"])
    page.goto("/account/")
    expect(page).to_have_url(re.compile("/account/sign-in/"))
