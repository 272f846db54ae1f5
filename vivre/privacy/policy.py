"""Privacy policy versions with advance notice (P2, P19).

Each :class:`PolicyVersion` holds the policy's text and, machine-readably, the
data uses (fideslang keys) and the recipients it permits. A version that adds a
use or a recipient to the one before it may take effect only
``VIVRE["POLICY_NOTICE_DAYS"]`` (30) days after it is published, and publishing
it writes a :class:`PolicyNotice` row per person concerned (registered
customers, everyone who ordered, contest entrants; catalogue requesters, who gave
no address, are counted and told in the next catalogue). A batch task mails the
notices through the outbox, never to a suppressed address.

:func:`use_permitted` is what the engine asks before applying a use to someone:
no version in force lists it → no; a consent-based use → only with the person's
consent, and a use a version added never applies to someone whose last choice
before that version took effect was to opt out (until they choose again after it).
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from vivre.messaging.services import send_email

from .consent import Purpose
from .datamap import Use
from .models import ConsentRecord, PolicyNotice, PolicyVersion
from .suppression import is_suppressed

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
MAIL_KIND = "privacy.policy_notice"
NoticeStatus = PolicyNotice.Status

# How each known use reads for a customer (the checkboxes and the "what changed" lists).
USE_LABELS = {
    Use.PROVIDE_SERVICE: "Providing the shop and your account",
    Use.PAYMENT: "Taking payment for your orders",
    Use.ORDER_NOTIFICATIONS: "E-mails about your orders",
    Use.CUSTOMER_CARE: "Answering your questions (customer care)",
    Use.FULFILMENT: "Packing and delivering your orders",
    Use.SECURITY: "Keeping accounts and the shop secure",
    Use.DIAGNOSTICS: "Keeping the site working (error reports)",
    Use.FRAUD: "Preventing fraud",
    Use.LEGAL: "Meeting our legal obligations",
    Use.MARKETING_EMAIL: "News and offers by e-mail",
    Use.MARKETING_POSTAL: "Our printed catalogue by post",
    Use.PERSONALIZE: "Suggestions based on what you bought",
    Use.ANALYTICS: "Analytics about how the site is used",
}

# Which consent purpose governs a use (longest matching prefix wins). A use not
# listed here is essential: it needs the policy, not a choice.
USE_PURPOSES = {
    "marketing.communications.email": Purpose.VIVRE_MAILINGS,
    "marketing.communications.postal": Purpose.VIVRE_MAILINGS,
    "marketing.communications": Purpose.VIVRE_MAILINGS,
    "third_party_sharing": Purpose.PARTNER_OFFERS,
    "marketing.advertising.third_party": Purpose.PARTNER_OFFERS,
    "marketing.advertising": Purpose.TRACKING_COOKIES,
    "personalize": Purpose.PERSONALIZATION,
    "analytics.reporting.system": None,  # error reports: essential, not tracking
    "analytics": Purpose.TRACKING_COOKIES,
}

# A recipient of this role serves a consent purpose (a partner: partners' offers).
ROLE_PURPOSES = {"partner": Purpose.PARTNER_OFFERS}


class PolicyError(Exception):
    """A version that cannot be saved or published; ``field`` names the form field."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def notice_days() -> int:
    return int(settings.VIVRE.get("POLICY_NOTICE_DAYS", 30))


def known_uses() -> list[tuple[str, str]]:
    """Return (fideslang key, plain words) for every use Vivre declares."""
    values = [value for name, value in vars(Use).items() if name.isupper()]
    return [(value, USE_LABELS.get(value, value)) for value in dict.fromkeys(values)]


def known_recipients() -> list[tuple[str, str]]:
    """Return (name, label) for every recipient registered with the disclosure gateway."""
    from .disclosure import REGISTRY

    return [(name, recipient.label) for name, recipient in REGISTRY.items()]


def use_label(use: str) -> str:
    return USE_LABELS.get(use, use)


def recipient_label(name: str) -> str:
    return dict(known_recipients()).get(name, name.replace("_", " ").capitalize())


def purpose_for_use(use: str) -> str | None:
    """Return the consent purpose a use needs, or None for an essential use."""
    best = None
    for prefix in USE_PURPOSES:
        if (use == prefix or use.startswith(prefix + ".")) and (
            best is None or len(prefix) > len(best)
        ):
            best = prefix
    return USE_PURPOSES[best] if best is not None else None


