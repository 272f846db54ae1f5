"""P7: no card number reaches a log line or a logged traceback, whatever surrounds it.

Hypothesis generates Luhn-valid numbers of every card length (13-19 digits), writes
them plain or grouped with spaces or dashes, embeds them in arbitrary text and
logs them through the shop's logging; the formatted output never holds the number.
"""

from __future__ import annotations

import io
import logging
from contextlib import contextmanager

import pytest
from django.conf import settings
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from vivre.core.logging import RedactCardNumbers, redact
from vivre.payments.cards import luhn_valid

pytestmark = pytest.mark.promise("P7")

LOGGER = "vivre.tests.card_redaction"


def luhn_check_digit(body: str) -> str:
    """Return the digit that makes ``body`` + digit pass the Luhn check."""
    total = 0
    for i, char in enumerate(reversed(body)):
        digit = int(char)
        if i % 2 == 0:  # doubled: these sit at odd positions once the check digit is added
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


@st.composite
def card_numbers(draw) -> str:
    length = draw(st.integers(min_value=13, max_value=19))
    body = "".join(str(d) for d in draw(st.lists(st.integers(0, 9), min_size=length - 1,
                                                  max_size=length - 1)))  # fmt: skip
    number = body + luhn_check_digit(body)
    assert luhn_valid(number)
    return number


@st.composite
def written(draw, number: str) -> str:
    """The number as someone might type or log it: plain, or in groups of any size."""
    style = draw(st.sampled_from(["plain", "4s", "any"]))
    if style == "plain":
        return number
    if style == "4s":
        cuts = list(range(4, len(number), 4))
    else:
        cuts = sorted(draw(st.sets(st.integers(1, len(number) - 1), max_size=len(number) - 1)))
    separators = draw(st.lists(st.sampled_from([" ", "-"]), min_size=len(cuts), max_size=len(cuts)))
    mixed = draw(st.booleans())
    out, start = [], 0
    for i, cut in enumerate(cuts):
        out.append(number[start:cut])
        out.append(separators[i] if mixed else separators[0])
        start = cut
    out.append(number[start:])
    return "".join(out)


@st.composite
def embedded(draw) -> tuple[str, str, str]:
    """Return (number, how it was written, the text around it)."""
    number = draw(card_numbers())
    as_written = draw(written(number))
    before, after = draw(st.text(max_size=40)), draw(st.text(max_size=40))
    return number, as_written, f"{before}{as_written}{after}"


@contextmanager
def captured():
    """Log to a StringIO through handlers configured like the shop's.

    One handler has the shop's filter, as in ``settings.LOGGING``; the other has
    none and relies only on the record factory installed at start-up, like any
    handler a library or an operator might add.
    """
    fmt = settings.LOGGING["formatters"]["plain"]["format"]
    configured, bare = io.StringIO(), io.StringIO()
    handlers = [logging.StreamHandler(configured), logging.StreamHandler(bare)]
    handlers[0].addFilter(RedactCardNumbers())
    logger = logging.getLogger(LOGGER)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(fmt))
        logger.addHandler(handler)
    old_level, old_propagate = logger.level, logger.propagate
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, (configured, bare)
    finally:
        for handler in handlers:
            logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


def assert_hidden(output: str, number: str, as_written: str) -> None:
    assert number not in output
    assert as_written not in output


def test_the_shop_installs_the_redacting_record_factory():
    assert getattr(logging.getLogRecordFactory(), "vivre_redacts", False)


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(embedded())
@example(("4242424242424242", "4242424242424242", "order 7734 paid 4242424242424242"))
@example(("4242424242424242", "4242 4242 4242 4242", "id=123456 4242 4242 4242 4242"))
@example(("4242424242424242", "4242424242424242", "ref 0000004242424242424242."))
@example(("378282246310005", "3782-822463-10005", "amex 3782-822463-10005 (x)"))
def test_a_card_number_in_any_text_never_reaches_the_log(case):
    number, as_written, text = case
    with captured() as (logger, streams):
        logger.info(text)
        logger.warning("card %s declined", text)
        logger.error("%(what)s", {"what": text})
    for stream in streams:
        assert_hidden(stream.getvalue(), number, as_written)


@hypothesis_settings(max_examples=150, deadline=None)
@given(embedded())
def test_a_card_number_in_an_exception_never_reaches_a_logged_traceback(case):
    number, as_written, text = case
    with captured() as (logger, streams):
        try:
            try:
                raise KeyError(text)
            except KeyError as first:
                raise ValueError(f"payment failed for {text}") from first
        except ValueError:
            logger.exception("while charging")
            logger.error("again", exc_info=True)
    for stream in streams:
        output = stream.getvalue()
        assert "Traceback" in output and "ValueError" in output
        assert_hidden(output, number, as_written)


@given(embedded())
def test_redact_leaves_no_card_number_in_the_text(case):
    number, as_written, text = case
    assert_hidden(redact(text), number, as_written)
