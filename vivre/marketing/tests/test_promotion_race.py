"""Real threads against PostgreSQL: the promotion row lock keeps every usage limit."""

from __future__ import annotations

import html
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client

from vivre.catalog.testing import make_product
from vivre.checkout.testing import ensure_checkout_defaults
from vivre.checkout.tests.conftest import DETAILS, fill_bag, review_form
from vivre.marketing import promotions
from vivre.marketing.models import PromotionRedemption
from vivre.marketing.tests.test_promotions import make_promotion
from vivre.orders.models import Order
from vivre.orders.testing import make_order
from vivre.payments.models import Payment
from vivre.payments.sandbox import SandboxProcessor
from vivre.privacy.consent import subject_key_for_email

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def redeem_together(promotion, customer_keys, hold=0.3):
    """Call ``redeem`` from one thread per key at the same moment, each in its own transaction.

    Each holds its transaction open a moment after redeeming, so the others must
    wait on the lock rather than slip in before the commit. Returns what each got:
    the discount, or the ``PromotionError`` message.
    """
    orders = [make_order() for _ in customer_keys]
    barrier = threading.Barrier(len(customer_keys))
    results = [None] * len(customer_keys)

    def run(i, key):
        try:
            barrier.wait()
            with transaction.atomic():
                results[i] = promotions.redeem(
                    promotion_id=promotion.pk,
                    order=orders[i],
                    customer_key=key,
                    subtotal=Decimal("120.00"),
                )
                time.sleep(hold)
        except promotions.PromotionError as error:
            results[i] = error.message
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, k)) for i, k in enumerate(customer_keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_orders_for_the_last_use_one_gets_it():
    # given a code with one use left
    promotion = make_promotion(max_uses=1)
    # when two customers redeem it at the same moment
    results = redeem_together(
        promotion,
        [subject_key_for_email("ada@example.com"), subject_key_for_email("grace@example.com")],
    )
    # then exactly one has the discount and the other is told it is gone
    assert sorted(map(str, results)) == ["30.00", "This code is no longer available."]
    assert PromotionRedemption.objects.filter(promotion=promotion).count() == 1


def test_many_orders_never_exceed_the_total_limit():
    promotion = make_promotion(max_uses=3)
    keys = [subject_key_for_email(f"shopper{i}@example.com") for i in range(6)]
    results = redeem_together(promotion, keys, hold=0.1)
    assert sum(1 for r in results if isinstance(r, Decimal)) == 3
    assert PromotionRedemption.objects.filter(promotion=promotion).count() == 3


def test_one_customer_in_two_tabs_keeps_the_per_customer_limit():
    promotion = make_promotion(max_uses_per_customer=1)
    key = subject_key_for_email("ada@example.com")
    results = redeem_together(promotion, [key, key])
    assert sorted(map(str, results)) == ["30.00", "You have already used this code."]
    assert PromotionRedemption.objects.filter(promotion=promotion).count() == 1


class SlowProcessor(SandboxProcessor):
    """The sandbox, taking a moment to answer, so that the two checkouts overlap."""

    def authorize(self, **kwargs):
        time.sleep(0.3)
        return super().authorize(**kwargs)


def test_two_checkouts_for_the_last_use_place_one_discounted_order(settings):
    settings.VIVRE = {
        **settings.VIVRE,
        "PAYMENT_PROCESSOR": "vivre.marketing.tests.test_promotion_race.SlowProcessor",
        "SANDBOX_TIMEOUT_SECONDS": 0.01,
    }
    ensure_checkout_defaults()
    make_promotion("LAST-ONE", max_uses=1)
    # given two shoppers buying different things, each with the code applied
    buyers = []
    for email in ("ada@example.com", "grace@example.com"):
        client = Client()
        fill_bag(client, (make_product(price="80.00", stock=5).variants.get(), 1))
        assert client.post("/checkout/", {**DETAILS, "email": email}).status_code == 302
        applied = client.post(
            "/checkout/review/", {"action": "apply_promotion", "promotion_code": "last-one"}
        )
        assert applied.status_code == 302
        buyers.append((client, review_form(client)))
    barrier = threading.Barrier(2)
    responses = [None, None]

    def run(i, client, data):
        try:
            barrier.wait()
            responses[i] = client.post("/checkout/review/", data)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *b)) for i, b in enumerate(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then one order is placed with the discount; the other places nothing and is told why
    assert sorted(r.status_code for r in responses) == [302, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert "This code is no longer available." in html.unescape(loser.content.decode())
    order = Order.objects.get()
    assert (order.promotion_code, order.discount) == ("LAST-ONE", Decimal("20.00"))
    assert Payment.objects.count() == 1
    assert PromotionRedemption.objects.get().order == order