def purpose_for_recipient(name: str) -> str | None:
    from .disclosure import REGISTRY

    recipient = REGISTRY.get(name)
    return ROLE_PURPOSES.get(recipient.role) if recipient is not None else None


# --- reading versions -------------------------------------------------------------


def uses_of(version: PolicyVersion | None) -> list[str]:
    return [item["use"] for item in (version.uses if version else []) if "use" in item]


def recipients_of(version: PolicyVersion | None) -> list[str]:
    return [
        item["recipient"] for item in (version.recipients if version else []) if "recipient" in item
    ]


def published() -> list[PolicyVersion]:
    """Every published version, newest effective date first."""
    return list(PolicyVersion.objects.filter(published_at__isnull=False))


def _as_date(at) -> date:
    if at is None:
        return timezone.localdate()
    if isinstance(at, datetime):
        return timezone.localdate(at) if timezone.is_aware(at) else at.date()
    return at


def version_in_force(at=None) -> PolicyVersion | None:
    """Return the published version in force on ``at`` (a date or datetime; default now)."""
    return (
        PolicyVersion.objects.filter(published_at__isnull=False, effective_on__lte=_as_date(at))
        .order_by("-effective_on", "-published_at", "-id")
        .first()
    )


def latest_published() -> PolicyVersion | None:
    """Return the newest published version, even one that takes effect later."""
    return (
        PolicyVersion.objects.filter(published_at__isnull=False)
        .order_by("-effective_on", "-published_at", "-id")
        .first()
    )


def previous_version(version: PolicyVersion) -> PolicyVersion | None:
    """Return the published version this one follows (for a draft: the newest published)."""
    qs = PolicyVersion.objects.filter(published_at__isnull=False).exclude(pk=version.pk)
    if version.published_at is None:
        return qs.order_by("-effective_on", "-published_at", "-id").first()
    earlier = qs.filter(effective_on__lt=version.effective_on) | qs.filter(
        effective_on=version.effective_on, published_at__lt=version.published_at
    )
    return earlier.order_by("-effective_on", "-published_at", "-id").first()


@dataclass(frozen=True)
class Change:
    """What a version changes compared with the one before it."""

    previous: PolicyVersion | None
    lines: list[tuple[str, str]]  # ("added" | "removed", line)
    added_uses: list[str]
    removed_uses: list[str]
    added_recipients: list[str]
    removed_recipients: list[str]

    @property
    def widens(self) -> bool:
        """True if the version adds a use or a recipient (so it needs advance notice)."""
        return bool(self.added_uses or self.added_recipients)


def added(new: list[str], old: list[str]) -> list[str]:
    return [item for item in new if item not in old]


def changes(version: PolicyVersion, previous: PolicyVersion | None = None) -> Change:
    """Return the differences between ``version`` and the version before it."""
    if previous is None:
        previous = previous_version(version)
    lines: list[tuple[str, str]] = []
    if previous is not None:
        old_text = previous.text.splitlines()
        new_text = version.text.splitlines()
        for line in difflib.ndiff(old_text, new_text):
            if line.startswith("+ ") and line[2:].strip():
                lines.append(("added", line[2:]))
            elif line.startswith("- ") and line[2:].strip():
                lines.append(("removed", line[2:]))
    new_uses, old_uses = uses_of(version), uses_of(previous)
    new_recipients, old_recipients = recipients_of(version), recipients_of(previous)
    return Change(
        previous=previous,
        lines=lines,
        added_uses=added(new_uses, old_uses) if previous is not None else [],
        removed_uses=added(old_uses, new_uses),
        added_recipients=added(new_recipients, old_recipients) if previous is not None else [],
        removed_recipients=added(old_recipients, new_recipients),
    )


def notice_purposes(change: Change) -> list[str]:
    """Return the consent purposes the added uses and recipients serve (in a stable order)."""
    purposes = [purpose_for_use(use) for use in change.added_uses]
    purposes += [purpose_for_recipient(name) for name in change.added_recipients]
    return [p for p in Purpose.values if p in purposes]


