"""The gift-certificate ledger: every transaction sums to zero, the balance is the sum."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum

from vivre.cart.models import Cart, GiftCertificateItem
from vivre.orders.testing import make_order
from vivre.payments import giftcertificates as gc
from vivre.payments.models import GiftCertificate, LedgerEntry, LedgerTransaction

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P25")]


def item(amount="100.00", deliver_on=None, **kwargs) -> GiftCertificateItem:
    """An unsaved bag item, as checkout hands them to ``issue_for_order``."""
    return GiftCertificateItem(
        cart=Cart(),
        amount=Decimal(amount),
        recipient_name=kwargs.get("recipient_name", "Grace Hopper"),
        recipient_email=kwargs.get("recipient_email", "grace@example.com"),
        sender_name=kwargs.get("sender_name", "Ada"),
        message=kwargs.get("message", "Happy birthday!"),
        deliver_on=deliver_on or gc.shop_today(),
    )


def assert_ledger_balanced():
    """Every transaction's entries sum to zero, and each has at least two entries."""
    for record in LedgerTransaction.objects.all():
        amounts = list(record.entries.values_list("amount", flat=True))
        assert len(amounts) >= 2
        assert sum(amounts) == 0, record.kind


def ledger_balance(certificate) -> Decimal:
    total = LedgerEntry.objects.filter(certificate=certificate).aggregate(t=Sum("amount"))["t"]
    return total or Decimal("0")


def issue_and_deliver(amount="100.00") -> GiftCertificate:
    order = make_order()
    with transaction.atomic():
        [certificate] = gc.issue_for_order(order=order, items=[item(amount)])
    gc.deliver_certificate(certificate.pk)
    certificate.refresh_from_db()
    return certificate


def test_issue_writes_a_balanced_transaction_per_certificate():
    # given an order buying two certificates
    order = make_order()
    # when
    with transaction.atomic():
        certificates = gc.issue_for_order(
            order=order, items=[item("50.00"), item("125.50", recipient_name="Alan")]
        )
    # then each is scheduled, tied to the order, and worth its amount
    assert [c.status for c in certificates] == ["scheduled", "scheduled"]
    assert {c.order_id for c in certificates} == {order.pk}
    assert [gc.balance(c) for c in certificates] == [Decimal("50.00"), Decimal("125.50")]
    assert certificates[1].recipient_name == "Alan"
    issues = LedgerTransaction.objects.filter(kind="issue", order=order)
    assert issues.count() == 2
    sales = LedgerEntry.objects.filter(account="sales").aggregate(t=Sum("amount"))["t"]
    assert sales == Decimal("-175.50")
    assert_ledger_balanced()


def test_an_unbalanced_transaction_is_refused_and_nothing_written():
    certificate = issue_and_deliver()
    before = LedgerEntry.objects.count()
    with pytest.raises(gc.UnbalancedTransaction):
        gc._post(
            kind="redeem",
            order=None,
            entries=[
                ("certificate", certificate, Decimal("-10.00")),
                ("orders", None, Decimal("9.99")),
            ],
        )
    assert LedgerEntry.objects.count() == before
    assert gc.balance(certificate) == Decimal("100.00")


def test_partial_redeem_leaves_the_rest():
    # given
    certificate = issue_and_deliver("100.00")
    order = make_order()
    # when
    with transaction.atomic():
        taken = gc.redeem(certificate_id=certificate.pk, amount=Decimal("30.25"), order=order)
    # then
    assert taken == Decimal("30.25")
    assert gc.balance(certificate) == Decimal("69.75") == ledger_balance(certificate)
    redeem = LedgerTransaction.objects.get(kind="redeem")
    assert redeem.order == order
    assert sorted(redeem.entries.values_list("account", "amount")) == [
        ("certificate", Decimal("-30.25")),
        ("orders", Decimal("30.25")),
    ]
    assert_ledger_balanced()


def test_redeem_takes_no_more_than_the_balance_and_zero_once_empty():
    certificate = issue_and_deliver("40.00")
    with transaction.atomic():
        first = gc.redeem(certificate_id=certificate.pk, amount=Decimal("75.00"), order=None)
        second = gc.redeem(certificate_id=certificate.pk, amount=Decimal("75.00"), order=None)
    assert (first, second) == (Decimal("40.00"), Decimal("0.00"))
    assert gc.balance(certificate) == Decimal("0.00")
    assert LedgerTransaction.objects.filter(kind="redeem").count() == 1
    assert_ledger_balanced()


def test_redeem_refuses_negative_amounts():
    certificate = issue_and_deliver("40.00")
    with pytest.raises(ValueError):
        gc.redeem(certificate_id=certificate.pk, amount=Decimal("-10.00"), order=None)
    assert gc.balance(certificate) == Decimal("40.00")


