"""Real threads against PostgreSQL: one certificate spent at once by two checkouts."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from vivre.orders.testing import make_order
from vivre.payments import giftcertificates as gc
from vivre.payments.models import LedgerEntry, LedgerTransaction

from .test_gift_certificate_ledger import item

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def delivered_certificate(amount: str):
    order = make_order()
    with transaction.atomic():
        [certificate] = gc.issue_for_order(order=order, items=[item(amount)])
    gc.deliver_certificate(certificate.pk)
    return certificate


def redeem_together(certificate, amounts: list[Decimal]) -> list[Decimal | BaseException]:
    """Redeem from one certificate in several threads at once, each its own checkout.

    Each thread stays in its transaction a moment after redeeming, as a checkout
    does while it authorizes the card for the rest, so the others must wait.
    """
    orders = [make_order() for _ in amounts]
    barrier = threading.Barrier(len(amounts))
    results: list = [None] * len(amounts)

    def run(i):
        try:
            barrier.wait()
            with transaction.atomic():
                results[i] = gc.redeem(
                    certificate_id=certificate.pk, amount=amounts[i], order=orders[i]
                )
                time.sleep(0.2)
        except BaseException as error:  # noqa: BLE001 - reported to the test
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(amounts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def certificate_entries(certificate) -> list[Decimal]:
    return list(
        LedgerEntry.objects.filter(certificate=certificate)
        .order_by("id")
        .values_list("amount", flat=True)
    )


def test_two_checkouts_spending_the_whole_balance_at_once_cannot_overspend():
    # given a $100 certificate
    certificate = delivered_certificate("100.00")
    # when two checkouts each try to spend all of it at the same moment
    results = redeem_together(certificate, [Decimal("100.00"), Decimal("100.00")])
    # then exactly one gets it, the other gets nothing
    assert sorted(results) == [Decimal("0.00"), Decimal("100.00")]
    assert gc.balance(certificate) == Decimal("0.00")
    assert LedgerTransaction.objects.filter(kind="redeem").count() == 1
    # and the balance was never negative at any point of the ledger
    running = Decimal("0")
    for amount in certificate_entries(certificate):
        running += amount
        assert running >= 0


def test_many_partial_spends_at_once_take_exactly_the_balance():
    # given a $100 certificate and five checkouts of $30 each
    certificate = delivered_certificate("100.00")
    # when they all redeem at once
    results = redeem_together(certificate, [Decimal("30.00")] * 5)
    # then 30 + 30 + 30 + 10 + 0 was taken, in some order, and nothing more
    assert not [r for r in results if isinstance(r, BaseException)]
    assert sorted(results) == [Decimal("0.00"), Decimal("10.00"), *[Decimal("30.00")] * 3]
    assert sum(results) == Decimal("100.00")
    assert gc.balance(certificate) == Decimal("0.00")
    for record in LedgerTransaction.objects.all():
        assert sum(record.entries.values_list("amount", flat=True)) == 0
