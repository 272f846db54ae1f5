"""Payments: what the processor authorised for an order. Never the card number or CVV."""

import uuid

from django.db import models

from vivre.core.models import TimestampedModel
from vivre.orders.models import Order
from vivre.privacy.datamap import Category, Personal, Subject, Use

from .cards import CardBrand


class Payment(TimestampedModel):
    """An authorisation for an order: processor reference, brand and last four digits only.

    The full number and the CVV are never stored here or anywhere else
    (docs/decisions/0001-card-data-at-checkout.md).
    """

    class Status(models.TextChoices):
        AUTHORIZED = "authorized", "Authorized"
        VOIDED = "voided", "Voided"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    processor = models.CharField(max_length=40)
    reference = models.CharField(max_length=100)
    # Shown to the shopper and to care ("Visa ending 4242") to tell cards apart.
    brand = models.CharField(max_length=20, choices=CardBrand.choices)
    last4 = models.CharField("last four digits", max_length=4)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AUTHORIZED)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["processor", "reference"], name="payment_reference_unique"
            ),
        ]

    class PersonalData:
        subject = Subject.CUSTOMER
        brand = Personal(Category.CREDIT_CARD, Use.PAYMENT, Use.CUSTOMER_CARE)
        last4 = Personal(Category.CREDIT_CARD, Use.PAYMENT, Use.CUSTOMER_CARE)
        # The processor's id of the hold: a key to the card at the processor.
        reference = Personal(Category.FINANCIAL, Use.PAYMENT)
        not_personal = [
            "id", "order", "processor", "amount", "currency", "status",
            "created_at", "updated_at",
        ]  # fmt: skip
        owned_with = "order"
        erasure = "anonymize"
        retain = {
            "reference": "Reconciles the money with the processor's settlements, refunds "
            "and chargebacks; it names no card or person at Vivre.",
        }

    def __str__(self):
        return f"{self.get_brand_display()} •••• {self.last4}"
