"""Checkout: shipping methods, tax rates, and the details a shopper gave at step 1."""

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from vivre.cart.models import Cart
from vivre.core.models import TimestampedModel
from vivre.orders.models import ZIP_CODE, state_choices
from vivre.privacy.datamap import Category, Personal, Subject, Use


class ShippingMethod(models.Model):
    """A way to send an order, with its charge; staff edit these in the admin."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=200, blank=True, help_text="e.g. 2 business days")
    price = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    free_over = models.DecimalField(
        "free from",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Merchandise subtotal from which this method is free; empty for never.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "price", "code"]

    class PersonalData:
        not_personal = ["id", "code", "name", "description", "price", "free_over", "position",
                        "active"]  # fmt: skip

    def __str__(self):
        return self.name

    def charge_for(self, subtotal: Decimal) -> Decimal:
        """Return what this method costs for a merchandise subtotal."""
        if self.free_over is not None and subtotal >= self.free_over:
            return Decimal("0.00")
        return self.price


class TaxRate(models.Model):
    """The combined sales tax rate charged on goods shipped to a state."""

    state = models.CharField(max_length=2, choices=state_choices, unique=True)
    rate = models.DecimalField(
        max_digits=6,
        decimal_places=5,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.25"))],
        help_text="A fraction: 0.08875 is 8.875%.",
    )

    class Meta:
        ordering = ["state"]

    class PersonalData:
        not_personal = ["id", "state", "rate"]

    def __str__(self):
        return f"{self.state} {self.rate * 100:.3f}%"


class CheckoutDetails(TimestampedModel):
    """What a shopper entered at step 1, kept with their bag until the order is placed.

    Kept in the database rather than the session so that it is declared, bounded
    (one per bag) and deleted with the bag or when the order is placed.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cart = models.OneToOneField(Cart, on_delete=models.CASCADE, related_name="checkout_details")
    email = models.EmailField()
    phone = models.CharField(max_length=20)
    ship_name = models.CharField(max_length=100)
    ship_line1 = models.CharField(max_length=100)
    ship_line2 = models.CharField(max_length=100, blank=True)
    ship_city = models.CharField(max_length=60)
    ship_state = models.CharField(max_length=2, choices=state_choices)
    ship_postal_code = models.CharField(max_length=10, validators=[ZIP_CODE])
    billing_same = models.BooleanField(default=True)
    # Empty while the billing address is the shipping address.
    bill_name = models.CharField(max_length=100, blank=True)
    bill_line1 = models.CharField(max_length=100, blank=True)
    bill_line2 = models.CharField(max_length=100, blank=True)
    bill_city = models.CharField(max_length=60, blank=True)
    bill_state = models.CharField(max_length=2, choices=state_choices, blank=True)
    bill_postal_code = models.CharField(max_length=10, blank=True, validators=[ZIP_CODE])
    shipping_method = models.ForeignKey(
        ShippingMethod, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # P25: the order is a gift; the shipping address is then the recipient's.
    is_gift = models.BooleanField(default=False)
    gift_message = models.TextField(max_length=500, blank=True)
    gift_wrap = models.BooleanField(default=False)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name_plural = "checkout details"

    class PersonalData:
        subject = Subject.CUSTOMER
        email = Personal(Category.EMAIL, Use.ORDER_NOTIFICATIONS)
        phone = Personal(Category.PHONE, Use.CUSTOMER_CARE)
        ship_name = Personal(Category.NAME, Use.FULFILMENT)
        ship_line1 = Personal(Category.STREET, Use.FULFILMENT)
        ship_line2 = Personal(Category.STREET, Use.FULFILMENT)
        ship_city = Personal(Category.CITY, Use.FULFILMENT)
        ship_state = Personal(Category.STATE, Use.FULFILMENT, Use.LEGAL)
        ship_postal_code = Personal(Category.POSTAL_CODE, Use.FULFILMENT)
        bill_name = Personal(Category.NAME, Use.PAYMENT)
        bill_line1 = Personal(Category.STREET, Use.PAYMENT)
        bill_line2 = Personal(Category.STREET, Use.PAYMENT)
        bill_city = Personal(Category.CITY, Use.PAYMENT)
        bill_state = Personal(Category.STATE, Use.PAYMENT)
        bill_postal_code = Personal(Category.POSTAL_CODE, Use.PAYMENT)
        cart = Personal(Category.COOKIE_ID, Use.PROVIDE_SERVICE)
        gift_message = Personal(Category.PRIVATE_CONTENT, Use.FULFILMENT)
        not_personal = ["id", "billing_same", "shipping_method", "is_gift", "gift_wrap",
                        "created_at", "updated_at"]  # fmt: skip
        owned_with = "cart"
        owner_email = "email"
        erasure = "delete"

    def __str__(self):
        return f"Checkout details {self.pk}"

    def shipping_fields(self) -> dict[str, str]:
        return {
            "name": self.ship_name,
            "line1": self.ship_line1,
            "line2": self.ship_line2,
            "city": self.ship_city,
            "state": self.ship_state,
            "postal_code": self.ship_postal_code,
        }

    def billing_fields(self) -> dict[str, str]:
        if self.billing_same:
            return self.shipping_fields()
        return {
            "name": self.bill_name,
            "line1": self.bill_line1,
            "line2": self.bill_line2,
            "city": self.bill_city,
            "state": self.bill_state,
            "postal_code": self.bill_postal_code,
        }
