"""Gift certificates: codes, delivery on the date, look-up, throttling (P25, P12)."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vivre.messaging.models import Message
from vivre.orders.testing import make_order
from vivre.payments import giftcertificates as gc
from vivre.payments.gift_certificate_tasks import deliver_gift_certificate
from vivre.payments.models import GiftCertificate
from vivre.privacy.testing import dump_database

from .test_gift_certificate_ledger import item

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P25")]

CODE_RE = re.compile(r"VIVR(?:-[2-9A-HJKMNP-Z]{4}){4}")


def code_in(message: Message) -> str:
    [code] = set(CODE_RE.findall(message.text_body))
    return code


def issue(items, capture) -> list[GiftCertificate]:
    """Issue certificates in an order's transaction, running its after-commit work."""
    order = make_order()
    with capture(execute=True), transaction.atomic():
        return gc.issue_for_order(order=order, items=items)


def run_delivery_tasks(capture) -> list[str]:
    """Run every due certificate-delivery task, as the worker would."""
    outcomes = []
    for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
        if not result.task_path.endswith("deliver_gift_certificate"):
            continue
        with capture(execute=False):
            outcomes.append(result.task.call(*result.task_result.args))
        result.delete()
    return outcomes


def delivered(capture, **kwargs) -> tuple[GiftCertificate, str]:
    """Issue one certificate for today and deliver it; return it and its code."""
    [certificate] = issue([item(**kwargs)], capture)
    assert run_delivery_tasks(capture) == ["delivered"]
    certificate.refresh_from_db()
    return certificate, code_in(Message.objects.get(kind="payments.gift_certificate"))


# --- codes ----------------------------------------------------------------------------


