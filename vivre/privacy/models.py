"""The privacy engine's ledgers: the access log (who read which sensitive field of
whom, for what and why, P6) and the consent ledger (every choice anyone made about
how we may contact them or use their data, P16, P22, P23)."""

import uuid

from django.db import models

from .datamap import Category, Erasure, Personal, Subject, Use


class AppendOnlyError(TypeError):
    """An append-only record was asked to change or disappear."""


class AppendOnlyQuerySet(models.QuerySet):
    """Ledger rows are appended and read, never rewritten in bulk."""

    def update(self, **kwargs):
        raise AppendOnlyError("This ledger is append-only; its records cannot be updated.")

    def delete(self):
        raise AppendOnlyError("This ledger is append-only; its records cannot be deleted.")


class AppendOnlyModel(models.Model):
    """A model whose rows, once written, are never changed or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("This ledger is append-only; its records cannot be updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("This ledger is append-only; its records cannot be deleted.")


# Kept for callers that name the access log's queryset.
AccessRecordQuerySet = AppendOnlyQuerySet


class AccessRecord(AppendOnlyModel):
    """One read of a sensitive personal-data field, written by ``access.read_personal``.

    The subject is named by model label and primary key rather than a foreign key,
    so the record outlives the row it describes and nothing cascades into it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject_type = models.CharField(max_length=100)  # e.g. "orders.Order"
    # The subject row's primary key as text: the customer's record, by reference.
    subject_id = models.CharField(max_length=64)
    field = models.CharField(max_length=100)
    category = models.CharField(max_length=100)
    purpose = models.CharField(max_length=100)
    # The staff member who read it (username and id), or a process such as "system".
    # Kept so the customer can see who looked; the id is not a foreign key so the
    # record stays whole if the account is removed.
    actor_label = models.CharField(max_length=150)
    actor_id = models.IntegerField(null=True, blank=True)
    # Why, by reference ("order issue <id>"); callers put no free text about the
    # customer here.
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "-created_at"])]

    class PersonalData:
        subject = Subject.CUSTOMER
        subject_id = Personal(Category.PSEUDONYMOUS_ID, Use.SECURITY, Use.LEGAL)
        reason = Personal(Category.PSEUDONYMOUS_ID, Use.SECURITY, Use.LEGAL)
        # The reader's identity (employee data), shown to the customer whose data it was.
        actor_label = Personal(Category.USERNAME, Use.SECURITY, Use.LEGAL)
        actor_id = Personal(Category.PSEUDONYMOUS_ID, Use.SECURITY, Use.LEGAL)
        not_personal = ["id", "subject_type", "field", "category", "purpose", "created_at"]
        owner_ref = ("subject_type", "subject_id")
        erasure = Erasure.KEEP
        erasure_reason = (
            "Proof of who read the customer's data and why; it names their rows by id only, "
            "and an erased row's id leads nowhere."
        )

    def __str__(self):
        return f"Access {self.pk}"  # admin logs store str(obj): no personal data


