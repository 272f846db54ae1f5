"""P7: after checkout the card number and CVV are nowhere: not stored, logged or shown."""

import logging
import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vivre.orders.models import Order
from vivre.payments.models import Payment

from .conftest import CVV, review_form

pytestmark = pytest.mark.django_db

NUMBERS = ["4242424242424242", "4000000000000002", "4242424242424241", "4000000000000119"]
CVV_ALONE = re.compile(rf"(?<![0-9A-Za-z]){CVV}(?![0-9A-Za-z])")


def leaks(text: str) -> list[str]:
    """Return the card numbers (plain or spaced) and the CVV found in text."""
    found = []
    flat = re.sub(r"[\s-]", "", text)
    found += [n for n in NUMBERS if n in flat]
    found += ["cvv"] if CVV_ALONE.search(text) else []
    return found


def dump_database() -> str:
    """Return every row of every table as text."""
    out = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            out.append(f"{table}: {cursor.fetchall()!r}")
    return "\n".join(out)


@pytest.mark.promise("P7")
def test_card_number_and_cvv_are_nowhere_after_checkout(client, bag, caplog):
    # given a shopper who mistypes, is declined, meets an outage, then pays
    caplog.set_level(logging.DEBUG)
    pages = []
    with CaptureQueriesContext(connection) as queries:
        for card in (
            "4242 4242 4242 4241",  # fails the Luhn check
            "4000 0000 0000 0002",  # declined
            "4000 0000 0000 0119",  # processor times out
            "4242 4242 4242 4242",  # approved
        ):
            response = client.post("/checkout/review/", review_form(client, card_number=card))
            pages.append(response.content.decode())
        pages.append(client.get(response["Location"]).content.decode())

    # (the search finds what it looks for, and looks where the data is)
    assert leaks(f"4242 4242 4242 4242 / {CVV}") == ["4242424242424242", "cvv"]
    order = Order.objects.get()
    assert order.number in dump_database()
    assert str(order.pk) in repr([s.get_decoded() for s in Session.objects.all()])
    assert "Payment Required: /checkout/review/" in caplog.text

    # then the number and CVV are in no table
    assert leaks(dump_database()) == []
    # nor in any SQL sent to the database
    assert leaks("\n".join(q["sql"] for q in queries.captured_queries)) == []
    # nor in any session, decoded
    assert leaks(repr([s.get_decoded() for s in Session.objects.all()])) == []
    # nor in the cookies, the rendered pages, the logs or any e-mail
    assert leaks(repr({k: v.value for k, v in client.cookies.items()})) == []
    for page in pages:
        assert leaks(page) == []
    assert leaks(caplog.text) == []
    assert leaks(repr([(m.subject, m.body) for m in mail.outbox])) == []
    # while the payment keeps the brand and last four digits
    payment = Payment.objects.get()
    assert (payment.brand, payment.last4) == ("visa", "4242")


@pytest.mark.promise("P7")
def test_card_fields_are_empty_when_the_page_is_shown_again(client, bag):
    # given a payment that fails on the expiry date
    form = review_form(client, expiry="01/20")

    # when the review page is shown again with the error
    response = client.post("/checkout/review/", form)

    # then the number, expiry and CVV fields are empty, the name is kept
    page = response.content.decode()
    assert response.status_code == 400
    for name in ("card_number", "expiry", "cvv"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)[0]
        assert "value=" not in tag
    assert 'value="Ada Lovelace"' in page
    assert leaks(page) == []
    assert "01/20" not in page


@pytest.mark.promise("P7")
def test_error_report_of_a_crash_at_payment_hides_the_card(client, bag, caplog, monkeypatch):
    # given a bug that crashes the order service mid-payment
    from django.views.debug import ExceptionReporter

    from vivre.checkout import services

    def crash(**kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(services, "mark_authorized", crash)
    client.raise_request_exception = False

    # when the shopper pays
    response = client.post("/checkout/review/", review_form(client))

    # then the server error's report, as mailed to admins, hides the card fields
    assert response.status_code == 500
    record = next(r for r in caplog.records if r.name == "django.request")
    report = ExceptionReporter(record.request, *record.exc_info).get_traceback_text()
    assert "card_number" in report  # the POST section is there...
    assert leaks(report) == []  # ...with the values hidden
    assert leaks(caplog.text) == []