def test_redeem_refuses_a_void_or_undelivered_certificate():
    order = make_order()
    with transaction.atomic():
        [scheduled] = gc.issue_for_order(order=order, items=[item()])
    with pytest.raises(gc.GiftCertificateError):
        gc.redeem(certificate_id=scheduled.pk, amount=Decimal("10.00"), order=None)
    gc.reverse_for_order(order=order)
    with pytest.raises(gc.GiftCertificateError) as error:
        gc.redeem(certificate_id=scheduled.pk, amount=Decimal("10.00"), order=None)
    assert "no longer valid" in error.value.message


def test_reverse_gives_back_what_the_cancelled_order_took_once():
    # given a certificate partly spent on an order, and on another order
    certificate = issue_and_deliver("100.00")
    cancelled, kept = make_order(), make_order()
    with transaction.atomic():
        gc.redeem(certificate_id=certificate.pk, amount=Decimal("60.00"), order=cancelled)
        gc.redeem(certificate_id=certificate.pk, amount=Decimal("15.00"), order=kept)
    assert gc.balance(certificate) == Decimal("25.00")
    # when the first order is cancelled, twice
    gc.reverse_for_order(order=cancelled)
    gc.reverse_for_order(order=cancelled)
    # then only its 60 came back, once
    assert gc.balance(certificate) == Decimal("85.00") == ledger_balance(certificate)
    reverse = LedgerTransaction.objects.get(kind="reverse")
    assert reverse.order == cancelled
    assert_ledger_balanced()


def test_reverse_voids_certificates_the_order_bought_not_yet_delivered():
    # given an order that bought one certificate for today (delivered) and one for later
    order = make_order()
    later = gc.shop_today() + timedelta(days=30)
    with transaction.atomic():
        now_one, later_one = gc.issue_for_order(
            order=order, items=[item("50.00"), item("80.00", deliver_on=later)]
        )
    gc.deliver_certificate(now_one.pk)
    # when
    gc.reverse_for_order(order=order)
    # then the undelivered one is void and empty, the delivered one keeps its value
    later_one.refresh_from_db()
    now_one.refresh_from_db()
    assert later_one.status == "void"
    assert gc.balance(later_one) == Decimal("0.00")
    assert now_one.status == "active"
    assert gc.balance(now_one) == Decimal("50.00")
    void = LedgerTransaction.objects.get(kind="void")
    assert sorted(void.entries.values_list("account", "amount")) == [
        ("certificate", Decimal("-80.00")),
        ("sales", Decimal("80.00")),
    ]
    # and delivering it later does nothing
    assert gc.deliver_certificate(later_one.pk) == "void"
    later_one.refresh_from_db()
    assert later_one.code_hash is None
    assert_ledger_balanced()


def test_issue_credit_is_active_at_once_with_a_refunds_entry(django_capture_on_commit_callbacks):
    # given
    order = make_order()
    # when
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        certificate = gc.issue_credit(
            order=order,
            amount=Decimal("42.50"),
            recipient_name="Ada Lovelace",
            recipient_email="ada@example.com",
        )
    # then
    assert certificate.kind == "refund_credit"
    assert certificate.status == "active"
    assert certificate.delivered_at is not None
    assert certificate.code_hash and len(certificate.code_hint) == 4
    assert gc.balance(certificate) == Decimal("42.50")
    entries = LedgerTransaction.objects.get(kind="issue").entries.values_list("account", "amount")
    assert sorted(entries) == [("certificate", Decimal("42.50")), ("refunds", Decimal("-42.50"))]
    assert_ledger_balanced()


@pytest.mark.parametrize("amount", ["0", "-5", "1.005", "NaN", "Infinity"])
def test_issue_credit_refuses_bad_amounts(amount):
    order = make_order()
    with pytest.raises(ValueError):
        gc.issue_credit(
            order=order, amount=Decimal(amount), recipient_name="Ada", recipient_email="a@b.example"
        )
    assert not GiftCertificate.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_the_whole_life_of_a_certificate_adds_up():
    # issue 200, spend 120 in two orders, cancel one of them, spend the rest
    certificate = issue_and_deliver("200.00")
    first, second, third = make_order(), make_order(), make_order()
    with transaction.atomic():
        gc.redeem(certificate_id=certificate.pk, amount=Decimal("70.00"), order=first)
        gc.redeem(certificate_id=certificate.pk, amount=Decimal("50.00"), order=second)
    gc.reverse_for_order(order=second)
    with transaction.atomic():
        taken = gc.redeem(certificate_id=certificate.pk, amount=Decimal("500.00"), order=third)
    assert taken == Decimal("130.00")
    assert gc.balance(certificate) == Decimal("0.00") == ledger_balance(certificate)
    assert_ledger_balanced()
    # and the whole ledger, all accounts together, nets to zero
    assert LedgerEntry.objects.aggregate(t=Sum("amount"))["t"] == 0