class ConsentRecord(AppendOnlyModel):
    """One choice about one purpose, as made on one channel; the newest one counts.

    The subject is a key, not a foreign key: ``customer:<uuid>`` for an account, or
    ``email:<keyed hash>`` for someone known only by address (a guest, a catalogue
    requester), so the ledger never holds an address in clear and survives erasure.
    """

    class Purpose(models.TextChoices):
        VIVRE_MAILINGS = "vivre_mailings", "News and offers from Vivre"
        PARTNER_OFFERS = "partner_offers", "Partners' offers, sent by Vivre"
        PERSONALIZATION = "personalization", "Suggestions based on what you bought"
        TRACKING_COOKIES = "tracking_cookies", "Analytics and tracking cookies"

    class Channel(models.TextChoices):
        REGISTRATION = "registration", "Registration form"
        CHECKOUT = "checkout", "Checkout"
        CATALOGUE_REQUEST = "catalogue_request", "Catalogue request form"
        CONTEST_ENTRY = "contest_entry", "Contest entry form"
        MY_ACCOUNT = "my_account", "My Account"
        EMAIL = "email", "E-mail to customer care"
        PHONE = "phone", "Telephone, recorded by customer care"
        ONE_CLICK = "one_click", "One-click unsubscribe"
        GPC = "gpc", "Global Privacy Control signal"
        COOKIE_BANNER = "cookie_banner", "Cookie banner"
        POLICY_NOTICE = "policy_notice", "Policy-change notice"

    # A sequence rather than a UUID: "newest" must be exact even within one tick.
    id = models.BigAutoField(primary_key=True)
    subject_key = models.CharField(max_length=100, db_index=True)
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    granted = models.BooleanField()
    channel = models.CharField(max_length=30, choices=Channel.choices)
    # Who recorded it: "self" for the person's own choice, or the staff member who
    # took it by phone or e-mail (P23), by username.
    recorded_by = models.CharField(max_length=150)
    policy_version = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["subject_key", "purpose", "-id"])]

    class PersonalData:
        subject = Subject.CUSTOMER
        subject_key = Personal(Category.PSEUDONYMOUS_ID, Use.MARKETING_EMAIL, Use.LEGAL)
        recorded_by = Personal(Category.USERNAME, Use.LEGAL)
        not_personal = ["id", "purpose", "granted", "channel", "policy_version", "created_at"]
        owner_key = "subject_key"
        erasure = Erasure.KEEP
        erasure_reason = (
            "Append-only proof of each choice, under a pseudonymous key: an account id that "
            "no longer exists, or a keyed hash of the address."
        )

    def __str__(self):
        return f"Consent {self.pk}"


