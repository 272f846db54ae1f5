"""Customer accounts: who can sign in, their address book, devices and data exports.

Staff sign in with the same ``User`` model (``is_staff``); their roles are groups
(``vivre.core.staff``).
"""

from __future__ import annotations

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from vivre.orders.models import ZIP_CODE, AddressLines, state_choices
from vivre.privacy.datamap import Category, Personal, Subject, Use


def normalize_email(email: str) -> str:
    """Return the form an address is stored and compared in: trimmed, lower case.

    Mail servers treat the local part case-insensitively in practice, and a
    shopper who types ``Ann@Example.com`` once and ``ann@example.com`` later is
    the same person.
    """
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        """Create an account; with no password it cannot sign in until one is set."""
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{self.model.USERNAME_FIELD: normalize_email(username)})


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: a customer, or a member of staff (``is_staff``)."""

    email = models.EmailField("e-mail address", max_length=254, unique=True)
    full_name = models.CharField("name", max_length=100, blank=True)
    # E.164 numbers; at least one of the two for a customer (P4).
    day_phone = models.CharField("daytime telephone", max_length=20, blank=True)
    evening_phone = models.CharField("evening telephone", max_length=20, blank=True)
    # False until the address is confirmed by the link e-mailed at registration.
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Raised by "sign out everywhere": every session made before no longer matches.
    session_generation = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    class PersonalData:
        subject = Subject.CUSTOMER
        owner = "self"
        email = Personal(Category.EMAIL, Use.PROVIDE_SERVICE, Use.ORDER_NOTIFICATIONS,
                         Use.MARKETING_EMAIL, Use.CUSTOMER_CARE)  # fmt: skip
        full_name = Personal(Category.NAME, Use.PROVIDE_SERVICE, Use.CUSTOMER_CARE)
        day_phone = Personal(Category.PHONE, Use.CUSTOMER_CARE, Use.FULFILMENT)
        evening_phone = Personal(Category.PHONE, Use.CUSTOMER_CARE, Use.FULFILMENT)
        password = Personal(Category.PASSWORD, Use.SECURITY)
        last_login = Personal(Category.ACCOUNT_ACTIVITY, Use.SECURITY)
        date_joined = Personal(Category.ACCOUNT_ACTIVITY, Use.PROVIDE_SERVICE)
        not_personal = ["id", "is_active", "is_staff", "is_superuser", "session_generation"]
        erasure = "delete"
        not_exported = {
            "password": "A one-way hash that can only check your password; giving it out "
            "would help anyone who got hold of the file to guess your password.",
        }

    def __str__(self):
        return f"User {self.pk}"  # admin logs keep str(obj): no personal data

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else ""

    def get_session_auth_hash(self):
        """Tie sessions to the password and to the session generation.

        Changing either signs out every session made before, which is how
        "sign out everywhere" works without touching the session store.
        """
        return salted_hmac(
            "vivre.accounts.User.session",
            f"{self.password}:{self.session_generation}",
            algorithm="sha256",
        ).hexdigest()

    @property
    def phones(self) -> list[str]:
        return [p for p in (self.day_phone, self.evening_phone) if p]


class Address(AddressLines, models.Model):
    """An address in a customer's address book (orders keep their own snapshots)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    name = models.CharField(max_length=100)
    line1 = models.CharField("address", max_length=100)
    line2 = models.CharField("apartment, suite, floor", max_length=100, blank=True)
    city = models.CharField(max_length=60)
    state = models.CharField(max_length=2, choices=state_choices)
    postal_code = models.CharField("ZIP code", max_length=10, validators=[ZIP_CODE])
    country = models.CharField(max_length=2, default="US", editable=False)
    is_default_shipping = models.BooleanField(default=False)
    is_default_billing = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default_shipping", "-is_default_billing", "created_at", "id"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default_shipping=True),
                name="one_default_shipping_address",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default_billing=True),
                name="one_default_billing_address",
            ),
        ]

    class PersonalData:
        subject = Subject.CUSTOMER
        owner = "user"
        name = Personal(Category.NAME, Use.FULFILMENT, Use.PAYMENT)
        line1 = Personal(Category.STREET, Use.FULFILMENT, Use.PAYMENT)
        line2 = Personal(Category.STREET, Use.FULFILMENT)
        city = Personal(Category.CITY, Use.FULFILMENT, Use.PAYMENT)
        state = Personal(Category.STATE, Use.FULFILMENT, Use.PAYMENT)
        postal_code = Personal(Category.POSTAL_CODE, Use.FULFILMENT, Use.PAYMENT)
        country = Personal(Category.COUNTRY, Use.FULFILMENT, Use.PAYMENT)
        not_personal = ["id", "user", "is_default_shipping", "is_default_billing", "created_at"]
        erasure = "delete"

    def __str__(self):
        return f"Address {self.pk}"


class RememberedDevice(models.Model):
    """A browser the customer asked to remember (P21), by a revocable token cookie.

    The cookie holds ``selector:validator``, signed; the table keeps the selector
    and only a keyed hash of the validator, so a copy of the database cannot sign
    anyone in. Never the password.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="devices")
    selector = models.CharField(max_length=32, unique=True)
    validator_hash = models.CharField(max_length=64)
    # True: keeps the customer signed in; False: only pre-fills the e-mail.
    keep_signed_in = models.BooleanField(default=False)
    # A coarse description the customer recognises ("Chrome on Linux"), not the raw agent.
    label = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_used_at"]

    class PersonalData:
        subject = Subject.CUSTOMER
        owner = "user"
        selector = Personal(Category.PSEUDONYMOUS_ID, Use.SECURITY)
        validator_hash = Personal(Category.PSEUDONYMOUS_ID, Use.SECURITY)
        label = Personal(Category.DEVICE, Use.SECURITY)
        last_used_at = Personal(Category.ACCOUNT_ACTIVITY, Use.SECURITY)
        not_personal = ["id", "user", "keep_signed_in", "created_at", "expires_at"]
        erasure = "delete"
        not_exported = {
            "selector": "Half of the key that signs this browser in; withheld so the file "
            "cannot be used to sign in.",
            "validator_hash": "A keyed hash of the other half of that key; withheld for the "
            "same reason.",
        }

    def __str__(self):
        return f"Device {self.pk}"


class DataExport(models.Model):
    """A customer's request for a copy of their data (GDPR Art. 15 and 20)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being prepared"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="exports")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # 0-100, shown while the background task works.
    progress = models.PositiveSmallIntegerField(default=0)
    # The JSON document itself; it lives only until ``expires_at``.
    content = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    class PersonalData:
        subject = Subject.CUSTOMER
        owner = "user"
        content = Personal(Category.PRIVATE_CONTENT, Use.PROVIDE_SERVICE)
        not_personal = ["id", "user", "status", "progress", "created_at", "finished_at",
                        "expires_at"]  # fmt: skip
        erasure = "delete"
        not_exported = {"content": "An earlier copy of this same data."}

    def __str__(self):
        return f"Export {self.pk}"
