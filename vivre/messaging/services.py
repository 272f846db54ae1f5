"""The outbox: write a message in the caller's transaction, deliver it after commit.

``send_email`` is the only way Vivre sends mail. It stores a :class:`Message` in
the transaction of the event that causes it and, once that transaction commits,
queues the ``deliver_message`` task. Delivery claims the message with a
conditional UPDATE, sends it with its stored Message-ID, and records the outcome;
see docs/messaging.md for the states and the one window that remains.
"""

from __future__ import annotations

import logging
import re
import smtplib
import uuid
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone

from .models import Message

logger = logging.getLogger(__name__)

# Wait before attempt 2, 3, …; after the last one the message fails.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# A message left in "sending" longer than this was abandoned by a dead worker.
# It must exceed the longest a live worker can spend on one send (SMTP_TIMEOUT
# for each of connect, EHLO, MAIL, RCPT and DATA).
SENDING_TIMEOUT = timedelta(minutes=10)
SMTP_TIMEOUT = 30


def brand_context() -> dict:
    """Return what every e-mail's header and footer show."""
    vivre = settings.VIVRE
    return {
        "store_name": vivre.get("STORE_NAME", "Vivre"),
        "postal_address": vivre["POSTAL_ADDRESS"],
        "care_email": vivre.get("CARE_EMAIL", ""),
        "care_phone": vivre.get("CARE_PHONE", ""),
    }


def new_message_id(pk: uuid.UUID) -> str:
    """Return an RFC 5322 Message-ID for a message, on DEFAULT_FROM_EMAIL's domain."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = address.rpartition("@")[2] or "vivre.example"
    return f"<{pk}@{domain}>"


def render_email(*, template: str, context: dict) -> tuple[str, str]:
    """Render ``messaging/email/<template>.txt`` and ``.html``; return (text, html).

    The text part is rendered without HTML escaping: a customer called O'Brien
    must not read ``O&#x27;Brien``.
    """
    full = {**brand_context(), **context}
    text_template = get_template(f"messaging/email/{template}.txt")
    text = text_template.template.render(Context(full, autoescape=False))
    html = get_template(f"messaging/email/{template}.html").render(full)
    # Template tags leave runs of blank lines; one blank line separates paragraphs.
    text = re.sub(r"\n[ \t]*(\n[ \t]*)+\n", "\n\n", text)
    return text.strip() + "\n", html


def send_email(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict,
    kind: str,
    dedupe_key: str,
    order_id: uuid.UUID | str | None = None,
    headers: dict[str, str] | None = None,
) -> Message:
    """Store an e-mail in the outbox and deliver it once the caller's transaction commits.

    Call it inside the transaction of the event that causes the mail: if that
    transaction rolls back, no message is stored and nothing is sent. Calling it
    again with the same ``dedupe_key`` returns the message already stored and
    queues nothing (one event, one e-mail). ``headers`` are extra e-mail headers
    sent with it (``List-Unsubscribe`` on marketing mail); they cannot replace the
    headers the outbox sets itself, and a value with a line break is refused.
    """
    extra = clean_headers(headers)
    existing = Message.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    text, html = render_email(template=template, context=context)
    pk = uuid.uuid4()
    message, created = Message.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "id": pk,
            "to_address": to,
            # A header cannot hold a line break.
            "subject_line": " ".join(subject.split()),
            "text_body": text,
            "html_body": html,
            "kind": kind,
            "message_id": new_message_id(pk),
            "order_id": order_id,
            "headers": extra,
        },
    )
    if created:
        transaction.on_commit(lambda: enqueue_delivery(message.pk), robust=True)
    return message


# Set by the outbox from the stored message; extra headers cannot replace them.
RESERVED_HEADERS = frozenset(
    {"message-id", "from", "to", "cc", "bcc", "subject", "date", "content-type",
     "content-transfer-encoding", "mime-version", "reply-to", "sender"}
)  # fmt: skip


def clean_headers(headers: dict[str, str] | None) -> dict[str, str]:
    """Return extra headers fit to store, or raise ValueError (a bug in the caller)."""
    cleaned: dict[str, str] = {}
    for name, value in (headers or {}).items():
        name, value = str(name), str(value)
        if not re.fullmatch(r"[A-Za-z0-9-]{1,76}", name) or name.lower() in RESERVED_HEADERS:
            raise ValueError(f"{name!r} cannot be set as an extra e-mail header.")
        if "\r" in value or "\n" in value:
            raise ValueError(f"The {name} header cannot hold a line break.")
        cleaned[name] = value
    return cleaned


def enqueue_delivery(message_pk, *, run_after: datetime | None = None) -> None:
    """Queue the delivery task for a message (a lost enqueue is redone by the sweep)."""
    from .tasks import deliver_message

    task = deliver_message.using(run_after=run_after) if run_after else deliver_message
    task.enqueue(str(message_pk))


def _claim(message_pk, now: datetime) -> bool:
    """Move a due queued message to sending; return False if another worker has it."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = (
        Message.objects.filter(due, pk=message_pk, state=Message.State.QUEUED)
        # updated_at is when the claim was made: the sweep measures staleness by it.
        .update(state=Message.State.SENDING, attempts=F("attempts") + 1, updated_at=now)
    )
    return claimed == 1


