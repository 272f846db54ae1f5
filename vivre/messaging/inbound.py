"""Mail to customer care (P13, P16, P23): opt-outs by e-mail, everything else to care.

``process_inbound(raw)`` takes one RFC 5322 message as bytes. If it comes from a
sender Vivre knows (an account's address, an address on an order, or one the
consent ledger holds a choice for) and its subject or first lines ask to stop
mailings ("unsubscribe", "stop", "remove me", "opt out"), it records an opt-out
of Vivre's mailings and of partners' offers on every ledger key of that person
(channel ``email``, recorded by ``care-inbox``) and acknowledges it through the
outbox. Anything else, and any message from an unknown sender, is forwarded to
the care address through the outbox, and nothing else about it is kept.

Correspondence is confidential: nothing here logs a sender's address or a body,
only the outcome.
"""

from __future__ import annotations

import hashlib
import logging
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.html import strip_tags

from vivre.privacy.consent import Channel, Purpose, record_consent, subject_key_for_email

from .services import send_email

logger = logging.getLogger(__name__)

OPTED_OUT = "opted_out"
ROUTED = "routed"
IGNORED = "ignored"  # our own mail coming back: forwarding it again would loop

RECORDED_BY = "care-inbox"
FORWARD_KIND = "care.inbound"
ACK_KIND = "care.opt_out_ack"
OPT_OUT_PURPOSES = (Purpose.VIVRE_MAILINGS, Purpose.PARTNER_OFFERS)

# Anything larger is not a note to customer care; it is still forwarded, cut short.
MAX_BYTES = 5 * 1024 * 1024
FORWARD_MAX_CHARS = 20_000
SUBJECT_MAX = 200
# How many of the first non-empty, unquoted lines of the body may hold the request.
FIRST_LINES = 3

# Whole words: "non-stop" and "stopwatch" ask for nothing.
OPT_OUT_WORDS = re.compile(
    r"(?<![\w-])(?:unsubscribe|stop|remove\s+me|opt[\s-]?out)(?![\w-])", re.IGNORECASE
)


def _parse(raw: bytes) -> EmailMessage | None:
    try:
        return BytesParser(policy=policy.default).parsebytes(raw[:MAX_BYTES])
    except Exception:  # a message we cannot parse at all is forwarded as bytes
        return None


def _header(message: EmailMessage | None, name: str) -> str:
    if message is None:
        return ""
    try:
        value = message.get(name)
    except Exception:  # a malformed header reads as absent
        return ""
    return " ".join(str(value or "").split())


def sender_address(message: EmailMessage | None) -> str:
    """Return the one address in From (lower-cased), or "" if there is not exactly one."""
    raw = _header(message, "From")
    if not raw:
        return ""
    addresses = [a for _, a in getaddresses([raw]) if a]
    if len(addresses) != 1:
        return ""
    address = addresses[0].strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


def body_text(message: EmailMessage | None) -> str:
    """Return the message's text: the plain part, else the HTML part without tags."""
    if message is None:
        return ""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return ""
        content = part.get_content()
    except Exception:  # an undecodable body reads as empty
        return ""
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        content = strip_tags(content)
    return content


def first_lines(text: str, count: int = FIRST_LINES) -> list[str]:
    """Return the first ``count`` non-empty lines that are not quoted from an earlier mail."""
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(">"):
            continue
        if line == "--" or re.match(r"^On .+ wrote:$", line):
            break
        lines.append(line)
        if len(lines) >= count:
            break
    return lines


def asks_to_opt_out(subject: str, text: str) -> bool:
    """Return True if the subject or the first lines ask to stop mailings."""
    return any(OPT_OUT_WORDS.search(s) for s in [subject, *first_lines(text)])


def is_ours(sender: str) -> bool:
    """Return True for mail from Vivre's own addresses (a forward coming back)."""
    ours = {
        parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower(),
        settings.VIVRE.get("CARE_EMAIL", "").lower(),
    }
    return bool(sender) and sender in ours


def is_automatic(message: EmailMessage | None, sender: str) -> bool:
    """Return True for auto-replies and bounces: never read as a person's request."""
    auto = _header(message, "Auto-Submitted").lower()
    if auto and auto != "no":
        return True
    if _header(message, "Precedence").lower() in ("bulk", "junk", "list", "auto_reply"):
        return True
    return sender.partition("@")[0] in ("mailer-daemon", "postmaster")


