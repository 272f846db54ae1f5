"""Customer care: issues opened on an order, the reason care may reach the customer."""

import uuid

from django.conf import settings
from django.db import models

from vivre.orders.models import Order
from vivre.privacy.datamap import Category, Personal, Subject, Use


class OrderIssue(models.Model):
    """A problem with an order that care is working on.

    While an issue is open, care may reveal the customer's phone number to call
    them about it (P6); once it is resolved, that reason is gone.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Erased with the order: the summary describes the customer's problem.
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="care_issues")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # What the customer raised, in the associate's words: correspondence, so every
    # read of it goes through privacy.access.read_personal.
    summary = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Empty while the issue is open.
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["order", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", resolved_at__isnull=True)
                | models.Q(status="resolved", resolved_at__isnull=False),
                name="orderissue_resolved_at_matches_status",
            ),
        ]

    class PersonalData:
        subject = Subject.CUSTOMER
        summary = Personal(Category.PRIVATE_CONTENT, Use.CUSTOMER_CARE)
        # Which associates handled it (employee data), for accountability.
        opened_by = Personal(Category.PSEUDONYMOUS_ID, Use.SECURITY, Use.CUSTOMER_CARE)
        resolved_by = Personal(Category.PSEUDONYMOUS_ID, Use.SECURITY, Use.CUSTOMER_CARE)
        not_personal = ["id", "order", "status", "opened_at", "resolved_at"]
        owned_with = "order"
        erasure = "anonymize"
        retain = {
            "opened_by": "The associate, not the customer: kept for accountability.",
            "resolved_by": "The associate, not the customer: kept for accountability.",
        }

    def __str__(self):
        return f"Issue {self.pk}"  # admin logs store str(obj): no personal data

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
