"""Returns and exchanges of shipped items (P25: the money-back guarantee)."""

import uuid
from decimal import Decimal

from django.db import models

from vivre.catalog.models import Variant
from vivre.core.models import TimestampedModel
from vivre.orders.models import Order, OrderLine
from vivre.privacy.datamap import Category, Personal, Subject, Use


class ReturnRequest(TimestampedModel):
    """A customer's request to send shipped items back, for a refund or an exchange."""

    class Reason(models.TextChoices):
        FIT = "fit", "It doesn’t fit"
        NOT_AS_DESCRIBED = "not_as_described", "Not as described"
        DAMAGED = "damaged", "Arrived damaged"
        CHANGED_MIND = "changed_mind", "Changed my mind"
        OTHER = "other", "Another reason"

    class Resolution(models.TextChoices):
        REFUND = "refund", "Refund"
        EXCHANGE = "exchange", "Exchange"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        RECEIVED = "received", "Received"
        REFUNDED = "refunded", "Refunded"
        EXCHANGED = "exchanged", "Exchange shipped"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    # The customer's own words about the return; optional, and kept with the order.
    note = models.TextField(blank=True, max_length=500)
    resolution = models.CharField(max_length=10, choices=Resolution.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    refund_amount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    exchange_tracking_number = models.CharField(max_length=40, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    class PersonalData:
        subject = Subject.CUSTOMER
        note = Personal(Category.PRIVATE_CONTENT, Use.CUSTOMER_CARE)
        not_personal = [
            "id", "order", "reason", "resolution", "status", "refund_amount",
            "exchange_tracking_number", "received_at", "closed_at", "created_at", "updated_at",
        ]  # fmt: skip
        owned_with = "order"
        erasure = "anonymize"

    def __str__(self):
        return f"Return {str(self.pk)[:8]} of {self.order.number}"

    @property
    def reference(self) -> str:
        """The short reference printed on the parcel's return slip."""
        return f"R-{self.order.number}-{str(self.pk)[:4].upper()}"


class ReturnLine(models.Model):
    """How many of one order line go back, and what comes instead for an exchange."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    exchange_variant = models.ForeignKey(
        Variant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["request", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="returnline_qty_gt_0")
        ]

    class PersonalData:
        not_personal = ["id", "request", "order_line", "quantity", "exchange_variant"]

    def __str__(self):
        return f"{self.quantity} × {self.order_line_id}"
