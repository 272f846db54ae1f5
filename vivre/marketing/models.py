"""Marketing: catalogue requests, contests, campaigns and promotion codes.

Every mailing is decided at the moment of sending from the consent ledger and the
suppression list (``vivre.privacy``); nothing here stores a standing "subscribed" flag.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models

from vivre.core.models import TimestampedModel
from vivre.orders.models import ZIP_CODE, Order, state_choices
from vivre.privacy.datamap import Category, Personal, Subject, Use


class CatalogueRequest(models.Model):
    """A request for the print catalogue (P8): a name and a postal address, nothing else.

    The choice about further mailings is not a field: it goes to the consent ledger
    under the address's keyed hash (``postal:`` subject key).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    line1 = models.CharField("address", max_length=100)
    line2 = models.CharField("apartment, suite, floor", max_length=100, blank=True)
    city = models.CharField(max_length=60)
    state = models.CharField(max_length=2, choices=state_choices)
    postal_code = models.CharField("ZIP code", max_length=10, validators=[ZIP_CODE])
    created_at = models.DateTimeField(auto_now_add=True)
    # When this request went to the mail house (it is then fulfilled).
    exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    class PersonalData:
        subject = Subject.CUSTOMER
        name = Personal(Category.NAME, Use.FULFILMENT, Use.MARKETING_POSTAL)
        line1 = Personal(Category.STREET, Use.FULFILMENT, Use.MARKETING_POSTAL)
        line2 = Personal(Category.STREET, Use.FULFILMENT, Use.MARKETING_POSTAL)
        city = Personal(Category.CITY, Use.FULFILMENT, Use.MARKETING_POSTAL)
        state = Personal(Category.STATE, Use.FULFILMENT, Use.MARKETING_POSTAL)
        postal_code = Personal(Category.POSTAL_CODE, Use.FULFILMENT, Use.MARKETING_POSTAL)
        not_personal = ["id", "created_at", "exported_at"]
        owner = None
        owner_reason = "Asked for by name and postal address only; tied to no account or e-mail."

    def __str__(self):
        return f"Catalogue request {self.pk}"


class Contest(TimestampedModel):
    """A contest or promotion people enter with their e-mail (P9)."""

    class Ask(models.TextChoices):
        NO = "no", "Not asked"
        OPTIONAL = "optional", "Asked, optional"
        REQUIRED = "required", "Required"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    rules = models.TextField()
    prize = models.CharField(max_length=200)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    winners_wanted = models.PositiveSmallIntegerField(default=1)
    asks_zip = models.CharField(max_length=10, choices=Ask.choices, default=Ask.NO)
    asks_age_band = models.CharField(max_length=10, choices=Ask.choices, default=Ask.NO)
    asks_income_band = models.CharField(max_length=10, choices=Ask.choices, default=Ask.NO)
    # A promotion code handed to every entrant (optional).
    promotion = models.ForeignKey(
        "Promotion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The draw: the seed that makes it reproducible, when, and by whom.
    draw_seed = models.CharField(max_length=64, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="contest_closes_after_it_opens",
            )
        ]

    class PersonalData:
        not_personal = [
            "id", "slug", "title", "rules", "prize", "opens_at", "closes_at", "winners_wanted",
            "asks_zip", "asks_age_band", "asks_income_band", "promotion", "draw_seed",
            "drawn_at", "drawn_by", "created_at", "updated_at",
        ]  # fmt: skip

    def __str__(self):
        return self.title


class ContestEntry(models.Model):
    """One person's entry in a contest: one per e-mail per contest."""

    class AgeBand(models.TextChoices):
        UNDER_25 = "under_25", "Under 25"
        FROM_25 = "25_34", "25–34"
        FROM_35 = "35_44", "35–44"
        FROM_45 = "45_54", "45–54"
        FROM_55 = "55_64", "55–64"
        OVER_65 = "65_plus", "65 or over"

    class IncomeBand(models.TextChoices):
        UNDER_50K = "under_50k", "Under $50,000"
        FROM_50K = "50k_100k", "$50,000–$99,999"
        FROM_100K = "100k_200k", "$100,000–$199,999"
        OVER_200K = "200k_plus", "$200,000 or more"

    id = models.BigAutoField(primary_key=True)
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    email = models.EmailField()
    zip_code = models.CharField("ZIP code", max_length=10, blank=True)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    income_band = models.CharField(max_length=10, choices=IncomeBand.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_winner = models.BooleanField(default=False)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "email"], name="one_entry_per_email"),
        ]

    class PersonalData:
        subject = Subject.CUSTOMER
        email = Personal(Category.EMAIL, Use.PROVIDE_SERVICE, Use.MARKETING_EMAIL)
        # Demographics: the contest itself, and otherwise only aggregate counts.
        zip_code = Personal(Category.POSTAL_CODE, Use.PROVIDE_SERVICE, Use.ANALYTICS)
        age_band = Personal(Category.AGE_RANGE, Use.PROVIDE_SERVICE, Use.ANALYTICS)
        income_band = Personal(Category.INCOME_RANGE, Use.PROVIDE_SERVICE, Use.ANALYTICS)
        not_personal = ["id", "contest", "created_at", "is_winner", "notified_at"]
        owner_email = "email"
        erasure = "delete"

    def __str__(self):
        return f"Entry {self.pk}"


