"""Logging filters that keep card numbers out of every log line (P7)."""

import logging
import re

# 13-19 digits, optionally grouped by spaces or dashes: the shape of a card number.
CARD_NUMBER = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


def redact(text: str) -> str:
    """Replace anything shaped like a card number with a marker."""
    return CARD_NUMBER.sub("[card number removed]", text)


class RedactCardNumbers(logging.Filter):
    """Rewrite a record's message so no card-number-shaped digits reach a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