def test_codes_are_long_random_and_unambiguous():
    codes = {gc.generate_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert CODE_RE.fullmatch(code), code
        body = code.removeprefix("VIVR-").replace("-", "")
        assert len(body) >= 16
        assert not set(body) & set("01OIL")


def test_typed_codes_are_normalized_before_hashing():
    code = "VIVR-7KQ2-MX9D-4HTP-R8WC"
    same = ["vivr 7kq2 mx9d 4htp r8wc", "  VIVR7KQ2MX9D4HTPR8WC ", "7KQ2-MX9D-4HTP-R8WC"]
    assert {gc.code_hash(c) for c in same} == {gc.code_hash(code)}
    assert len(gc.code_hash(code)) == 64
    assert gc.code_hash(code) != gc.code_hash("VIVR-7KQ2-MX9D-4HTP-R8WD")


@override_settings(SECRET_KEY="another key of at least fifty characters, for this test only")
def test_the_hash_is_keyed_with_the_secret_key():
    import hashlib

    code = "VIVR-7KQ2-MX9D-4HTP-R8WC"
    assert gc.code_hash(code) != hashlib.sha256(b"VIVR7KQ2MX9D4HTPR8WC").hexdigest()
    with override_settings(SECRET_KEY="a different key, also long enough to be a real key"):
        other = gc.code_hash(code)
    assert gc.code_hash(code) != other


# --- delivery -------------------------------------------------------------------------


@pytest.mark.promise("P3")
def test_delivery_today_is_queued_at_once_and_emails_the_recipient(
    django_capture_on_commit_callbacks,
):
    # given a certificate bought for today
    [certificate] = issue([item("75.00")], django_capture_on_commit_callbacks)
    task = DBTaskResult.objects.get(task_path__endswith="deliver_gift_certificate")
    assert DBTaskResult.objects.ready().filter(pk=task.pk).exists()  # due now
    assert task.task_result.args == [str(certificate.pk)]  # an id only, never the code
    # when the worker runs it
    assert run_delivery_tasks(django_capture_on_commit_callbacks) == ["delivered"]
    # then the certificate is active with a hashed code, and the recipient has the code
    certificate.refresh_from_db()
    assert certificate.status == "active"
    assert certificate.delivered_at is not None
    message = Message.objects.get(kind="payments.gift_certificate")
    code = code_in(message)
    assert message.to_address == "grace@example.com"
    assert message.order_id is None  # the recipient's mail, not listed with the buyer's order
    assert certificate.code_hash == gc.code_hash(code)
    assert certificate.code_hint == code[-4:]
    assert "$75.00" in message.text_body
    assert "Ada" in message.subject_line
    assert "Happy birthday!" in message.text_body
    assert "never expires" in message.text_body


def test_a_later_date_is_queued_for_the_start_of_that_day_in_the_shops_zone(
    django_capture_on_commit_callbacks,
):
    # given
    day = gc.shop_today() + timedelta(days=10)
    # when
    [certificate] = issue([item(deliver_on=day)], django_capture_on_commit_callbacks)
    # then
    task = DBTaskResult.objects.get(task_path__endswith="deliver_gift_certificate")
    assert task.run_after == gc.delivery_start(day)
    assert timezone.localtime(task.run_after, gc.ZoneInfo("America/New_York")).hour == 0
    assert not DBTaskResult.objects.ready().filter(pk=task.pk).exists()
    # and run early anyway, it sends nothing and queues itself again
    assert deliver_gift_certificate.call(str(certificate.pk)) == "not_due"
    certificate.refresh_from_db()
    assert certificate.status == "scheduled" and certificate.code_hash is None
    assert not Message.objects.exists()


def test_delivering_twice_sends_one_code_and_one_email(django_capture_on_commit_callbacks):
    # given a delivered certificate
    certificate, code = delivered(django_capture_on_commit_callbacks)
    first_hash = certificate.code_hash
    # when the task runs again (a retry)
    with django_capture_on_commit_callbacks(execute=False):
        again = deliver_gift_certificate.call(str(certificate.pk))
    # then nothing changes
    assert again == "already_delivered"
    certificate.refresh_from_db()
    assert certificate.code_hash == first_hash == gc.code_hash(code)
    assert Message.objects.filter(kind="payments.gift_certificate").count() == 1


def test_delivery_over_real_smtp_once(smtp_server, django_capture_on_commit_callbacks):
    # given a certificate due today
    [certificate] = issue(
        [item("60.00", message="Enjoy <b>this</b> & more")], django_capture_on_commit_callbacks
    )
    # when the task runs twice and the outbox is delivered
    run_delivery_tasks(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        deliver_gift_certificate.call(str(certificate.pk))
    call_command("deliver_mail")
    # then exactly one e-mail arrived, with the code that works
    [mail] = smtp_server.messages
    assert mail["To"] == "grace@example.com"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    [code] = set(CODE_RE.findall(text))
    assert code in html
    assert gc.find_usable(code, ip="198.51.100.7").pk == certificate.pk
    # and the markup in the message is shown, escaped, in the HTML part
    assert "Enjoy &lt;b&gt;this&lt;/b&gt; &amp; more" in html
    assert "<b>this</b>" not in html
    assert "Enjoy <b>this</b> & more" in text


def test_markup_in_names_and_message_is_escaped_in_the_html_email(
    django_capture_on_commit_callbacks,
):
    evil = '<script>alert("x")</script>'
    delivered(
        django_capture_on_commit_callbacks, sender_name=evil, message=evil, recipient_name=evil
    )
    message = Message.objects.get(kind="payments.gift_certificate")
    assert "<script>" not in message.html_body
    assert "&lt;script&gt;" in message.html_body


@pytest.mark.promise("P7", "P26")
def test_the_code_is_stored_only_as_a_hash(django_capture_on_commit_callbacks):
    # given a delivered certificate
    certificate, code = delivered(django_capture_on_commit_callbacks)
    compact = gc.normalize_code(code)
    # when every table is read as text
    tables = dump_database()
    # then the code is only in the outbox (the e-mail itself), in no other table
    holding = {name for name, text in tables.items() if code in text or compact in text}
    assert holding == {Message._meta.db_table}
    assert certificate.code_hash in tables[GiftCertificate._meta.db_table]


# --- look-up and throttling ------------------------------------------------------------


def test_find_usable_accepts_the_code_however_typed(django_capture_on_commit_callbacks):
    certificate, code = delivered(django_capture_on_commit_callbacks)
    typed = code.lower().replace("-", " ")
    assert gc.find_usable(typed, ip="198.51.100.7").pk == certificate.pk
    assert gc.balance(certificate) == Decimal("100.00")


@pytest.mark.parametrize(
    "guess", ["VIVR-2222-3333-4444-5555", "VIVR-7KQ2", "", "' OR 1=1 --", "x" * 500]
)
def test_a_guessed_code_gets_one_generic_answer(guess):
    with pytest.raises(gc.GiftCertificateError) as error:
        gc.find_usable(guess, ip="198.51.100.7")
    assert error.value.code == "unknown"
    assert error.value.message == gc.UNKNOWN_CODE


def test_a_void_certificate_cannot_be_used(django_capture_on_commit_callbacks):
    certificate, code = delivered(django_capture_on_commit_callbacks)
    GiftCertificate.objects.filter(pk=certificate.pk).update(status="void")
    with pytest.raises(gc.GiftCertificateError) as error:
        gc.find_usable(code, ip="198.51.100.7")
    assert error.value.code == "void"


def test_an_emptied_certificate_cannot_be_used_again(django_capture_on_commit_callbacks):
    certificate, code = delivered(django_capture_on_commit_callbacks)
    with transaction.atomic():
        gc.redeem(certificate_id=certificate.pk, amount=Decimal("100.00"), order=make_order())
    with pytest.raises(gc.GiftCertificateError) as error:
        gc.find_usable(code, ip="198.51.100.7")
    assert error.value.code == "spent"


@pytest.mark.promise("P12")
def test_failed_lookups_are_throttled_per_ip(django_capture_on_commit_callbacks):
    # given a real certificate, and ten wrong guesses from one address
    certificate, code = delivered(django_capture_on_commit_callbacks)
    for n in range(gc.LOOKUP_LIMIT):
        with pytest.raises(gc.GiftCertificateError):
            gc.find_usable(f"VIVR-2222-3333-4444-{n + 2:04d}", ip="203.0.113.66")
    # when that address tries again, even with the right code
    with pytest.raises(gc.GiftCertificateError) as error:
        gc.find_usable(code, ip="203.0.113.66")
    # then it is refused as throttled
    assert error.value.code == "throttled"
    assert "Too many attempts" in error.value.message
    # while another address is not affected
    assert gc.find_usable(code, ip="198.51.100.7").pk == certificate.pk


@pytest.mark.promise("P12")
def test_successful_lookups_are_not_counted(django_capture_on_commit_callbacks):
    certificate, code = delivered(django_capture_on_commit_callbacks)
    for _ in range(gc.LOOKUP_LIMIT + 5):
        assert gc.find_usable(code, ip="203.0.113.66").pk == certificate.pk


@pytest.mark.promise("P25")
def test_the_sweep_delivers_a_certificate_whose_task_was_lost(django_capture_on_commit_callbacks):
    # given a certificate for today whose queued task never ran (lost with a crash)
    [certificate] = issue([item()], django_capture_on_commit_callbacks)
    DBTaskResult.objects.all().delete()

    # when cron runs the sweep, twice
    call_command("deliver_gift_certificates", stdout=io.StringIO())
    call_command("deliver_gift_certificates", stdout=io.StringIO())

    # then the recipient got exactly one code
    certificate.refresh_from_db()
    assert certificate.status == GiftCertificate.Status.ACTIVE
    assert Message.objects.filter(kind="payments.gift_certificate").count() == 1


@pytest.mark.promise("P25")
def test_the_sweep_leaves_certificates_for_a_later_day(django_capture_on_commit_callbacks):
    [certificate] = issue(
        [item(deliver_on=timezone.localdate() + timedelta(days=3))],
        django_capture_on_commit_callbacks,
    )

    assert gc.deliver_due_certificates() == 0
    certificate.refresh_from_db()
    assert certificate.delivered_at is None