class Suppression(AppendOnlyModel):
    """An e-mail address no mailing may reach, held only as a keyed hash.

    Written when an account is closed (and by unsubscribes and hard bounces), so
    that no campaign reaches the address again unless its owner opts in afresh
    after this record (``vivre.privacy.suppression.may_send_marketing``).
    """

    class Reason(models.TextChoices):
        ERASED = "erased", "Account closed and erased"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed from every mailing"
        BOUNCED = "bounced", "The address does not exist"
        COMPLAINT = "complaint", "Reported a mailing as spam"

    id = models.BigAutoField(primary_key=True)
    # consent.subject_key_for_email of the normalized address: the same key the
    # consent ledger files that address under, never the address itself.
    email_key = models.CharField(max_length=100, db_index=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    class PersonalData:
        subject = Subject.CUSTOMER
        email_key = Personal(Category.PSEUDONYMOUS_ID, Use.MARKETING_EMAIL, Use.LEGAL)
        not_personal = ["id", "reason", "created_at"]
        owner_key = "email_key"
        erasure = Erasure.KEEP
        erasure_reason = (
            "The suppression list outlives the account by design: it is how a closed "
            "account's address is never mailed again."
        )

    def __str__(self):
        return f"Suppression {self.pk}"


class DisclosureRecord(AppendOnlyModel):
    """One disclosure of personal data to someone outside Vivre (privacy engine, piece 4).

    Written by ``vivre.privacy.disclosure.disclose`` for every payload that leaves:
    to the card processor, a carrier, the mail house, a partner or an authority.
    It names the recipient, the fields and their categories, and the legal basis;
    never the values.
    """

    class Basis(models.TextChoices):
        CONTRACT = "contract", "Needed to fulfil the customer's order"
        PROCESSOR = "processor", "A processor acting for Vivre"
        CONSENT = "consent", "The customer's consent"
        LEGAL_OBLIGATION = "legal_obligation", "Required by law"

    id = models.BigAutoField(primary_key=True)
    recipient = models.CharField(max_length=60)
    # Whose data: the same pseudonymous keys as the consent ledger (customer:<id>,
    # email:<keyed hash>) or "order:<uuid>".
    subject_key = models.CharField(max_length=100, db_index=True)
    fields = models.JSONField()
    categories = models.JSONField()
    basis = models.CharField(max_length=20, choices=Basis.choices)
    purpose = models.CharField(max_length=100)
    # What it was for, by reference ("payment <id> authorize"); no free text.
    reference = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    class PersonalData:
        subject = Subject.CUSTOMER
        subject_key = Personal(Category.PSEUDONYMOUS_ID, Use.LEGAL)
        reference = Personal(Category.PSEUDONYMOUS_ID, Use.LEGAL)
        not_personal = ["id", "recipient", "fields", "categories", "basis", "purpose",
                        "created_at"]  # fmt: skip
        owner_key = "subject_key"
        erasure = Erasure.KEEP
        erasure_reason = (
            "Proof of what Vivre disclosed to whom and why; it names no values and only "
            "pseudonymous keys."
        )

    def __str__(self):
        return f"Disclosure {self.pk}"


class PolicyVersion(models.Model):
    """One version of the privacy policy (P2, P19): its text and what it permits.

    ``uses`` and ``recipients`` are the machine-readable part: the data uses
    (fideslang keys) and the kinds of recipient this version allows. A version that
    adds either may take effect only after a notice period, and never applies to
    anyone who opted out before it does.
    """

    id = models.BigAutoField(primary_key=True)
    version = models.CharField(max_length=20, unique=True)
    text = models.TextField()
    # [{"use": "marketing.communications.email", "description": "..."}]
    uses = models.JSONField(default=list)
    # [{"recipient": "mail_house", "description": "..."}]
    recipients = models.JSONField(default=list)
    summary = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    effective_on = models.DateField()
    published_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-effective_on", "-id"]

    class PersonalData:
        # The reader's identity (employee data).
        published_by = Personal(Category.USERNAME, Use.LEGAL)
        subject = Subject.EMPLOYEE
        not_personal = ["id", "version", "text", "uses", "recipients", "summary",
                        "published_at", "effective_on"]  # fmt: skip
        owner = None
        owner_reason = "Names the staff member who published it, not a customer."

    def __str__(self):
        return f"Privacy policy {self.version}"


class PolicyNotice(models.Model):
    """One person to be told of a policy change, and whether they were (unique per version)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    id = models.BigAutoField(primary_key=True)
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="notices")
    email_key = models.CharField(max_length=100)
    # Blanked once sent; the outbox message keeps the address it went to.
    email = models.EmailField(blank=True)
    subject_keys = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    message_id = models.UUIDField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "email_key"], name="one_notice_per_person")
        ]

    class PersonalData:
        subject = Subject.CUSTOMER
        email_key = Personal(Category.PSEUDONYMOUS_ID, Use.LEGAL)
        email = Personal(Category.EMAIL, Use.LEGAL)
        subject_keys = Personal(Category.PSEUDONYMOUS_ID, Use.LEGAL)
        not_personal = ["id", "version", "status", "message_id", "processed_at"]
        owner_email = "email"
        owner_key = "email_key"
        erasure = Erasure.DELETE

    def __str__(self):
        return f"Policy notice {self.pk}"


class LegalRequest(models.Model):
    """A request for personal data from an authority (P18), and what was disclosed."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISCLOSED = "disclosed", "Disclosed"
        REFUSED = "refused", "Refused"

    id = models.BigAutoField(primary_key=True)
    authority = models.CharField(max_length=200)
    legal_basis = models.CharField(max_length=200)
    reference = models.CharField(max_length=100)
    # Whose data: an order number or an account e-mail, as the request names them.
    subject_reference = models.CharField(max_length=254)
    # The data categories asked for (fideslang keys); nothing beyond them is disclosed.
    scope = models.JSONField(default=list)
    deadline = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-created_at"]

    class PersonalData:
        subject = Subject.CUSTOMER
        subject_reference = Personal(Category.EMAIL, Use.LEGAL)
        recorded_by = Personal(Category.USERNAME, Use.LEGAL)
        notes = Personal(Category.PRIVATE_CONTENT, Use.LEGAL)
        not_personal = ["id", "authority", "legal_basis", "reference", "scope", "deadline",
                        "status", "created_at", "closed_at"]  # fmt: skip
        owner_email = "subject_reference"
        erasure = Erasure.KEEP
        erasure_reason = "A legal obligation: the register of disclosures to authorities."

    def __str__(self):
        return f"Legal request {self.reference}"
