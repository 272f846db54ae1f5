"""Orders: what a shopper bought, where it goes, and what it cost."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Round
from localflavor.us.us_states import STATE_CHOICES

from vivre.cart.models import Cart
from vivre.catalog.models import Variant
from vivre.core.models import TimestampedModel
from vivre.privacy.datamap import Category, Personal, Subject, Use


def state_choices() -> list[tuple[str, str]]:
    """Return the US states, DC, territories and military codes (localflavor's list)."""
    return list(STATE_CHOICES)


ZIP_CODE = RegexValidator(r"^\d{5}(-\d{4})?$", "Enter a ZIP code such as 10013 or 10013-1234.")

MONEY = {"max_digits": 10, "decimal_places": 2}


class AddressLines:
    """The lines of a US postal address on a label; for models with name, line1, line2,
    city, state and postal_code."""

    @property
    def lines(self) -> list[str]:
        """Return the address as the lines of a label."""
        return [
            line
            for line in (
                self.name,
                self.line1,
                self.line2,
                f"{self.city}, {self.state} {self.postal_code}",
                "United States",
            )
            if line
        ]


class Address(AddressLines, models.Model):
    """A postal address as it was given for one order; never edited afterwards.

    An order points at a snapshot, so a later change anywhere else cannot alter
    where a past order went or whom it was billed to.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    line1 = models.CharField("address", max_length=100)
    line2 = models.CharField("apartment, suite, floor", max_length=100, blank=True)
    city = models.CharField(max_length=60)
    state = models.CharField(max_length=2, choices=state_choices)
    postal_code = models.CharField("ZIP code", max_length=10, validators=[ZIP_CODE])
    country = models.CharField(max_length=2, default="US", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "addresses"

    class PersonalData:
        # Shipping addresses go to the carrier; billing addresses are checked by the
        # card processor (AVS); both are kept with the order for care and tax records.
        subject = Subject.CUSTOMER
        name = Personal(Category.NAME, Use.FULFILMENT, Use.PAYMENT, Use.CUSTOMER_CARE, Use.LEGAL)
        line1 = Personal(Category.STREET, Use.FULFILMENT, Use.PAYMENT, Use.CUSTOMER_CARE, Use.LEGAL)
        line2 = Personal(Category.STREET, Use.FULFILMENT, Use.CUSTOMER_CARE, Use.LEGAL)
        city = Personal(Category.CITY, Use.FULFILMENT, Use.CUSTOMER_CARE, Use.LEGAL)
        state = Personal(Category.STATE, Use.FULFILMENT, Use.CUSTOMER_CARE, Use.LEGAL)
        postal_code = Personal(
            Category.POSTAL_CODE, Use.FULFILMENT, Use.PAYMENT, Use.CUSTOMER_CARE, Use.LEGAL
        )
        country = Personal(Category.COUNTRY, Use.FULFILMENT, Use.PAYMENT, Use.LEGAL)
        not_personal = ["id", "created_at"]
        owned_by = {"orders.Order": ("shipping_address", "billing_address")}
        # Kept with the order for the tax records (docs/decisions/0003).
        erasure = "anonymize"
        erasure_reason = "The order stays for tax and accounting records."
        retain = {
            "state": "Sales tax is charged by the state an order ships to.",
            "country": "Always the United States; says nothing about the customer.",
        }

    def __str__(self):
        return f"Address {self.pk}"  # admin logs store str(obj): no personal data

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("An order address is a snapshot; create a new one instead.")
        super().save(*args, **kwargs)


class Order(TimestampedModel):
    """A purchase: its contact details, addresses, lines, and the money."""

    class Status(models.TextChoices):
        PLACED = "placed", "Placed"
        AUTHORIZED = "authorized", "Payment authorized"
        IN_FULFILMENT = "in_fulfilment", "In fulfilment"
        PARTLY_SHIPPED = "partly_shipped", "Partly shipped"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"
        RETURN_REQUESTED = "return_requested", "Return requested"
        RETURNED = "returned", "Returned"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=12, unique=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLACED)
    # Guest checkouts have no account, so the order keeps its own contact e-mail
    # (for the order and shipping e-mails, P5) and phone (for care, P6).
    email = models.EmailField()
    phone = models.CharField(max_length=20, help_text="E.164, e.g. +12125550148")
    shipping_address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="+")
    billing_address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="+")
    shipping_method_code = models.CharField(max_length=30)
    shipping_method_name = models.CharField(max_length=80)
    subtotal = models.DecimalField(**MONEY)
    shipping_charge = models.DecimalField(**MONEY)
    tax_rate = models.DecimalField(max_digits=6, decimal_places=5)
    tax = models.DecimalField(**MONEY)
    total = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="USD")
    # P11: the address the order was placed from, to diagnose problems and spot
    # abuse; cleared after ORDER_IP_RETENTION_DAYS (see services.clear_expired_ips).
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # The review form's key: a second submit of the same form finds this order
    # instead of charging again. Only honoured for the cart that placed it.
    idempotency_key = models.UUIDField(unique=True, editable=False)
    # Which bag became this order (the bag's id is the visitor's cart cookie).
    cart = models.ForeignKey(
        Cart, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Gift certificates bought in this order (their value; e-mailed, never shipped).
    gift_certificates_total = models.DecimalField(**MONEY, default=Decimal("0.00"))
    # P25, sending a gift: the shipping address is the recipient's; the packing slip
    # carries the message and no prices.
    is_gift = models.BooleanField(default=False)
    gift_message = models.TextField(blank=True, max_length=500)
    gift_wrap = models.BooleanField(default=False)
    gift_wrap_charge = models.DecimalField(**MONEY, default=Decimal("0.00"))
    # A promotion code's discount on the merchandise (issue 6); tax is on what remains.
    discount = models.DecimalField(**MONEY, default=Decimal("0.00"))
    promotion_code = models.CharField(max_length=30, blank=True)
    # Paid with gift certificates; the card was charged ``total`` minus this.
    paid_by_gift_certificates = models.DecimalField(**MONEY, default=Decimal("0.00"))
    # The account that placed (or later claimed) the order; empty for a guest.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email"]), models.Index(fields=["status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                # Rounded to cents: SQLite adds these as floating point, and
                # 180.00 + 9.95 + 15.98 there is 205.92999999999998, not 205.93.
                condition=models.Q(
                    total=Round(
                        models.F("subtotal")
                        + models.F("gift_certificates_total")
                        + models.F("shipping_charge")
                        + models.F("gift_wrap_charge")
                        + models.F("tax")
                        - models.F("discount"),
                        2,
                    )
                ),
                name="order_total_adds_up",
            ),
        ]

    class PersonalData:
        subject = Subject.CUSTOMER
        email = Personal(Category.EMAIL, Use.ORDER_NOTIFICATIONS, Use.CUSTOMER_CARE)
        phone = Personal(Category.PHONE, Use.CUSTOMER_CARE, Use.FULFILMENT)
        ip_address = Personal(Category.IP_ADDRESS, Use.DIAGNOSTICS, Use.SECURITY)
        cart = Personal(Category.COOKIE_ID, Use.PROVIDE_SERVICE)
        customer = Personal(Category.PSEUDONYMOUS_ID, Use.PROVIDE_SERVICE)
        gift_message = Personal(Category.PRIVATE_CONTENT, Use.FULFILMENT)
        owner = "customer"
        # A guest order placed with the same address before the account existed.
        owner_email = "email"
        # The money trail stays for tax records, without who bought (docs/decisions/0003).
        erasure = "anonymize"
        erasure_reason = "US tax law and the accounts need every sale kept for years."
        not_personal = [
            "id", "number", "status", "shipping_address", "billing_address",
            "shipping_method_code", "shipping_method_name", "subtotal", "shipping_charge",
            "tax_rate", "tax", "total", "currency", "idempotency_key",
            "gift_certificates_total", "is_gift", "gift_wrap", "gift_wrap_charge",
            "paid_by_gift_certificates", "discount", "promotion_code",
            "created_at", "updated_at",
        ]  # fmt: skip

    def __str__(self):
        return self.number

    def can_transition_to(self, status: str) -> bool:
        """Return True if the order may move from its current status to ``status``."""
        return status in TRANSITIONS.get(self.status, frozenset())

    def can_cancel(self) -> bool:
        """Return True while nothing of the order has shipped."""
        return self.can_transition_to(Order.Status.CANCELLED)


_S = Order.Status
#: Where an order may go from each status. Another partial shipment keeps an order
#: partly shipped, so that move is allowed; cancelled and returned are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    _S.PLACED: frozenset({_S.AUTHORIZED, _S.CANCELLED}),
    _S.AUTHORIZED: frozenset({_S.IN_FULFILMENT, _S.CANCELLED}),
    _S.IN_FULFILMENT: frozenset({_S.PARTLY_SHIPPED, _S.SHIPPED, _S.CANCELLED}),
    _S.PARTLY_SHIPPED: frozenset({_S.PARTLY_SHIPPED, _S.SHIPPED}),
    _S.SHIPPED: frozenset({_S.DELIVERED, _S.RETURN_REQUESTED}),
    _S.DELIVERED: frozenset({_S.RETURN_REQUESTED}),
    _S.RETURN_REQUESTED: frozenset({_S.RETURNED}),
    _S.RETURNED: frozenset(),
    _S.CANCELLED: frozenset(),
}


class OrderLine(models.Model):
    """One item of an order, with the product's name and price as they were at purchase."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # The catalogue may drop the variant later; the copies below keep the record whole.
    variant = models.ForeignKey(
        Variant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    product_name = models.CharField(max_length=120)
    variant_label = models.CharField(max_length=90, blank=True)
    sku = models.CharField("SKU", max_length=40)
    unit_price = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="orderline_qty_gt_0"),
        ]

    class PersonalData:
        # What a known person bought: purchase history, through the order's e-mail.
        subject = Subject.CUSTOMER
        variant = Personal(Category.PURCHASE_HISTORY, Use.FULFILMENT, Use.CUSTOMER_CARE)
        product_name = Personal(Category.PURCHASE_HISTORY, Use.FULFILMENT, Use.CUSTOMER_CARE)
        variant_label = Personal(Category.PURCHASE_HISTORY, Use.FULFILMENT, Use.CUSTOMER_CARE)
        sku = Personal(Category.PURCHASE_HISTORY, Use.FULFILMENT, Use.CUSTOMER_CARE)
        quantity = Personal(Category.PURCHASE_HISTORY, Use.FULFILMENT, Use.CUSTOMER_CARE)
        not_personal = ["id", "order", "unit_price", "line_total"]
        owned_with = "order"
        erasure = "keep"
        erasure_reason = (
            "What was sold is the accounting record; once the order is anonymized it no "
            "longer says to whom."
        )

    def __str__(self):
        return f"{self.quantity} × {self.sku}"


class OrderEvent(models.Model):
    """One thing that happened to an order, who did it, and when: the order's history."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    # Namespaced, e.g. "orders.order.shipped".
    type = models.CharField(max_length=60)
    # "system", "customer", or "staff" (then ``actor_user`` says who).
    actor = models.CharField(max_length=40)
    # The staff member who acted; kept for accountability, empty for the system and
    # shoppers, and set null if the staff account is ever deleted.
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Ids, statuses, quantities and codes only: never names, addresses or e-mails.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"])]

    class PersonalData:
        subject = Subject.CUSTOMER
        actor_user = Personal(Category.PSEUDONYMOUS_ID, Use.SECURITY, Use.CUSTOMER_CARE)
        not_personal = ["id", "order", "type", "actor", "data", "created_at"]
        owned_with = "order"
        erasure = "keep"
        erasure_reason = (
            "The order's history holds ids, statuses and codes only; actor_user is the "
            "staff member who acted (set null if that account goes)."
        )

    def __str__(self):
        return f"{self.type} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def actor_label(self) -> str:
        """Return who acted, for staff screens."""
        if self.actor_user_id:
            return f"{self.actor} {self.actor_user.get_username()}"
        return self.actor