def subject_keys_for_sender(address: str) -> list[str]:
    """Return every ledger key of a known sender, or [] if Vivre does not know the address."""
    from vivre.accounts.models import User
    from vivre.orders.models import Order
    from vivre.privacy.datamap import customer_keys
    from vivre.privacy.models import ConsentRecord

    email_key = subject_key_for_email(address)
    keys: list[str] = []
    for user in User.objects.filter(email__iexact=address, is_active=True):
        keys.extend(customer_keys(user))
    known = bool(keys) or (
        ConsentRecord.objects.filter(subject_key=email_key).exists()
        or Order.objects.filter(email__iexact=address).exists()
    )
    if not known:
        return []
    keys.append(email_key)
    return list(dict.fromkeys(keys))


def _fingerprint(message: EmailMessage | None, raw: bytes) -> str:
    """Return a stable id for this inbound message, so processing it twice sends nothing twice."""
    message_id = _header(message, "Message-ID")
    source = message_id.encode() if message_id else raw
    return hashlib.sha256(source).hexdigest()[:40]


def _record_opt_out(keys: list[str]) -> None:
    from vivre.accounts.services import policy_version

    version = policy_version()
    for key in keys:
        for purpose in OPT_OUT_PURPOSES:
            record_consent(
                subject_key=key,
                purpose=purpose,
                granted=False,
                channel=Channel.EMAIL,
                recorded_by=RECORDED_BY,
                policy_version=version,
            )


def _acknowledge(address: str, fingerprint: str) -> None:
    store = settings.VIVRE.get("STORE_NAME", "Vivre")
    send_email(
        to=address,
        subject=f"You will get no more mailings from {store}",
        template="notice",
        context={
            "heading": "You are unsubscribed",
            "paragraphs": [
                f"We received your e-mail asking us to stop. From now on we will send you "
                f"no news or offers from {store} and no partners' offers.",
                "You will still get e-mails about your orders, such as shipping confirmations.",
                "Changed your mind? You can turn mailings back on at any time in My "
                "Account, under Communication preferences.",
            ],
        },
        kind=ACK_KIND,
        dedupe_key=f"inbound-ack:{fingerprint}",
        # RFC 3834: an automatic reply, so that auto-responders do not answer it.
        headers={"Auto-Submitted": "auto-replied"},
    )


# Control characters (NUL above all: PostgreSQL text cannot hold it) never reach the outbox.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def _forward(message: EmailMessage | None, raw: bytes, sender: str, fingerprint: str) -> None:
    subject = _printable(_header(message, "Subject")[:SUBJECT_MAX])
    text = body_text(message) if message is not None else raw.decode("utf-8", "replace")
    text = _printable(text[:FORWARD_MAX_CHARS])
    paragraphs = [
        _printable(f"From: {_header(message, 'From')[:SUBJECT_MAX] or sender or '(no sender)'}"),
        _printable(f"Date: {_header(message, 'Date')[:SUBJECT_MAX] or '(no date)'}"),
        f"Subject: {subject or '(no subject)'}",
        *[p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()],
    ]
    send_email(
        to=settings.VIVRE["CARE_EMAIL"],
        subject=f"Customer mail: {subject or '(no subject)'}",
        template="notice",
        context={"heading": "A message to customer care", "paragraphs": paragraphs},
        kind=FORWARD_KIND,
        dedupe_key=f"inbound:{fingerprint}",
        headers={"Auto-Submitted": "auto-generated"},
    )


def process_inbound(raw: bytes) -> str:
    """Handle one inbound message; return ``"opted_out"``, ``"routed"`` or ``"ignored"``.

    A message from Vivre's own address (or one marked as generated by us) is
    ignored: forwarding it to care again would loop. Auto-replies and bounces are
    never read as an opt-out; they go to care.

    The opt-out and its acknowledgement, or the forward to care, are written in one
    transaction; the outbox delivers them after it commits. Processing the same
    message again (same Message-ID) records the opt-out again, harmlessly, and
    sends nothing twice.
    """
    if not isinstance(raw, bytes | bytearray):
        raise TypeError("process_inbound takes the message as bytes.")
    raw = bytes(raw)
    message = _parse(raw)
    sender = sender_address(message)
    fingerprint = _fingerprint(message, raw)
    if is_ours(sender):
        logger.info("Inbound care mail %s: %s", fingerprint[:12], IGNORED)
        return IGNORED
    automatic = is_automatic(message, sender)
    with transaction.atomic():
        keys = subject_keys_for_sender(sender) if sender and not automatic else []
        if keys and asks_to_opt_out(_header(message, "Subject"), body_text(message)):
            _record_opt_out(keys)
            _acknowledge(sender, fingerprint)
            outcome = OPTED_OUT
        else:
            _forward(message, raw, sender, fingerprint)
            outcome = ROUTED
    logger.info("Inbound care mail %s: %s", fingerprint[:12], outcome)
    return outcome
