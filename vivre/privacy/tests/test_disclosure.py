"""The disclosure gateway (P1, P13, P17): registered fields pass and are recorded, never values."""

import pytest

from vivre.privacy.datamap import Category
from vivre.privacy.disclosure import (
    REGISTRY,
    Allowed,
    DisclosureRefused,
    Purpose,
    Recipient,
    Role,
    disclose,
    register,
    subject_key_for_order,
)
from vivre.privacy.models import DisclosureRecord

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P17", "P1")]

BASIS = DisclosureRecord.Basis.PROCESSOR
CARRIER_PAYLOAD = {
    "name": "Ada Lovelace",
    "address": {
        "line1": "11 Mercer Street",
        "line2": "",
        "city": "New York",
        "state": "NY",
        "postal_code": "10013",
        "country": "US",
    },
    "phone": "+12125550148",
}
CARD = {
    "number": "4242424242424242",
    "exp_month": 12,
    "exp_year": 2099,
    "cvv": "987",
    "name": "Ada Lovelace",
}


def _carrier(payload, **kwargs):
    return disclose(
        recipient="carrier",
        payload=payload,
        subject_key="customer:1",
        purpose=Purpose.DELIVERY,
        basis=BASIS,
        **{"reference": "order VV-1 label ups", **kwargs},
    )


def test_registered_payload_passes_and_is_recorded_without_values():
    # when a carrier payload of registered fields is disclosed
    sent = _carrier(CARRIER_PAYLOAD)

    # then it comes back whole, and one record names the fields and categories
    assert sent == CARRIER_PAYLOAD
    record = DisclosureRecord.objects.get()
    assert record.recipient == "carrier"
    assert record.subject_key == "customer:1"
    assert record.fields == sorted(
        ["name", "phone", *(f"address.{k}" for k in CARRIER_PAYLOAD["address"])]
    )
    assert Category.PHONE in record.categories and Category.STREET in record.categories
    assert record.basis == BASIS and record.purpose == Purpose.DELIVERY
    assert record.reference == "order VV-1 label ups"
    # and no value is in it
    text = repr(list(DisclosureRecord.objects.values()))
    for value in ("Ada", "Mercer", "10013", "2125550148", "New York"):
        assert value not in text


def test_returned_payload_is_a_copy():
    payload = {"name": "Ada", "address": {"line1": "11 Mercer Street"}}
    sent = _carrier(payload)
    payload["address"]["line1"] = "changed"
    assert sent["address"]["line1"] == "11 Mercer Street"


@pytest.mark.parametrize(
    "extra",
    [
        {"email": "ada@example.com"},
        {"address": {"line1": "11 Mercer Street", "email": "ada@example.com"}},
        {"items": [{"sku": "NAP-OAT-4"}]},
        {"note": {"deep": {"deeper": "x"}}},
    ],
)
def test_an_unregistered_field_at_any_depth_refuses_the_whole_payload(extra):
    # given a payload with one field the carrier may not have
    payload = {**CARRIER_PAYLOAD, **extra}

    # when it is disclosed, then it is refused and nothing is recorded
    with pytest.raises(DisclosureRefused) as refused:
        _carrier(payload)
    assert refused.value.fields
    assert not DisclosureRecord.objects.exists()


def test_unknown_recipient_purpose_or_basis_is_refused():
    with pytest.raises(DisclosureRefused):
        disclose(recipient="data_broker", payload={"name": "Ada"}, subject_key="k",
                 purpose=Purpose.DELIVERY, basis=BASIS)  # fmt: skip
    with pytest.raises(DisclosureRefused):
        disclose(recipient="carrier", payload={"name": "Ada"}, subject_key="k",
                 purpose="marketing.advertising", basis=BASIS)  # fmt: skip
    with pytest.raises(DisclosureRefused):
        disclose(recipient="card_processor", payload={"amount": 1}, subject_key="k",
                 purpose=Purpose.CARD_PAYMENT, basis=DisclosureRecord.Basis.CONSENT)  # fmt: skip
    assert not DisclosureRecord.objects.exists()


def test_card_processor_gets_the_card_only_to_authorise():
    # given an authorisation payload: card, amount, billing line1 and ZIP
    payload = {
        "card": CARD,
        "amount": "10.00",
        "currency": "USD",
        "billing_address": {"line1": "11 Mercer Street", "postal_code": "10013", "country": "US"},
    }

    # then it passes for authorisation
    disclose(recipient="card_processor", payload=payload, subject_key="k",
             purpose=Purpose.CARD_AUTHORIZATION, basis=BASIS)  # fmt: skip
    record = DisclosureRecord.objects.get()
    assert "card.cvv" in record.fields and "card.number" in record.fields
    assert "4242424242424242" not in repr(record.__dict__) and "987" not in record.fields

    # but the card, and the CVV above all, is refused for a capture or a refund
    for extra in ({"card": {"cvv": "987"}}, {"card": {"number": CARD["number"]}}):
        with pytest.raises(DisclosureRefused):
            disclose(recipient="card_processor",
                     payload={"reference": "sbx_1", "amount": "1.00", **extra},
                     subject_key="k", purpose=Purpose.CARD_PAYMENT, basis=BASIS)  # fmt: skip
    # and the billing city, e-mail or shipping address never go
    for extra in ({"billing_address": {"city": "New York"}}, {"email": "a@example.com"},
                  {"shipping_address": {"line1": "x"}}):  # fmt: skip
        with pytest.raises(DisclosureRefused):
            disclose(recipient="card_processor", payload={"amount": "1.00", **extra},
                     subject_key="k", purpose=Purpose.CARD_AUTHORIZATION, basis=BASIS)  # fmt: skip
    assert DisclosureRecord.objects.count() == 1


@pytest.mark.promise("P13")
def test_correspondence_can_never_be_registered():
    # when anyone tries to register private content (correspondence) for a recipient
    with pytest.raises(ValueError, match="correspondence"):
        register(
            Recipient(
                name="partner_x", role=Role.PARTNER, label="A partner",
                purposes=frozenset({"marketing"}), bases=frozenset({BASIS}),
                fields={"message": Allowed(Category.PRIVATE_CONTENT)},
            )
        )  # fmt: skip

    # then it is not registered, and no registered recipient has such a field
    assert "partner_x" not in REGISTRY
    for recipient in REGISTRY.values():
        for allowed in recipient.fields.values():
            assert not allowed.category.startswith(Category.PRIVATE_CONTENT)


def test_every_recipient_has_a_known_role():
    assert {r.role for r in REGISTRY.values()} <= set(Role.ALL)
    assert REGISTRY["card_processor"].role == Role.PROCESSOR
    assert REGISTRY["carrier"].role == Role.CARRIER


def test_subject_key_is_the_account_or_the_hashed_email():
    class Order:
        customer_id = None
        email = "Ada@Example.com"

    guest = subject_key_for_order(Order())
    assert guest.startswith("email:") and "example" not in guest.lower()
    Order.customer_id = 42
    assert subject_key_for_order(Order()) == "customer:42"
