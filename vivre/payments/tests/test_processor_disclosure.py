"""P17: the card processor receives exactly the registered fields of each call, and nothing else."""

import dataclasses
from decimal import Decimal

import pytest

from vivre.orders.services import AddressData
from vivre.orders.testing import make_order
from vivre.payments.gateway import Authorization, PaymentProcessor
from vivre.payments.models import Refund
from vivre.payments.services import authorize_payment, capture_payment, refund, void_payment
from vivre.privacy import disclosure
from vivre.privacy.disclosure import REGISTRY, DisclosureRefused, Purpose
from vivre.privacy.models import DisclosureRecord
from vivre.privacy.testing import dump_database

from .test_lifecycle import card

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P17", "P1")]

NUMBER, CVV = "4242424242424242", "987"
SHIPPING = AddressData(
    name="Grace Hopper", line1="99 Harbor Lane", line2="Apt 7", city="Arlington",
    state="VA", postal_code="22201",
)  # fmt: skip


class RecordingProcessor:
    """A processor that keeps every call's arguments, flattened to dotted paths."""

    name = "recording"

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []

    def _record(self, operation, **kwargs):
        flat = {}
        for key, value in kwargs.items():
            if dataclasses.is_dataclass(value):
                value = dataclasses.asdict(value)
            elif hasattr(value, "__slots__"):
                value = {slot: getattr(value, slot) for slot in value.__slots__}
            if isinstance(value, dict):
                flat.update({f"{key}.{k}": v for k, v in value.items()})
            else:
                flat[key] = value
        self.calls.append((operation, flat))

    def authorize(self, *, card, amount, currency, billing_address):
        self._record("authorize", card=card, amount=amount, currency=currency,
                     billing_address=billing_address)  # fmt: skip
        return Authorization(reference=f"rec_{len(self.calls)}", brand=card.brand,
                             last4=card.last4, amount=amount, currency=currency)  # fmt: skip

    def capture(self, *, reference, amount):
        self._record("capture", reference=reference, amount=amount)

    def void(self, *, reference):
        self._record("void", reference=reference)

    def refund(self, *, reference, amount):
        self._record("refund", reference=reference, amount=amount)
        return "rec_refund_1"


@pytest.fixture
def processor():
    return RecordingProcessor()


@pytest.fixture
def order():
    # shipping to someone else, so a shipping address leak would show
    return make_order(shipping_address=SHIPPING)


def _paid_and_refunded(order, processor):
    authorize_payment(order=order, card=card(NUMBER, cvv=CVV), processor=processor)
    capture_payment(order=order, processor=processor)
    order.status = "shipped"
    order.save(update_fields=["status"])
    refund(order=order, amount=Decimal("10.00"), method=Refund.Method.CARD,
           reason="Late delivery", processor=processor, notify=False)  # fmt: skip


def test_processor_receives_exactly_the_registered_fields_of_each_call(order, processor):
    # when an order is authorised, captured and partly refunded
    _paid_and_refunded(order, processor)

    # then each call held exactly the fields its disclosure record names
    records = list(DisclosureRecord.objects.filter(recipient="card_processor").order_by("id"))
    assert [op for op, _ in processor.calls] == ["authorize", "capture", "refund"]
    assert len(records) == 3
    registered = REGISTRY["card_processor"].fields
    for (operation, fields), record in zip(processor.calls, records, strict=True):
        assert sorted(fields) == record.fields
        assert set(fields) <= set(registered)
        assert record.reference == f"order {order.number} {operation}"
    authorize = processor.calls[0][1]
    assert set(authorize) == {
        "card.number", "card.exp_month", "card.exp_year", "card.cvv", "card.name",
        "amount", "currency",
        "billing_address.line1", "billing_address.postal_code", "billing_address.country",
    }  # fmt: skip
    assert authorize["card.cvv"] == CVV and authorize["card.name"] == "Ada Lovelace"
    # capture and refund name the hold by reference: no card, no address
    assert set(processor.calls[1][1]) == {"reference", "amount"}
    assert set(processor.calls[2][1]) == {"reference", "amount"}


def test_processor_never_receives_email_phone_or_shipping_address(order, processor):
    _paid_and_refunded(order, processor)
    void_payment(order=make_order(), processor=processor)  # nothing to void: no call

    sent = repr(processor.calls)
    for value in (order.email, order.phone, "Grace Hopper", "99 Harbor Lane", "Apt 7",
                  "Arlington", "22201", "203.0.113.9", order.number):  # fmt: skip
        assert value not in sent


def test_records_hold_no_card_number_or_cvv(order, processor):
    _paid_and_refunded(order, processor)
    records = repr(list(DisclosureRecord.objects.values()))
    assert NUMBER not in records and CVV not in records
    # nor anywhere else in the database
    database = repr(dump_database())
    assert NUMBER not in database
    assert f"'{CVV}'" not in database


def test_a_payload_the_gateway_refuses_never_reaches_the_processor(order, processor, monkeypatch):
    # given a gateway whose registry lost the card number (as if the payload grew a field)
    fields = dict(REGISTRY["card_processor"].fields)
    del fields["card.number"]
    monkeypatch.setitem(
        REGISTRY, "card_processor", dataclasses.replace(REGISTRY["card_processor"], fields=fields)
    )

    # when the card is authorised, then it is refused before the processor is called
    with pytest.raises(DisclosureRefused):
        authorize_payment(order=order, card=card(), processor=processor)
    assert processor.calls == []
    assert not DisclosureRecord.objects.exists()


def test_the_processor_receives_what_passed_the_gateway(order, processor, monkeypatch):
    # given a gateway that (for the test) blanks the cardholder's name on the way out
    real = disclosure.disclose

    def blanking(**kwargs):
        sent = real(**kwargs)
        if "card" in sent:
            sent["card"]["name"] = ""
        return sent

    monkeypatch.setattr("vivre.payments.services.disclose", blanking)

    # when the card is authorised, the processor sees the gateway's copy, not the original
    authorize_payment(order=order, card=card(), processor=processor)
    assert processor.calls[0][1]["card.name"] == ""


def test_recording_processor_fulfils_the_interface(processor):
    assert isinstance(processor, PaymentProcessor)
    assert Purpose.CARD_AUTHORIZATION in REGISTRY["card_processor"].purposes
