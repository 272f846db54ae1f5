"""The cart of a visitor, found by the cart cookie."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models

from vivre.catalog.models import Variant
from vivre.core.models import TimestampedModel
from vivre.privacy.datamap import Category, Personal, Subject, Use


class Cart(TimestampedModel):
    """A visitor's cart. Its id travels in the strictly necessary cart cookie."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # P11: the address the cart was last used from, to diagnose problems and tell
    # one visitor's cart from another's. Cleared after CART_IP_RETENTION_DAYS.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    ip_recorded_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    # A signed-in customer's bag follows them from device to device; a guest's
    # bag is merged into it at sign-in.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="carts",
    )

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            # One open bag per customer: the merge at sign-in relies on finding it.
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(checked_out_at__isnull=True, customer__isnull=False),
                name="one_open_cart_per_customer",
            )
        ]

    class PersonalData:
        subject = Subject.VISITOR
        id = Personal(Category.COOKIE_ID, Use.PROVIDE_SERVICE)
        ip_address = Personal(Category.IP_ADDRESS, Use.DIAGNOSTICS, Use.SECURITY)
        customer = Personal(Category.PSEUDONYMOUS_ID, Use.PROVIDE_SERVICE)
        owner = "customer"
        erasure = "delete"
        not_personal = ["ip_recorded_at", "checked_out_at", "created_at", "updated_at"]

    def __str__(self):
        return f"Cart {self.pk}"


class CartLine(models.Model):
    """A variant in a cart, with the price the shopper saw when adding it."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    # The price shown when the line was added or last confirmed, so that a price
    # change can be pointed out before the shopper pays it.
    price_seen = models.DecimalField(max_digits=10, decimal_places=2)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cartline_variant_once"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="cartline_qty_gt_0"),
        ]

    class PersonalData:
        # The contents of a visitor's cart; tied to a person only through the cart.
        not_personal = ["id", "cart", "variant", "quantity", "price_seen", "added_at"]

    def __str__(self):
        return f"{self.quantity} × {self.variant_id}"

    @property
    def line_total(self) -> Decimal:
        return self.variant.price * self.quantity


class GiftCertificateItem(models.Model):
    """A gift certificate in the bag: its value and whom it is for, until the order is placed."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="gift_certificates")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    recipient_name = models.CharField(max_length=100)
    recipient_email = models.EmailField()
    sender_name = models.CharField(max_length=100, blank=True)
    message = models.TextField(max_length=500, blank=True)
    deliver_on = models.DateField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="cart_certificate_positive"
            ),
        ]

    class PersonalData:
        subject = Subject.CUSTOMER
        recipient_name = Personal(Category.NAME, Use.PROVIDE_SERVICE)
        recipient_email = Personal(Category.EMAIL, Use.PROVIDE_SERVICE)
        sender_name = Personal(Category.NAME, Use.PROVIDE_SERVICE)
        message = Personal(Category.PRIVATE_CONTENT, Use.PROVIDE_SERVICE)
        not_personal = ["id", "cart", "amount", "deliver_on", "added_at"]
        owned_with = "cart"
        owner_email = "recipient_email"
        erasure = "delete"

    def __str__(self):
        return f"Gift certificate item {self.pk}"
