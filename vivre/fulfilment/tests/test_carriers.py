"""The UPS adapter: 1Z numbers and their check digit, tracking links, label data (P17)."""

import pytest

from vivre.fulfilment.carriers import (
    CARRIERS,
    UPS,
    InvalidTrackingNumber,
    get_carrier,
    ups_check_digit,
)
from vivre.fulfilment.models import Shipment
from vivre.orders.testing import make_order

# Published valid UPS numbers: UPS's developer guide, and the test set of
# jkeen/tracking_number_data (couriers/ups.json).
KNOWN_VALID = [
    "1Z999AA10123456784",
    "1Z5R89390357567127",
    "1Z879E930346834440",
    "1Z410E7W0392751591",
    "1Z8V92A70367203024",
    "1ZXX3150YW44070023",
]


@pytest.mark.parametrize("number", KNOWN_VALID)
def test_known_valid_ups_numbers_pass(number):
    # when a published UPS number is checked, then it is accepted as it is
    assert ups_check_digit(number[2:17]) == int(number[17])
    assert UPS().validate_tracking_number(number) == number


def test_typed_number_is_tidied():
    # when staff type a number in lower case with spaces, then it is normalised
    assert UPS().validate_tracking_number(" 1z 999 aa1 0123 4567 84 ") == "1Z999AA10123456784"


@pytest.mark.parametrize("number", KNOWN_VALID)
def test_a_one_digit_typo_fails_the_check_digit(number):
    # given a valid number with one digit changed
    position = next(i for i in range(17, 1, -1) if number[i].isdigit())
    typo = f"{number[:position]}{(int(number[position]) + 1) % 10}{number[position + 1 :]}"

    # when it is checked, then the check digit gives it away
    with pytest.raises(InvalidTrackingNumber, match="check digit"):
        UPS().validate_tracking_number(typo)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "Enter a UPS tracking number"),
        ("9400100000000000000000", 'starts with "1Z"'),
        ("1Z999AA1012345678", "has 18 characters; this one has 17"),
        ("1Z999AA1012345678!", "15 letters or digits"),
        ("1Z999AA10123456789", "check digit"),
    ],
)
def test_malformed_numbers_are_refused_with_a_clear_message(number, message):
    with pytest.raises(InvalidTrackingNumber, match=message):
        UPS().validate_tracking_number(number)


@pytest.mark.parametrize("service", ["standard", "express", "overnight", "unknown"])
def test_generated_numbers_validate(service):
    # when numbers are generated, then each is a valid 1Z number with a service code
    for _ in range(50):
        number = UPS().generate_tracking_number(service=service)
        assert UPS().validate_tracking_number(number) == number
        assert number.startswith("1Z") and len(number) == 18
    assert number[8:10] == UPS.SERVICE_CODES.get(service, "03")


def test_tracking_link_is_on_ups_com():
    assert (
        UPS().tracking_url("1Z999AA10123456784")
        == "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    )


def test_registry_defaults_to_ups():
    assert get_carrier().code == "ups"
    assert get_carrier("ups") is CARRIERS["ups"]
    with pytest.raises(KeyError):
        get_carrier("pigeon")


@pytest.mark.promise("P17")
@pytest.mark.django_db
def test_label_payload_holds_only_name_shipping_address_and_phone():
    # given an order with an e-mail, prices, a billing address, a card payment and an IP
    order = make_order()
    shipment = Shipment(order=order, carrier="ups")

    # when the carrier's label data is built
    payload = UPS().label_payload(order, shipment)

    # then it holds the name, shipping address and phone, and nothing else
    assert payload == {
        "name": "Ada Lovelace",
        "address": {
            "line1": "11 Mercer Street",
            "line2": "Floor 3",
            "city": "New York",
            "state": "NY",
            "postal_code": "10013",
            "country": "US",
        },
        "phone": "+12125550148",
    }
    flat = repr(payload)
    for other in (order.email, str(order.total), order.number, "203.0.113.9", "4242", "Product"):
        assert other not in flat
