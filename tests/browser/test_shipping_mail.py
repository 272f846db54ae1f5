"""A guest buys; staff ship with a tracking number; every e-mail arrives over real SMTP (P5)."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from vivre.messaging.testing import SMTPSink
from vivre.orders.models import Order

from .conftest import GUEST, fill_checkout_details, pay_and_place_order, staff_page

pytestmark = [pytest.mark.browser, pytest.mark.promise("P5")]


@pytest.fixture
def smtp_sink(settings):
    with SMTPSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield sink


def _body(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


def test_guest_order_ships_and_both_mails_arrive(page, browser, live_server, bag, smtp_sink):
    # given a guest who bought two pieces
    page.goto("/cart/")
    page.get_by_role("link", name="Check out").click()
    fill_checkout_details(page)
    pay_and_place_order(page)
    order = Order.objects.get(email=GUEST["email"])

    # when a fulfilment associate signs in and ships the order with a generated number
    staff = staff_page(browser, live_server, "packer")
    staff.goto(f"/staff/fulfilment/orders/{order.number}/")
    staff.get_by_label("Generate a tracking number").check()
    staff.get_by_role("button", name="Ship these items").click()
    expect(staff.get_by_text(re.compile(r"1Z[0-9A-Z]{16}")).first).to_be_visible()

    # and the outbox is delivered (what the worker does)
    call_command("deliver_mail")
    smtp_sink.wait_for(3)

    # then the guest received the confirmation, "shipped" with the itemised summary, and
    # the tracking number
    order.refresh_from_db()
    shipment = order.shipments.get()
    mails = {m["Subject"]: m for m in smtp_sink.messages if m["To"] == GUEST["email"]}
    assert len(mails) == 3
    confirmation = next(m for s, m in mails.items() if s.startswith("Thank you"))
    assert order.number in _body(confirmation)
    shipped = next(m for s, m in mails.items() if "shipped" in s.lower())
    tracking = next(m for s, m in mails.items() if s.startswith("Track"))
    shipped_text = _body(shipped)
    assert order.number in shipped_text
    for line in order.lines.all():
        assert line.product_name in shipped_text
    assert GUEST["line1"] in shipped_text
    assert shipment.tracking_number in _body(tracking)
    assert shipment.tracking_url in _body(tracking)

    # and the guest sees the tracking link on the order page
    page.goto(f"/orders/{order.number}/")
    link = page.get_by_role("link", name=shipment.tracking_number)
    expect(link).to_have_attribute("href", shipment.tracking_url)