# --- the engine's question ----------------------------------------------------------


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _introduced_by(use: str, in_force: PolicyVersion) -> PolicyVersion | None:
    """Return the version that added ``use`` (None if it was in the first version)."""
    versions = list(
        PolicyVersion.objects.filter(
            published_at__isnull=False, effective_on__lte=in_force.effective_on
        ).order_by("effective_on", "published_at", "id")
    )
    introduced = None
    had = False
    for index, version in enumerate(versions):
        has = use in uses_of(version)
        if has and not had:
            introduced = version if index > 0 else None
        had = has
        if version.pk == in_force.pk:
            break
    return introduced


def use_permitted(*, use: str, subject_keys: list[str], at=None) -> bool:
    """Return True if ``use`` may be applied now (or at ``at``) to the person with these keys.

    False if no version in force at ``at`` lists the use. For a use that needs a
    choice (see :data:`USE_PURPOSES`): False unless the person's newest choice
    (across their keys, up to ``at``) grants its purpose; and, for a use a later
    version added, False if their last choice before that version took effect was
    an opt-out, unless they have chosen again since it took effect.
    """
    moment = at if isinstance(at, datetime) else None
    day = _as_date(at)
    in_force = version_in_force(day)
    if in_force is None or use not in uses_of(in_force):
        return False
    purpose = purpose_for_use(use)
    if purpose is None:
        return True
    keys = [key for key in subject_keys if key]
    if not keys:
        return False
    ledger = ConsentRecord.objects.filter(subject_key__in=keys, purpose=purpose)
    if moment is not None:
        ledger = ledger.filter(created_at__lte=moment)
    elif at is not None:
        ledger = ledger.filter(created_at__lt=_start_of(day + timedelta(days=1)))
    newest = ledger.order_by("-id").values_list("granted", flat=True).first()
    if not newest:
        return False
    introduced = _introduced_by(use, in_force)
    if introduced is None:
        return True
    start = _start_of(introduced.effective_on)
    before = (
        ledger.filter(created_at__lt=start)
        .order_by("-id")
        .values_list("granted", flat=True)
        .first()
    )
    if before is False:
        # They said no before the new use began: only a choice made since counts.
        return ledger.filter(created_at__gte=start, granted=True).exists()
    return True


# --- publishing -----------------------------------------------------------------------


def save_version(
    *, version: PolicyVersion | None = None, data: dict, actor=None, publish: bool = False,
    today: date | None = None,
) -> PolicyVersion:  # fmt: skip
    """Save a draft from cleaned form data, and publish it if asked.

    Publishing checks the notice period (raising :class:`PolicyError` on the
    effective date, nothing saved) and writes the notices in the same transaction.
    """
    today = today or timezone.localdate()
    if version is not None and version.published_at is not None:
        raise PolicyError("A published version cannot be changed: draft a new one.")
    version = version or PolicyVersion()
    version.version = data["version"]
    version.text = data["text"]
    version.summary = data.get("summary", "")
    version.effective_on = data["effective_on"]
    version.uses = [{"use": use, "description": use_label(use)} for use in data["uses"]]
    version.recipients = [
        {"recipient": name, "description": recipient_label(name)} for name in data["recipients"]
    ]
    with transaction.atomic():
        if publish:
            check_publishable(version, today=today)
            version.published_at = timezone.now()
            version.published_by = getattr(actor, "get_username", lambda: "")()[:150]
        version.save()
        if publish:
            change = changes(version, previous_version(version))
            if change.widens:
                create_notices(version)
    return version


def check_publishable(version: PolicyVersion, *, today: date | None = None) -> Change:
    """Raise :class:`PolicyError` unless ``version`` may be published as it stands."""
    today = today or timezone.localdate()
    latest = latest_published()
    if version.effective_on < today:
        raise PolicyError("A version cannot take effect in the past.", field="effective_on")
    if latest is not None and version.effective_on < latest.effective_on:
        raise PolicyError(
            f"Version {latest.version} takes effect on {latest.effective_on:%-d %B %Y}; "
            "a new version cannot take effect before it.",
            field="effective_on",
        )
    change = changes(version, latest)
    days = notice_days()
    earliest = today + timedelta(days=days)
    if change.widens and version.effective_on < earliest:
        raise PolicyError(
            f"This version adds a use or a recipient, so everyone concerned must be told "
            f"at least {days} days ahead: it can take effect on {earliest:%-d %B %Y} at the "
            "earliest.",
            field="effective_on",
        )
    return change


