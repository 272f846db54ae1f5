"""The canary (P7): a known card number and CVV go through every payment path, and
afterwards are found nowhere: not in any table, the outbox, the mail that left, the
log, a page, or the customer's data export. Only the vault's ciphertext holds the
number, and it is not readable as such.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from vivre.accounts.models import User
from vivre.cart.services import add_to_cart, create_cart
from vivre.catalog.testing import make_product
from vivre.checkout.tests.conftest import DETAILS, future_expiry, hidden_fields
from vivre.fulfilment.services import create_shipment
from vivre.messaging.models import Message
from vivre.orders.models import Order
from vivre.payments.models import SavedCard
from vivre.payments.services import refund
from vivre.privacy.testing import dump_database, log_to_file

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.promise("P7")]

# A Luhn-valid Visa number used by no other test, and two security codes. The codes
# start with 0 so that no row id, count or price can look like them.
CANARY_NUMBER = "4012888888881881"
CANARY_CVV = "058"
SAVED_CARD_CVV = "031"


def canary_hits(text: str) -> list[str]:
    """Return what of the canary ``text`` holds: the number in any grouping, either CVV.

    A CVV counts only as a number of its own (not inside a longer run of letters
    and digits such as a UUID or a hash, nor the decimals of an amount).
    """
    found = []
    if CANARY_NUMBER in re.sub(r"(?<=\d)[\s.-]+(?=\d)", "", text):
        found.append("card number")
    for cvv in (CANARY_CVV, SAVED_CARD_CVV):
        if re.search(rf"(?<![0-9A-Za-z.]){cvv}(?![0-9A-Za-z])", text):
            found.append(f"CVV {cvv}")
    return found


class RecordingClient:
    """Wrap the test client and keep every page it was sent."""

    def __init__(self, client):
        self.client, self.pages = client, []

    def _keep(self, response):
        self.pages.append((response.request["PATH_INFO"], response.content.decode()))
        return response

    def get(self, path, **kwargs):
        return self._keep(self.client.get(path, **kwargs))

    def post(self, path, data=None, **kwargs):
        return self._keep(self.client.post(path, data or {}, **kwargs))


@pytest.fixture
def variant():
    return make_product(price="100.00", stock=10).variants.get()


def bag_for(customer, variant, quantity=1):
    cart = create_cart(ip_address="203.0.113.7")
    cart.customer = customer
    cart.save(update_fields=["customer"])
    add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


def review(browser) -> dict:
    return hidden_fields(browser.get("/checkout/review/"))


def test_the_card_number_and_cvv_are_nowhere_after_the_whole_purchase_flow(
    client, variant, smtp_server, tmp_path
):
    customer = User.objects.create_user("ada@example.com", "correct horse", full_name="Ada")
    client.force_login(customer)
    browser = RecordingClient(client)
    card = {"card_number": "4012 8888 8888 1881", "cvv": CANARY_CVV, "name_on_card": "Ada"}

    with log_to_file(tmp_path / "vivre.log") as log:
        # 1. a first order: a typing mistake in the expiry, then paid and the card saved
        bag_for(customer, variant, quantity=2)
        assert browser.post("/checkout/", DETAILS).status_code == 302
        wrong = browser.post(
            "/checkout/review/", {**review(browser), **card, "expiry": "13/99", "save_card": "on"}
        )
        assert wrong.status_code == 400  # the page again, with the field's error
        placed = browser.post(
            "/checkout/review/",
            {**review(browser), **card, "expiry": future_expiry(), "save_card": "on"},
        )
        assert placed.status_code == 302, placed.content.decode()
        browser.get(placed["Location"])
        first = Order.objects.get()
        saved = SavedCard.objects.get(customer=customer)

        # 2. a second order with the saved card, its CVV typed again
        bag_for(customer, variant)
        assert browser.post("/checkout/", DETAILS).status_code == 302
        again = browser.post(
            "/checkout/review/",
            {**review(browser), "payment_choice": str(saved.pk), "saved_cvv": SAVED_CARD_CVV},
        )
        assert again.status_code == 302, again.content.decode()
        browser.get(again["Location"])

        # 3. the first order ships (capture) and part of it is refunded
        create_shipment(
            order=first,
            lines={line.pk: line.quantity for line in first.lines.all()},
            carrier="ups",
            actor="test",
        )
        refund(order=first, amount=Decimal("10.00"), method="card", reason="Scuffed box")

        # 4. the customer looks at everything, and takes a copy of their data
        for path in ["/account/", "/account/orders/", "/account/cards/", "/account/privacy/"]:
            browser.get(path)
        for order in Order.objects.all():
            browser.get(f"/account/orders/{order.number}/")
        assert browser.post("/account/privacy/exports/").status_code == 302
        call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)
        export = customer.exports.get()
        download = browser.get(f"/account/privacy/exports/{export.pk}/")
        assert json.loads(
            b"".join(download.streaming_content) if download.streaming else download.content
        )

        # 5. every e-mail leaves through SMTP
        call_command("deliver_mail")

    # then the canary is nowhere
    assert Order.objects.count() == 2
    assert Message.objects.filter(state=Message.State.SENT).exists()
    found = {table: hits for table, text in dump_database().items() if (hits := canary_hits(text))}
    assert found == {}, found
    pages = {path: hits for path, html in browser.pages if (hits := canary_hits(html))}
    assert pages == {}, pages
    assert canary_hits(log.read_text()) == []
    mails = [m.as_string() for m in smtp_server.messages]
    assert mails and canary_hits("\n".join(mails)) == []
