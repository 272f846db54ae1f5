"""Campaigns (P10, P16): who is considered, who is mailed, and the sending itself.

"Send" computes the audience at that moment: the union of the chosen groups
(registered customers, everyone who ordered, contest entrants), one person per
normalized e-mail address (its keyed hash), each with every consent-ledger key
that may hold their choice (their account's and their address's). One
:class:`CampaignRecipient` row per person; the unique (campaign, e-mail key) makes
a restarted send add nobody twice.

The batch task then takes pending rows one at a time and asks
:func:`vivre.privacy.suppression.may_send_marketing` at that moment, so an opt-out
recorded a second before a row is processed is honoured. A partner's offer is
checked against the ``partner_offers`` purpose and is sent by Vivre: the partner
is named in the mail and receives nothing, so nothing passes the disclosure
gateway. The address is blanked from the row once it is processed; the outbox
keeps the message it went to, under a dedupe key per campaign and person.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import nh3
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from vivre.accounts.models import User, normalize_email
from vivre.messaging.services import send_email
from vivre.orders.models import Order
from vivre.privacy.consent import Purpose, subject_key_for_customer, subject_key_for_email
from vivre.privacy.models import ConsentRecord, Suppression
from vivre.privacy.suppression import may_send_marketing

from .models import Campaign, CampaignRecipient, ContestEntry
from .unsubscribe import MAIL_PURPOSES, PURPOSE_PHRASES, one_click_headers, unsubscribe_url

logger = logging.getLogger(__name__)

Audience = Campaign.Audience
Status = Campaign.Status
RecipientStatus = CampaignRecipient.Status

BATCH_SIZE = 200
MAIL_KIND = "marketing.campaign"

# Staff-written HTML: text formatting and links; no images (a remote image is a
# tracking pixel), no styles, scripts, forms or frames.
ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "em", "h1", "h2", "h3", "h4", "hr", "i", "li", "ol", "p",
    "small", "strong", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"https", "http", "mailto"}
PROMOTION_CODE = re.compile(r"\{\{\s*promotion_code\s*\}\}")


class CampaignError(Exception):
    """A campaign action that cannot happen now; ``message`` says why, for staff."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SkipReason:
    """Why a person was not mailed (stored on the row; no personal data)."""

    NO_ADDRESS = "no_address"
    NO_CONSENT = "no_consent"
    OPTED_OUT = "opted_out"
    SUPPRESSED = "suppressed"

    LABELS = {
        NO_ADDRESS: "No usable address",
        NO_CONSENT: "Never agreed",
        OPTED_OUT: "Opted out",
        SUPPRESSED: "Suppressed (account closed or blocked)",
    }


