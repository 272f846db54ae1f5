"""Payments: authorisations and their capture, refunds, saved cards in the vault, and
gift certificates with their ledger. Never a card number in clear, never a CVV."""

import uuid
from decimal import Decimal

from django.conf import settings
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
        CAPTURED = "captured", "Captured"
        VOIDED = "voided", "Voided"
        REFUNDED = "refunded", "Refunded"

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
    # Captured when the order ships; refunds never exceed what was captured.
    captured_amount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    captured_at = models.DateTimeField(null=True, blank=True)
    refunded_amount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    voided_at = models.DateTimeField(null=True, blank=True)
    # The vaulted card it was charged to, if the customer chose a saved one.
    saved_card = models.ForeignKey(
        "SavedCard", on_delete=models.SET_NULL, null=True, blank=True, related_name="payments"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["processor", "reference"], name="payment_reference_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(captured_amount__lte=models.F("amount")),
                name="payment_capture_within_authorization",
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__lte=models.F("captured_amount")),
                name="payment_refunds_within_capture",
            ),
        ]

    class PersonalData:
        subject = Subject.CUSTOMER
        brand = Personal(Category.CREDIT_CARD, Use.PAYMENT, Use.CUSTOMER_CARE)
        last4 = Personal(Category.CREDIT_CARD, Use.PAYMENT, Use.CUSTOMER_CARE)
        # The processor's id of the hold: a key to the card at the processor.
        reference = Personal(Category.FINANCIAL, Use.PAYMENT)
        saved_card = Personal(Category.CREDIT_CARD, Use.PAYMENT)
        not_personal = [
            "id", "order", "processor", "amount", "currency", "status",
            "captured_amount", "captured_at", "refunded_amount", "voided_at",
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


class SavedCard(TimestampedModel):
    """A card a customer chose to save (P7): the number only as AES-256-GCM ciphertext.

    Envelope encryption (``vivre.payments.vault``): the number is encrypted under a
    per-card data key; the data key is stored wrapped by a key-encryption key that
    lives outside the database, named by ``kek_id``. ``fingerprint`` is a keyed
    HMAC of the number, so the same card saved twice is found without decrypting
    anything. Only brand, last four and expiry are ever shown. Never a CVV.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_cards"
    )
    brand = models.CharField(max_length=20, choices=CardBrand.choices)
    last4 = models.CharField("last four digits", max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    # nonce (12 bytes) + AES-GCM ciphertext and tag of the number, under the data key.
    number_ciphertext = models.BinaryField()
    # The data key, itself AES-GCM encrypted (wrapped) under the key-encryption key.
    wrapped_key = models.BinaryField()
    kek_id = models.CharField("key-encryption key id", max_length=40)
    fingerprint = models.CharField(max_length=64)
    # Which version of the fingerprint key made ``fingerprint`` (rotated with the KEK).
    fingerprint_key_id = models.CharField(max_length=40)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "fingerprint"], name="saved_card_once_per_customer"
            ),
        ]

    class PersonalData:
        subject = Subject.CUSTOMER
        brand = Personal(Category.CREDIT_CARD, Use.PAYMENT, Use.CUSTOMER_CARE)
        last4 = Personal(Category.CREDIT_CARD, Use.PAYMENT, Use.CUSTOMER_CARE)
        exp_month = Personal(Category.CREDIT_CARD, Use.PAYMENT)
        exp_year = Personal(Category.CREDIT_CARD, Use.PAYMENT)
        number_ciphertext = Personal(Category.CREDIT_CARD, Use.PAYMENT)
        fingerprint = Personal(Category.CREDIT_CARD, Use.PAYMENT)
        not_personal = ["id", "customer", "wrapped_key", "kek_id", "fingerprint_key_id",
                        "created_at", "updated_at"]  # fmt: skip
        owner = "customer"
        erasure = "delete"
        not_exported = {
            "number_ciphertext": "Encrypted; the card number is never given out, even to you.",
            "fingerprint": "A one-way key used only to notice the same card saved twice.",
        }

    def __str__(self):
        return f"{self.get_brand_display()} •••• {self.last4}"


class Refund(TimestampedModel):
    """Money given back for an order: to the card it was paid with, or as a gift certificate."""

    class Method(models.TextChoices):
        CARD = "card", "To the original card"
        GIFT_CERTIFICATE = "gift_certificate", "As gift-certificate credit"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    gift_certificate = models.ForeignKey(
        "GiftCertificate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=20, choices=Method.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    # Shown to the customer ("Returned: linen throw"); staff write no more than that.
    reason = models.CharField(max_length=200)
    processor_reference = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_positive"),
        ]

    class PersonalData:
        subject = Subject.CUSTOMER
        reason = Personal(Category.PRIVATE_CONTENT, Use.PAYMENT, Use.CUSTOMER_CARE)
        processor_reference = Personal(Category.FINANCIAL, Use.PAYMENT)
        not_personal = ["id", "order", "payment", "gift_certificate", "method", "amount",
                        "created_by", "created_at", "updated_at"]  # fmt: skip
        owned_with = "order"
        erasure = "anonymize"
        retain = {
            "processor_reference": "Reconciles the refund with the processor's settlements.",
        }

    def __str__(self):
        return f"Refund {self.pk}"


class GiftCertificate(TimestampedModel):
    """A gift certificate: bought in an order for someone, or given as refund credit.

    The code is shown once, in the e-mail to the recipient; the table keeps a keyed
    hash of it for look-ups and its last four characters to tell certificates apart.
    The balance is never stored: it is the sum of the certificate's ledger entries.
    """

    class Kind(models.TextChoices):
        PURCHASED = "purchased", "Bought as a gift"
        REFUND_CREDIT = "refund_credit", "Refund credit"

    class Status(models.TextChoices):
        # Bought, waiting for its delivery date (or for the order's payment).
        SCHEDULED = "scheduled", "Scheduled"
        ACTIVE = "active", "Active"
        VOID = "void", "Void"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    code_hint = models.CharField("last four characters", max_length=4, blank=True)
    amount = models.DecimalField("initial value", max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    # The order that bought it (or that the refund credit is for).
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="gift_certificates"
    )
    recipient_name = models.CharField(max_length=100)
    recipient_email = models.EmailField()
    sender_name = models.CharField(max_length=100, blank=True)
    message = models.TextField(max_length=500, blank=True)
    deliver_on = models.DateField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="certificate_positive"),
        ]

    class PersonalData:
        subject = Subject.CUSTOMER
        recipient_name = Personal(Category.NAME, Use.PROVIDE_SERVICE)
        recipient_email = Personal(Category.EMAIL, Use.PROVIDE_SERVICE)
        sender_name = Personal(Category.NAME, Use.PROVIDE_SERVICE)
        message = Personal(Category.PRIVATE_CONTENT, Use.PROVIDE_SERVICE)
        not_personal = [
            "id", "kind", "status", "code_hash", "code_hint", "amount", "currency",
            "order", "deliver_on", "delivered_at", "created_at", "updated_at",
        ]  # fmt: skip
        owned_with = "order"
        owner_email = "recipient_email"
        erasure = "anonymize"
        erasure_reason = "An unspent balance is money owed; the certificate stays spendable."

    def __str__(self):
        return f"Gift certificate …{self.code_hint}" if self.code_hint else "Gift certificate"


class LedgerTransaction(models.Model):
    """One movement of gift-certificate money: its entries always sum to zero."""

    class Kind(models.TextChoices):
        ISSUE = "issue", "Issued"
        REDEEM = "redeem", "Spent on an order"
        REVERSE = "reverse", "Given back (order cancelled or failed)"
        VOID = "void", "Voided"

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    class PersonalData:
        not_personal = ["id", "kind", "order", "created_at"]

    def __str__(self):
        return f"Ledger transaction {self.pk}"


class LedgerEntry(models.Model):
    """One side of a ledger transaction, on one account.

    Accounts: ``certificate`` (the holder's balance, when ``certificate`` is set),
    ``sales`` (money received for certificates sold), ``orders`` (certificate money
    applied to orders), ``refunds`` (credit given instead of a card refund).
    """

    class Account(models.TextChoices):
        CERTIFICATE = "certificate", "Certificate balance"
        SALES = "sales", "Certificates sold"
        ORDERS = "orders", "Applied to orders"
        REFUNDS = "refunds", "Refund credit"

    id = models.BigAutoField(primary_key=True)
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.CharField(max_length=20, choices=Account.choices)
    certificate = models.ForeignKey(
        GiftCertificate, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    # Positive adds to the account, negative takes from it.
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(account="certificate", certificate__isnull=False)
                | (~models.Q(account="certificate") & models.Q(certificate__isnull=True)),
                name="ledger_certificate_account_names_its_certificate",
            ),
        ]

    class PersonalData:
        not_personal = ["id", "transaction", "account", "certificate", "amount"]

    def __str__(self):
        return f"Ledger entry {self.pk}"
