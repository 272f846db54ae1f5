"""Keep card numbers out of every log line and traceback (P7).

The record factory redacts each record as it is made, so every handler (files,
consoles, test capture, error mail) sees the cleaned text; the handler filter is
a second line of defence for handlers configured elsewhere.
"""

import logging
import re

# 13 or more digits, optionally grouped by spaces or dashes: a card number is 13-19
# digits, and a longer run may hold one right after other digits (a reference glued
# to it, or a repr escape such as "\ue130" in a traceback), so the whole run goes.
CARD_NUMBER = re.compile(r"(?<!\d)(?:\d[ -]?){12,}\d(?!\d)")
_formatter = logging.Formatter()


def redact(text: str) -> str:
    """Replace anything shaped like a card number with a marker."""
    return CARD_NUMBER.sub("[card number removed]", text)


def _redact_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a malformed format string: leave it for the handler to report
        return record
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and not record.exc_text:
        # Exception messages land in tracebacks; format it now, cleaned.
        record.exc_text = redact(_formatter.formatException(record.exc_info))
    return record


class RedactCardNumbers(logging.Filter):
    """Rewrite a record so that no card-number-shaped digits reach a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


def install_record_factory() -> None:
    """Make every log record in the process redact itself when it is created."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "vivre_redacts", False):
        return

    def factory(*args, **kwargs):
        return _redact_record(previous(*args, **kwargs))

    factory.vivre_redacts = True
    logging.setLogRecordFactory(factory)