def sanitize_html(raw: str) -> str:
    """Return staff-written HTML with everything but text formatting and links removed."""
    return nh3.clean(
        raw or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def uses_promotion_code(text: str) -> bool:
    return bool(PROMOTION_CODE.search(text or ""))


def purpose_for(campaign: Campaign) -> str:
    """Return the consent purpose a campaign needs: Vivre's mailings or partners' offers."""
    if campaign.kind == Campaign.Kind.PARTNER:
        return Purpose.PARTNER_OFFERS
    return Purpose.VIVRE_MAILINGS


@dataclass(frozen=True)
class Content:
    """A campaign's bodies, ready for every recipient (the same for each of them)."""

    subject: str
    text: str
    html: SafeString
    partner_name: str
    purpose: str

    @classmethod
    def of(cls, campaign: Campaign) -> Content:
        code = campaign.promotion.code if campaign.promotion_id else ""
        # Plain replacement: staff input is never rendered as a template.
        text = PROMOTION_CODE.sub(lambda _: code, campaign.text_body)
        safe_html = sanitize_html(campaign.html_body)
        html = PROMOTION_CODE.sub(lambda _: str(escape(code)), safe_html)
        return cls(
            subject=" ".join(campaign.subject_line.split()),
            text=text,
            html=mark_safe(html),  # noqa: S308 - sanitised above; the code is escaped
            partner_name=campaign.partner_name if campaign.kind == Campaign.Kind.PARTNER else "",
            purpose=purpose_for(campaign),
        )

    def context(self, unsubscribe_link: str) -> dict:
        return {
            "subject": self.subject,
            "text_body": self.text,
            "html_body": self.html,
            "partner_name": self.partner_name,
            "purpose_phrase": PURPOSE_PHRASES[self.purpose],
            "unsubscribe_url": unsubscribe_link,
        }


# --- the audience -----------------------------------------------------------------


@dataclass
class Person:
    """Someone considered for a mailing: an address and every ledger key of theirs."""

    email: str
    keys: list[str] = field(default_factory=list)

    def add_key(self, key: str) -> None:
        if key not in self.keys:
            self.keys.append(key)


def gather_audience(audiences: list[str]) -> dict[str, Person]:
    """Return the people in the chosen groups, one per address, by e-mail key.

    Membership only: whether each may be mailed is asked at the moment of sending.
    A person with an account carries its key too, whichever group found them.
    """
    wanted = set(audiences)
    accounts = dict(
        User.objects.filter(is_active=True, is_staff=False)
        .values_list("email", "id")
        .iterator(chunk_size=5000)
    )
    people: dict[str, Person] = {}
    key_of: dict[str, str] = {}

    def add(raw_email: str, *extra_keys: str) -> None:
        email = normalize_email(raw_email)
        if not email:
            return  # an erased order keeps no address
        email_key = key_of.get(email)
        if email_key is None:
            email_key = key_of[email] = subject_key_for_email(email)
        person = people.get(email_key)
        if person is None:
            person = people[email_key] = Person(email=email)
            if email in accounts:
                person.add_key(subject_key_for_customer(accounts[email]))
            person.add_key(email_key)
        for key in extra_keys:
            person.add_key(key)

    if Audience.REGISTERED in wanted:
        for email in accounts:
            add(email)
    if Audience.CUSTOMERS in wanted:
        orders = Order.objects.values_list("email", "customer_id").distinct()
        for email, customer_id in orders.iterator(chunk_size=5000):
            if customer_id is None:
                add(email)
            else:
                add(email, subject_key_for_customer(customer_id))
    if Audience.CONTEST_ENTRANTS in wanted:
        entries = ContestEntry.objects.values_list("email", flat=True).distinct()
        for email in entries.iterator(chunk_size=5000):
            add(email)
    return people


def _chunks(items: list, size: int = 5000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def eligible_counts(people: dict[str, Person], purposes=MAIL_PURPOSES) -> dict[str, int]:
    """Return how many of ``people`` may be mailed now for each purpose (counts only).

    The same rule as ``may_send_marketing``, evaluated in bulk for the dashboard:
    the newest choice across a person's keys grants the purpose, and is newer than
    any suppression of their address. Sending still asks person by person.
    """
    keys = sorted({key for person in people.values() for key in person.keys})
    newest: dict[tuple[str, str], tuple[int, bool, object]] = {}
    for chunk in _chunks(keys):
        records = ConsentRecord.objects.filter(subject_key__in=chunk, purpose__in=purposes)
        for key, purpose, pk, granted, created in records.values_list(
            "subject_key", "purpose", "id", "granted", "created_at"
        ):
            seen = newest.get((key, purpose))
            if seen is None or pk > seen[0]:
                newest[(key, purpose)] = (pk, granted, created)
    suppressed: dict[str, object] = {}
    for chunk in _chunks(list(people)):
        for email_key, created in Suppression.objects.filter(email_key__in=chunk).values_list(
            "email_key", "created_at"
        ):
            if email_key not in suppressed or created > suppressed[email_key]:
                suppressed[email_key] = created
    counts = dict.fromkeys(purposes, 0)
    for email_key, person in people.items():
        for purpose in purposes:
            choices = [newest[(k, purpose)] for k in person.keys if (k, purpose) in newest]
            if not choices:
                continue
            _, granted, created = max(choices, key=lambda choice: choice[0])
            since = suppressed.get(email_key)
            if granted and (since is None or created > since):
                counts[purpose] += 1
    return counts


def audience_sizes() -> list[dict]:
    """Return, per group and for all groups together, the people and how many may be mailed."""
    groups = {value: gather_audience([value]) for value in Audience.values}
    everyone: dict[str, Person] = {}
    for people in groups.values():
        for email_key, person in people.items():
            merged = everyone.setdefault(email_key, Person(email=person.email))
            for key in person.keys:
                merged.add_key(key)
    rows = []
    for value, label, people in [
        *((value, label, groups[value]) for value, label in Audience.choices),
        ("all", "All groups together", everyone),
    ]:
        counts = eligible_counts(people)
        rows.append(
            {
                "group": value,
                "label": label,
                "people": len(people),
                "vivre_mailings": counts[Purpose.VIVRE_MAILINGS],
                "partner_offers": counts[Purpose.PARTNER_OFFERS],
            }
        )
    return rows


# --- writing and sending ---------------------------------------------------------------


def save_campaign(*, campaign: Campaign | None = None, data: dict, actor=None) -> Campaign:
    """Create or change a draft campaign from cleaned form data (HTML already sanitized)."""
    if campaign is not None and campaign.status != Status.DRAFT:
        raise CampaignError("Only a draft can be changed: this campaign has started sending.")
    campaign = campaign or Campaign(created_by=actor)
    campaign.name = data["name"]
    campaign.kind = data["kind"]
    campaign.partner_name = data.get("partner_name", "") if data["kind"] == "partner" else ""
    campaign.subject_line = data["subject_line"]
    campaign.text_body = data["text_body"]
    campaign.html_body = sanitize_html(data["html_body"])
    campaign.audiences = [value for value in Audience.values if value in data["audiences"]]
    campaign.promotion = data.get("promotion")
    campaign.save()
    return campaign


def start_sending(*, campaign_id, actor=None) -> int:
    """Compute the audience now, add a row per person not yet considered, start the task.

    Also how a stopped send is restarted: people already processed keep their rows
    (and their outcome), so nobody is mailed twice. Return how many rows were added.
    """
    campaign = Campaign.objects.get(pk=campaign_id)
    _check_can_send(campaign)
    people = gather_audience(campaign.audiences)  # outside the write transaction
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        _check_can_send(campaign)
        before = campaign.recipients.count()
        CampaignRecipient.objects.bulk_create(
            (
                CampaignRecipient(
                    campaign=campaign, email_key=email_key, email=p.email, subject_keys=p.keys
                )
                for email_key, p in people.items()
            ),
            batch_size=1000,
            ignore_conflicts=True,
        )
        added = campaign.recipients.count() - before
        now = timezone.now()
        Campaign.objects.filter(pk=campaign.pk).update(
            status=Status.SENDING, started_at=campaign.started_at or now, updated_at=now
        )
        transaction.on_commit(lambda: enqueue_batch(campaign.pk), robust=True)
    logger.info("Campaign %s: %d recipient(s) added", campaign.pk, added)
    return added


def _check_can_send(campaign: Campaign) -> None:
    if campaign.status == Status.SENT:
        raise CampaignError("This campaign has been sent; it cannot be sent again.")
    if campaign.status == Status.PAUSED:
        raise CampaignError("This campaign is paused: resume it to go on sending.")
    if not campaign.audiences:
        raise CampaignError("Choose at least one group of people to consider.")


def enqueue_batch(campaign_id) -> None:
    from .campaign_tasks import send_campaign_batch

    send_campaign_batch.enqueue(str(campaign_id))


def pause(*, campaign_id) -> bool:
    """Stop further batches (the one running finishes its current person)."""
    now = timezone.now()
    return bool(
        Campaign.objects.filter(pk=campaign_id, status=Status.SENDING).update(
            status=Status.PAUSED, updated_at=now
        )
    )


def resume(*, campaign_id) -> bool:
    """Go on sending a paused campaign from where it stopped."""
    now = timezone.now()
    with transaction.atomic():
        resumed = Campaign.objects.filter(pk=campaign_id, status=Status.PAUSED).update(
            status=Status.SENDING, updated_at=now
        )
        if resumed:
            transaction.on_commit(lambda: enqueue_batch(campaign_id), robust=True)
    return bool(resumed)


@dataclass(frozen=True)
class BatchResult:
    status: str
    processed: int
    more: bool

    def as_dict(self) -> dict:
        return {"status": self.status, "processed": self.processed, "more": self.more}


def send_batch(campaign_id, *, batch_size: int | None = None) -> BatchResult:
    """Process up to ``batch_size`` pending people of a sending campaign.

    Does nothing unless the campaign is sending (so a pause stops the next batch).
    Marks the campaign sent when nobody is left; ``more`` says whether to run again.
    """
    campaign = Campaign.objects.select_related("promotion").filter(pk=campaign_id).first()
    if campaign is None:
        return BatchResult(status="missing", processed=0, more=False)
    if campaign.status != Status.SENDING:
        return BatchResult(status=campaign.status, processed=0, more=False)
    content = Content.of(campaign)
    batch_size = batch_size or BATCH_SIZE
    pending = campaign.recipients.filter(status=RecipientStatus.PENDING).order_by("id")
    rows = list(pending.only("pk", "email_key", "email", "subject_keys")[:batch_size])
    processed = sum(process_recipient(row, campaign=campaign, content=content) for row in rows)
    if pending.exists():
        return BatchResult(status=Status.SENDING, processed=processed, more=True)
    now = timezone.now()
    Campaign.objects.filter(pk=campaign.pk, status=Status.SENDING).update(
        status=Status.SENT, finished_at=now, updated_at=now
    )
    return BatchResult(status=Status.SENT, processed=processed, more=False)


def process_recipient(row: CampaignRecipient, *, campaign: Campaign, content: Content) -> bool:
    """Decide about one person now, and mail them if their choice allows it.

    One transaction per person: consent is read, the outbox message written and
    the outcome recorded together, by a conditional UPDATE of the still-pending
    row. If another worker recorded this person first, the UPDATE matches nothing
    and the whole transaction is rolled back (the outbox's dedupe key had already
    returned that worker's message, so no second mail was written). Return False then.
    """
    with transaction.atomic():
        try:
            _decide_and_send(row, campaign=campaign, content=content)
        except Exception as error:  # noqa: BLE001 - recorded on the row, without the address
            logger.warning(
                "Campaign %s, recipient %s failed: %s", campaign.pk, row.pk, type(error).__name__
            )
            row.status = RecipientStatus.FAILED
            row.skip_reason = type(error).__name__[:40]
            row.message_id = None
        claimed = CampaignRecipient.objects.filter(
            pk=row.pk, status=RecipientStatus.PENDING
        ).update(
            status=row.status,
            skip_reason=row.skip_reason,
            message_id=row.message_id,
            email="",
            processed_at=timezone.now(),
        )
        if not claimed:
            transaction.set_rollback(True)
            return False
    return True


def _decide_and_send(row: CampaignRecipient, *, campaign: Campaign, content: Content) -> None:
    keys = list(row.subject_keys)
    if not may_send_marketing(email=row.email, purpose=content.purpose, subject_keys=keys):
        row.status = RecipientStatus.SKIPPED
        row.skip_reason = skip_reason(email=row.email, purpose=content.purpose, subject_keys=keys)
        return
    link = unsubscribe_url(subject_keys=keys, purpose=content.purpose)
    # A savepoint: a send that fails halfway leaves no half-written message behind.
    with transaction.atomic():
        message = send_email(
            to=row.email,
            subject=content.subject,
            template="campaign",
            context=content.context(link),
            kind=MAIL_KIND,
            dedupe_key=f"campaign:{campaign.pk}:{row.email_key}",
            headers=one_click_headers(link),
        )
    row.status = RecipientStatus.SENT
    row.message_id = message.pk


def skip_reason(*, email: str, purpose: str, subject_keys: list[str]) -> str:
    """Return why ``may_send_marketing`` said no, for the progress counts."""
    if not (email or "").strip() or not subject_keys:
        return SkipReason.NO_ADDRESS
    newest = (
        ConsentRecord.objects.filter(subject_key__in=subject_keys, purpose=purpose)
        .order_by("-id")
        .values_list("granted", flat=True)
        .first()
    )
    if newest is None:
        return SkipReason.NO_CONSENT
    if not newest:
        return SkipReason.OPTED_OUT
    return SkipReason.SUPPRESSED


# --- reading --------------------------------------------------------------------------


def progress(campaign: Campaign) -> dict:
    """Return the counts of a campaign's rows: pending, sent, skipped (by reason), failed."""
    counts = dict.fromkeys(RecipientStatus.values, 0)
    skipped: Counter = Counter()
    failed: Counter = Counter()
    rows = (
        campaign.recipients.values_list("status", "skip_reason").annotate(n=Count("pk")).order_by()
    )
    for status, reason, n in rows:
        counts[status] = counts.get(status, 0) + n
        if status == RecipientStatus.SKIPPED:
            skipped[SkipReason.LABELS.get(reason, reason or "Unknown")] += n
        elif status == RecipientStatus.FAILED:
            failed[reason or "Unknown"] += n
    return {
        **counts,
        "total": sum(counts.values()),
        "skipped_by_reason": sorted(skipped.items()),
        "failed_by_reason": sorted(failed.items()),
    }


def progress_by_campaign(campaign_ids) -> dict:
    """Return {campaign id: {status: n}} for a list of campaigns, in one query."""
    result: dict = {}
    rows = (
        CampaignRecipient.objects.filter(campaign_id__in=list(campaign_ids))
        .values_list("campaign_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for campaign_id, status, n in rows:
        result.setdefault(campaign_id, dict.fromkeys(RecipientStatus.values, 0))[status] = n
    return result


def daily_activity(*, days: int = 30, today: date | None = None) -> list[dict]:
    """Return, for each of the last ``days`` days, campaign mails sent and opt-outs recorded.

    Opt-outs are ledger entries withdrawing Vivre's or partners' mailings, on any
    channel (a one-click unsubscribe writes one per key it names).
    """
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    sends = dict(
        CampaignRecipient.objects.filter(status=RecipientStatus.SENT, processed_at__gte=start)
        .annotate(day=TruncDate("processed_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    opt_outs = dict(
        ConsentRecord.objects.filter(
            granted=False, purpose__in=MAIL_PURPOSES, created_at__gte=start
        )
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        {
            "day": first + timedelta(days=i),
            "sends": sends.get(first + timedelta(days=i), 0),
            "opt_outs": opt_outs.get(first + timedelta(days=i), 0),
        }
        for i in range(days)
    ]
