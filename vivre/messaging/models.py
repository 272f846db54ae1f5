"""The outbox: every e-mail Vivre sends, stored before it is delivered."""

import uuid

from django.db import models

from vivre.core.models import TimestampedModel
from vivre.privacy.datamap import Category, Personal, Subject, Use


class Message(TimestampedModel):
    """One e-mail, written in the transaction of the event that causes it.

    The delivery task moves it queued → sending → sent (or back to queued with a
    later ``next_attempt_at``, or to failed). ``message_id`` never changes, so a
    re-send after a crash carries the same Message-ID as the first attempt
    (docs/messaging.md).
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Where the mail goes; kept so care can tell a customer what was sent, and when.
    to_address = models.EmailField()
    # Subjects, bodies and the order link may carry a name, an address and what
    # was bought: the whole message is the customer's correspondence.
    # Named subject_line: ``PersonalData.subject`` names the data subject.
    subject_line = models.CharField("subject", max_length=300)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    kind = models.CharField(max_length=60, db_index=True)
    dedupe_key = models.CharField(max_length=200, unique=True)
    message_id = models.CharField("Message-ID", max_length=200, unique=True, editable=False)
    # Not a foreign key: messaging must not depend on orders; empty for mail about
    # no order (a password reset, a policy notice).
    order_id = models.UUIDField(null=True, blank=True, db_index=True)
    # Extra headers sent with it, e.g. List-Unsubscribe on marketing mail (RFC 8058).
    headers = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The SMTP server's reply to the last failed attempt; it may quote the address.
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="messaging_due_idx")]

    class PersonalData:
        subject = Subject.CUSTOMER
        to_address = Personal(Category.EMAIL, Use.ORDER_NOTIFICATIONS, Use.CUSTOMER_CARE)
        subject_line = Personal(
            Category.PRIVATE_CONTENT, Use.ORDER_NOTIFICATIONS, Use.CUSTOMER_CARE
        )
        text_body = Personal(Category.PRIVATE_CONTENT, Use.ORDER_NOTIFICATIONS, Use.CUSTOMER_CARE)
        html_body = Personal(Category.PRIVATE_CONTENT, Use.ORDER_NOTIFICATIONS, Use.CUSTOMER_CARE)
        last_error = Personal(Category.EMAIL, Use.ORDER_NOTIFICATIONS, Use.DIAGNOSTICS)
        order_id = Personal(Category.PURCHASE_HISTORY, Use.ORDER_NOTIFICATIONS, Use.CUSTOMER_CARE)
        # The unsubscribe link's signed token names the person (pseudonymously).
        headers = Personal(Category.PSEUDONYMOUS_ID, Use.MARKETING_EMAIL)
        not_personal = [
            "id",
            "kind",
            "dedupe_key",
            "message_id",
            "state",
            "attempts",
            "next_attempt_at",
            "sent_at",
            "created_at",
            "updated_at",
        ]
        owner_email = "to_address"
        owned_with = {"order_id": "orders.Order"}
        # The row stays as the record that a mail of this kind went out, and when.
        erasure = "anonymize"
        anonymize = {"headers": {}}

    def __str__(self):
        return f"Message {self.pk}"  # admin logs store str(obj): no personal data

    @property
    def subject(self) -> str:
        """Return the subject line."""
        return self.subject_line
