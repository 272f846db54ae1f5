"""The place_order service: one transaction, all or nothing."""

import dataclasses
import uuid
from decimal import Decimal

import pytest

from vivre.catalog.testing import make_product
from vivre.checkout import services
from vivre.checkout.errors import CheckoutError, CheckoutErrorCode
from vivre.checkout.models import CheckoutDetails
from vivre.orders.models import Order
from vivre.payments.cards import CardDetails
from vivre.payments.gateway import BillingAddress
from vivre.payments.models import Payment
from vivre.payments.sandbox import SandboxProcessor

from .conftest import CVV, DETAILS, fill_bag

pytestmark = pytest.mark.django_db


class RecordingProcessor(SandboxProcessor):
    """The sandbox, keeping what it was sent and what it voided."""

    name = "recording"

    def __init__(self):
        self.calls, self.voided = [], []

    def authorize(self, **kwargs):
        self.calls.append(kwargs)
        return super().authorize(**kwargs)

    def void(self, *, reference):
        self.voided.append(reference)


def card(number="4242424242424242") -> CardDetails:
    return CardDetails(number=number, exp_month=12, exp_year=2099, cvv=CVV, name="Ada Lovelace")


def place(cart, **kwargs):
    return services.place_order(
        cart=cart,
        card=kwargs.pop("card", card()),
        idempotency_key=kwargs.pop("key", uuid.uuid4()),
        ip_address="198.51.100.7",
        **kwargs,
    )


@pytest.fixture
def ready_bag(client, variant):
    cart = fill_bag(client, (variant, 2))
    client.post("/checkout/", DETAILS)
    return cart


def test_place_order_takes_stock_and_refreshes_the_product(client, checkout_defaults):
    # given a bag holding the last unit of a product
    product = make_product(price="50.00", stock=1)
    cart = fill_bag(client, (product.variants.get(), 1))
    client.post("/checkout/", DETAILS)

    # when the order is placed
    order = place(cart)

    # then the product shows as out of stock
    product.refresh_from_db()
    assert product.in_stock is False
    assert order.status == Order.Status.AUTHORIZED
    assert order.cart == cart


def test_declined_card_rolls_everything_back(ready_bag, variant):
    # given a bag ready to pay
    # when the card is declined
    with pytest.raises(CheckoutError) as raised:
        place(ready_bag, card=card("4000000000000002"))

    # then the error says so, and the order, stock and details are as before
    assert raised.value.code == CheckoutErrorCode.CARD_DECLINED
    assert raised.value.http_status == 402
    assert not Order.objects.exists() and not Payment.objects.exists()
    variant.refresh_from_db()
    assert variant.stock == 5
    assert CheckoutDetails.objects.filter(cart=ready_bag).exists()
    ready_bag.refresh_from_db()
    assert ready_bag.checked_out_at is None


@pytest.mark.promise("P17")
def test_processor_receives_only_what_authorising_needs(ready_bag):
    # given a processor that records its calls
    processor = RecordingProcessor()

    # when the order is placed
    order = place(ready_bag, processor=processor)

    # then it got the card, the amount and the AVS fields, and no contact details
    (call,) = processor.calls
    assert set(call) == {"card", "amount", "currency", "billing_address"}
    assert call["amount"] == order.total and call["currency"] == "USD"
    assert call["billing_address"] == BillingAddress(
        line1="11 Mercer Street", postal_code="10013", country="US"
    )
    assert {f.name for f in dataclasses.fields(BillingAddress)} == {
        "line1",
        "postal_code",
        "country",
    }
    sent = repr(call)
    for private in ("ada@example.com", "5550148", "Floor 3", "New York"):
        assert private not in sent
    assert Payment.objects.get().processor == "recording"


def test_authorisation_is_voided_if_the_order_cannot_be_saved(ready_bag, monkeypatch):
    # given a processor that approves, and a failure after its approval
    processor = RecordingProcessor()

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "mark_authorized", broken)

    # when the order is placed
    with pytest.raises(RuntimeError):
        place(ready_bag, processor=processor)

    # then the hold is released and nothing is kept
    assert len(processor.voided) == 1
    assert not Order.objects.exists() and not Payment.objects.exists()


def test_same_key_returns_the_same_order(ready_bag):
    # given an order placed with a key
    key = uuid.uuid4()
    processor = RecordingProcessor()
    first = place(ready_bag, key=key, processor=processor)

    # when it is placed again with that key
    second = place(ready_bag, key=key, processor=processor)

    # then it is the same order, charged once
    assert first == second
    assert len(processor.calls) == 1


def test_order_copies_names_and_prices_at_purchase(ready_bag, variant):
    # given an order
    order = place(ready_bag)

    # when the catalogue changes afterwards
    variant.price = Decimal("999.00")
    variant.save()
    variant.product.name = "Renamed"
    variant.product.save()

    # then the order keeps what was bought, at what price
    line = order.lines.get()
    assert (line.unit_price, line.product_name) != (Decimal("999.00"), "Renamed")
    assert line.unit_price == Decimal("100.00")


def test_placed_order_is_announced_after_commit(ready_bag, django_capture_on_commit_callbacks):
    # given a listener for placed orders
    from vivre.orders.signals import order_placed

    heard = []

    def listener(sender, order_id, **kwargs):
        heard.append(order_id)

    order_placed.connect(listener)
    try:
        # when an order is placed and its transaction commits
        with django_capture_on_commit_callbacks(execute=True):
            order = place(ready_bag)
    finally:
        order_placed.disconnect(listener)

    # then the listener hears the order id, and nothing else
    assert heard == [order.pk]


def test_abandoned_details_are_forgotten(ready_bag, settings):
    # given details left at checkout 31 days ago
    import datetime

    from django.utils import timezone

    settings.VIVRE = {**settings.VIVRE, "CHECKOUT_DETAILS_RETENTION_DAYS": 30}
    CheckoutDetails.objects.update(updated_at=timezone.now() - datetime.timedelta(days=31))

    # when abandoned details are cleared
    forgotten = services.forget_abandoned_details()

    # then they are gone
    assert forgotten == 1
    assert not CheckoutDetails.objects.exists()