def create_notices(version: PolicyVersion) -> int:
    """Write a pending notice per person concerned; queue the sending. Return rows added."""
    from vivre.marketing.campaigns import Audience, gather_audience

    people = gather_audience(Audience.values)
    PolicyNotice.objects.bulk_create(
        (
            PolicyNotice(version=version, email_key=email_key, email=p.email, subject_keys=p.keys)
            for email_key, p in people.items()
        ),
        batch_size=1000,
        ignore_conflicts=True,
    )
    transaction.on_commit(lambda: enqueue_batch(version.pk), robust=True)
    count = version.notices.count()
    logger.info("Policy version %s: %d notice(s) to send", version.pk, count)
    return count


def catalogue_requesters() -> int:
    """How many catalogue requesters (no e-mail: told in the next catalogue)."""
    from vivre.marketing.models import CatalogueRequest

    return CatalogueRequest.objects.count()


def enqueue_batch(version_id) -> None:
    from .policy_tasks import send_policy_notices

    send_policy_notices.enqueue(version_id)


# --- sending --------------------------------------------------------------------------


def send_batch(version_id, *, batch_size: int | None = None) -> dict:
    """Send up to ``batch_size`` pending notices of a version; ``more`` says run again."""
    version = PolicyVersion.objects.filter(pk=version_id, published_at__isnull=False).first()
    if version is None:
        return {"processed": 0, "more": False}
    change = changes(version, previous_version(version))
    pending = version.notices.filter(status=NoticeStatus.PENDING).order_by("id")
    rows = list(
        pending.only("pk", "email_key", "email", "subject_keys")[: batch_size or BATCH_SIZE]
    )
    processed = sum(process_notice(row, version=version, change=change) for row in rows)
    return {"processed": processed, "more": pending.exists()}


def notice_context(version: PolicyVersion, change: Change, subject_keys: list[str]) -> dict:
    from vivre.marketing.unsubscribe import (
        MAIL_PURPOSES,
        PURPOSE_PHRASES,
        site_url,
        unsubscribe_url,
    )

    opt_outs = [
        {"phrase": PURPOSE_PHRASES[purpose], "url": unsubscribe_url(subject_keys=subject_keys,
                                                                    purpose=purpose)}
        for purpose in notice_purposes(change)
        if purpose in MAIL_PURPOSES and subject_keys
    ]  # fmt: skip
    return {
        "version": version,
        "summary": version.summary,
        "effective_on": version.effective_on,
        "added_uses": [use_label(use) for use in change.added_uses],
        "added_recipients": [recipient_label(name) for name in change.added_recipients],
        "opt_outs": opt_outs,
        "version_url": site_url() + reverse("privacy:policy-version", args=[version.version]),
        "account_url": site_url() + reverse("accounts:privacy"),
    }


def process_notice(row: PolicyNotice, *, version: PolicyVersion, change: Change) -> bool:
    """Send one notice (unless the address is suppressed); record the outcome once."""
    with transaction.atomic():
        status, message_id = NoticeStatus.FAILED, None
        try:
            if row.email and not is_suppressed(row.email):
                with transaction.atomic():
                    message = send_email(
                        to=row.email,
                        subject=f"Our privacy policy changes on {version.effective_on:%-d %B %Y}",
                        template="policy_notice",
                        context=notice_context(version, change, list(row.subject_keys)),
                        kind=MAIL_KIND,
                        dedupe_key=f"policy_notice:{version.pk}:{row.email_key}",
                    )
                status, message_id = NoticeStatus.SENT, message.pk
        except Exception as error:  # noqa: BLE001 - recorded on the row, without the address
            logger.warning("Policy notice %s failed: %s", row.pk, type(error).__name__)
        claimed = PolicyNotice.objects.filter(pk=row.pk, status=NoticeStatus.PENDING).update(
            status=status, message_id=message_id, email="", processed_at=timezone.now()
        )
        if not claimed:
            transaction.set_rollback(True)
            return False
    return True


def progress(version: PolicyVersion) -> dict:
    """Return the counts of a version's notices: pending, sent, failed (incl. suppressed)."""
    counts = dict.fromkeys(NoticeStatus.values, 0)
    for status, n in version.notices.values_list("status").annotate(n=Count("pk")).order_by():
        counts[status] = n
    return {**counts, "total": sum(counts.values())}
