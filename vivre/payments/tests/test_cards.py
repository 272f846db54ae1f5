"""Card brand, Luhn, expiry, and the in-memory card that never shows its number."""

import datetime
import pickle

import pytest

from vivre.payments.cards import (
    CardBrand,
    CardDetails,
    cvv_length,
    detect_brand,
    expiry_passed,
    luhn_valid,
    normalize_number,
)


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4242424242424242", CardBrand.VISA),
        ("4222222222222", CardBrand.VISA),
        ("5555555555554444", CardBrand.MASTERCARD),
        ("2223003122003222", CardBrand.MASTERCARD),
        ("378282246310005", CardBrand.AMEX),
        ("371449635398431", CardBrand.AMEX),
        ("6011111111111117", CardBrand.DISCOVER),
        ("6445644564456445", CardBrand.DISCOVER),
        ("6221260000000000", CardBrand.DISCOVER),
        ("3530111333300000", None),  # JCB
        ("30569309025904", None),  # Diners Club
        ("37828224631000", None),  # Amex prefix, wrong length
        ("", None),
        ("4242abcd42424242", None),
    ],
)
def test_brand_is_read_from_prefix_and_length(number, brand):
    # given a card number
    # when its brand is detected
    # then it matches the card schemes' ranges
    assert detect_brand(number) == brand


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("4242424242424242", True),
        ("4242424242424241", False),
        ("378282246310005", True),
        ("4000000000000002", True),
        ("0000000000000000", True),
        ("12345", False),
        ("", False),
    ],
)
def test_luhn_check(number, valid):
    assert luhn_valid(number) is valid


def test_number_may_be_typed_with_spaces_or_dashes():
    assert normalize_number(" 4242 4242-4242 4242 ") == "4242424242424242"


def test_amex_has_four_digit_security_code():
    assert cvv_length(CardBrand.AMEX) == 4
    assert cvv_length(CardBrand.VISA) == 3


def test_card_works_through_the_last_day_of_its_month():
    # given the last day of November 2026 and the first of December
    nov_30, dec_1 = datetime.date(2026, 11, 30), datetime.date(2026, 12, 1)

    # then an 11/26 card still works on the 30th, not on the 1st
    assert expiry_passed(11, 2026, today=nov_30) is False
    assert expiry_passed(11, 2026, today=dec_1) is True
    assert expiry_passed(2, 2028, today=datetime.date(2028, 2, 29)) is False


@pytest.mark.promise("P7")
def test_card_details_never_show_or_serialise_the_number():
    # given a card in memory
    card = CardDetails(
        number="4242 4242 4242 4242", exp_month=8, exp_year=2030, cvv="864", name="Ada"
    )

    # when it is printed, formatted or pickled
    texts = [repr(card), str(card), f"{card}", "%s" % card, repr([card])]  # noqa: UP031

    # then only the brand and last four show, and pickling is refused
    for text in texts:
        assert "4242424242424242" not in text and "864" not in text
        assert "Visa •••• 4242" in text
    with pytest.raises(TypeError):
        pickle.dumps(card)
    assert not hasattr(card, "__dict__")
