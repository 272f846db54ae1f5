"""Fulfilment: the parcels an order leaves in, and which order lines each holds."""

import uuid

from django.db import models

from vivre.core.models import TimestampedModel
from vivre.orders.models import Order, OrderLine
from vivre.privacy.datamap import Category, Personal, Subject, Use

from .carriers import CARRIERS, carrier_choices, get_carrier


class Shipment(TimestampedModel):
    """One parcel of an order, handed to a carrier."""

    class Status(models.TextChoices):
        PACKING = "packing", "Packing"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="shipments")
    carrier = models.CharField(max_length=20, choices=carrier_choices, default="ups")
    # Anyone holding it can follow the parcel to its town on the carrier's site, so
    # it is the customer's; empty until the carrier's label is made or typed in.
    tracking_number = models.CharField(max_length=40, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PACKING)
    shipped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"],
                condition=models.Q(tracking_number__isnull=False),
                name="shipment_tracking_unique_per_carrier",
            ),
        ]

    class PersonalData:
        subject = Subject.CUSTOMER
        tracking_number = Personal(
            Category.PSEUDONYMOUS_ID, Use.FULFILMENT, Use.ORDER_NOTIFICATIONS, Use.CUSTOMER_CARE
        )
        not_personal = [
            "id", "order", "carrier", "status", "shipped_at", "created_at", "updated_at",
        ]  # fmt: skip
        owned_with = "order"
        erasure = "anonymize"

    def __str__(self):
        return f"Shipment {self.pk}"

    @property
    def carrier_name(self) -> str:
        """Return the carrier's name ("UPS"), or its code if it is no longer offered."""
        carrier = CARRIERS.get(self.carrier)
        return carrier.name if carrier else self.carrier

    @property
    def tracking_url(self) -> str:
        """Return the carrier's tracking page for this parcel, or "" without a number."""
        if not self.tracking_number or self.carrier not in CARRIERS:
            return ""
        return get_carrier(self.carrier).tracking_url(self.tracking_number)


class ShipmentLine(models.Model):
    """How many of one order line went into a shipment."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["shipment", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="shipmentline_qty_gt_0"
            ),
            models.UniqueConstraint(
                fields=["shipment", "order_line"], name="shipmentline_once_per_shipment"
            ),
        ]

    class PersonalData:
        # Which items left in which parcel: part of what a known person bought.
        subject = Subject.CUSTOMER
        quantity = Personal(Category.PURCHASE_HISTORY, Use.FULFILMENT, Use.CUSTOMER_CARE)
        not_personal = ["id", "shipment", "order_line"]
        owned_with = "shipment"
        erasure = "keep"
        erasure_reason = "What left the warehouse, without who it went to: the stock record."

    def __str__(self):
        return f"{self.quantity} × line {self.order_line_id}"
