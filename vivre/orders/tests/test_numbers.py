"""Order numbers customers can read out."""

import re

from vivre.orders.numbers import ALPHABET, new_order_number


def test_order_numbers_use_an_unambiguous_alphabet():
    # given many new order numbers
    numbers = {new_order_number() for _ in range(500)}

    # then each looks like VV-XXXX-XXXX without 0/O, 1/I/L or U, and they differ
    assert len(numbers) == 500
    for number in numbers:
        assert re.fullmatch(rf"VV-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", number)
    assert not set("01ILOU") & set(ALPHABET)