class Promotion(TimestampedModel):
    """A promotion code: a percentage or an amount off, within dates and usage limits."""

    class Kind(models.TextChoices):
        PERCENT = "percent", "Percentage off"
        AMOUNT = "amount", "Amount off"

    code = models.CharField(max_length=30, unique=True)
    description = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.DecimalField(max_digits=8, decimal_places=2)
    minimum_spend = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    # Empty: no limit.
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    max_uses_per_customer = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gt=0), name="promotion_value_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="percent") | models.Q(value__lte=100),
                name="promotion_percent_at_most_100",
            ),
        ]

    class PersonalData:
        not_personal = [
            "id", "code", "description", "kind", "value", "minimum_spend", "starts_at",
            "ends_at", "max_uses", "max_uses_per_customer", "active", "created_at", "updated_at",
        ]  # fmt: skip

    def __str__(self):
        return self.code


class PromotionRedemption(models.Model):
    """One use of a promotion code by one order."""

    id = models.BigAutoField(primary_key=True)
    promotion = models.ForeignKey(Promotion, on_delete=models.PROTECT, related_name="redemptions")
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="promotion_use")
    # Who used it, for the per-customer limit: the account, or a guest's keyed e-mail hash.
    customer_key = models.CharField(max_length=100, db_index=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    class PersonalData:
        subject = Subject.CUSTOMER
        customer_key = Personal(Category.PSEUDONYMOUS_ID, Use.PROVIDE_SERVICE)
        not_personal = ["id", "promotion", "order", "amount", "created_at"]
        owned_with = "order"
        erasure = "keep"
        erasure_reason = "The discount is part of the order's accounts; the key leads to no one."

    def __str__(self):
        return f"Promotion use {self.pk}"


class Campaign(TimestampedModel):
    """A marketing e-mail: Vivre's own news and offers, or a partner's offer Vivre sends."""

    class Kind(models.TextChoices):
        VIVRE = "vivre", "Vivre's own news and offers"
        PARTNER = "partner", "A partner's offer, sent by Vivre"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENDING = "sending", "Sending"
        PAUSED = "paused", "Paused"
        SENT = "sent", "Sent"

    class Audience(models.TextChoices):
        REGISTERED = "registered", "Registered customers"
        CUSTOMERS = "customers", "Everyone who ordered"
        CONTEST_ENTRANTS = "contest_entrants", "Contest entrants"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    partner_name = models.CharField(max_length=120, blank=True)
    subject_line = models.CharField("subject", max_length=200)
    text_body = models.TextField()
    html_body = models.TextField()
    # Which groups to consider; consent and suppression decide who of them is mailed.
    audiences = models.JSONField(default=list)
    promotion = models.ForeignKey(
        Promotion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    class PersonalData:
        not_personal = [
            "id", "name", "kind", "partner_name", "subject_line", "text_body", "html_body",
            "audiences", "promotion", "status", "started_at", "finished_at", "created_by",
            "created_at", "updated_at",
        ]  # fmt: skip

    def __str__(self):
        return self.name


class CampaignRecipient(models.Model):
    """One person considered for a campaign, and what happened: sent, skipped, or failed.

    Unique per campaign and keyed e-mail hash, so a restarted send never mails anyone
    twice. The address itself is kept only until the row is processed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"

    id = models.BigAutoField(primary_key=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    email_key = models.CharField(max_length=100)
    # Blanked once processed: the outbox message holds the address it went to.
    email = models.EmailField(blank=True)
    # The consent-ledger keys to check at the moment of sending (customer and e-mail).
    subject_keys = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    skip_reason = models.CharField(max_length=40, blank=True)
    message_id = models.UUIDField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "email_key"], name="campaign_mails_a_person_once"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    class PersonalData:
        subject = Subject.CUSTOMER
        email_key = Personal(Category.PSEUDONYMOUS_ID, Use.MARKETING_EMAIL)
        email = Personal(Category.EMAIL, Use.MARKETING_EMAIL)
        subject_keys = Personal(Category.PSEUDONYMOUS_ID, Use.MARKETING_EMAIL)
        not_personal = ["id", "campaign", "status", "skip_reason", "message_id", "processed_at"]
        owner_email = "email"
        owner_key = "email_key"
        erasure = "delete"

    def __str__(self):
        return f"Recipient {self.pk}"