def build_email(message: Message, connection=None) -> EmailMultiAlternatives:
    """Return the Django e-mail for a stored message: its extra headers, its Message-ID."""
    extra = {
        name: value
        for name, value in (message.headers or {}).items()
        if name.lower() not in RESERVED_HEADERS
    }
    headers = {**extra, "Message-ID": message.message_id}
    email = EmailMultiAlternatives(
        subject=message.subject_line,
        body=message.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_address],
        headers=headers,
        connection=connection,
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    return email


def is_permanent(error: BaseException) -> bool:
    """Return True if retrying cannot help: the server refused the recipient or message.

    A ValueError is Django refusing the address itself (say, a line break in it).
    """
    if isinstance(error, ValueError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return 500 <= error.smtp_code < 600
    return False


def deliver(message_pk, *, connection=None) -> str:
    """Send one queued, due message over the mail connection; return its new state.

    Does nothing (and returns the current state) if the message is not queued or
    not yet due, or another worker claimed it first. A temporary failure puts the
    message back in the queue with a later ``next_attempt_at`` and queues a task
    for then; a refused recipient, or the last attempt, fails it.
    """
    now = timezone.now()
    if not _claim(message_pk, now):
        state = Message.objects.filter(pk=message_pk).values_list("state", flat=True).first()
        return state or "missing"
    message = Message.objects.get(pk=message_pk)
    own_connection = connection is None
    if own_connection:
        connection = get_connection(fail_silently=False, timeout=SMTP_TIMEOUT)
    try:
        # Opened here, so that sending does not also close it: the QUIT round trip
        # comes after the UPDATE below, outside the window.
        connection.open()
        build_email(message, connection).send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the message
        _close_quietly(connection, own_connection)
        return _record_failure(message, error)
    # The window: if this process dies between the server's 250 and this UPDATE,
    # the sweep re-sends with the same Message-ID (docs/messaging.md).
    now = timezone.now()
    Message.objects.filter(pk=message.pk, state=Message.State.SENDING).update(
        state=Message.State.SENT, sent_at=now, next_attempt_at=None, last_error="", updated_at=now
    )
    _close_quietly(connection, own_connection)
    return Message.State.SENT


def _close_quietly(connection, own_connection: bool) -> None:
    if not own_connection:
        return
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - the outcome is already recorded
        logger.info("Closing the mail connection failed", exc_info=True)


def _record_failure(message: Message, error: BaseException) -> str:
    description = f"{type(error).__name__}: {error}"[:2000]
    now = timezone.now()
    pending = Message.objects.filter(pk=message.pk, state=Message.State.SENDING)
    if is_permanent(error) or message.attempts >= MAX_ATTEMPTS:
        logger.warning("Message %s failed after %s attempt(s)", message.pk, message.attempts)
        pending.update(
            state=Message.State.FAILED, last_error=description, next_attempt_at=None, updated_at=now
        )
        return Message.State.FAILED
    retry_at = now + BACKOFF[min(message.attempts, len(BACKOFF)) - 1]
    logger.info("Message %s will be retried at %s", message.pk, retry_at.isoformat())
    pending.update(
        state=Message.State.QUEUED, last_error=description, next_attempt_at=retry_at, updated_at=now
    )
    enqueue_delivery(message.pk, run_after=retry_at)
    return Message.State.QUEUED


def requeue_stale(*, older_than: timedelta = SENDING_TIMEOUT) -> int:
    """Put messages abandoned in "sending" (a worker died mid-send) back in the queue.

    Their attempt was counted at the claim; their Message-ID is unchanged, so a
    re-send is recognisable as the same message. Return how many were requeued.
    """
    now = timezone.now()
    stale = Message.objects.filter(state=Message.State.SENDING, updated_at__lt=now - older_than)
    return stale.update(
        state=Message.State.QUEUED,
        next_attempt_at=now,
        last_error="Requeued: the worker sending it stopped before recording the outcome.",
        updated_at=now,
    )


def due_messages(*, now: datetime | None = None):
    """Return the queued messages whose next attempt is due, oldest first."""
    now = now or timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return Message.objects.filter(due, state=Message.State.QUEUED).order_by("created_at")


def retry_now(*, message: Message) -> Message:
    """Make a queued or failed message due at once and queue its delivery (staff action)."""
    if message.state not in (Message.State.QUEUED, Message.State.FAILED):
        return message
    now = timezone.now()
    fields = {"state": Message.State.QUEUED, "next_attempt_at": now, "updated_at": now}
    if message.state == Message.State.FAILED:
        fields["attempts"] = 0  # a failed message gets a fresh set of attempts
    if Message.objects.filter(pk=message.pk, state=message.state).update(**fields):
        transaction.on_commit(lambda: enqueue_delivery(message.pk), robust=True)
    message.refresh_from_db()
    return message


def sweep(*, enqueue: bool = True, older_than: timedelta = SENDING_TIMEOUT) -> dict:
    """Requeue stale "sending" messages and queue a delivery for every due one.

    A due message may have lost its task (the process died between commit and
    enqueue, or before re-enqueueing a retry); a second task for a message is
    harmless because delivery claims it with a conditional UPDATE.
    """
    requeued = requeue_stale(older_than=older_than)
    due = list(due_messages().values_list("pk", flat=True))
    if enqueue:
        for pk in due:
            enqueue_delivery(pk)
    return {"requeued": requeued, "due": len(due)}
