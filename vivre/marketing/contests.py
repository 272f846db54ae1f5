"""Contests and promotions people enter with their e-mail (P9, P22).

- ``enter``: one entry per e-mail per contest; the two P22 choices go to the consent
  ledger; a confirmation e-mail (transactional) goes through the outbox.
- ``draw``: once, after closing; random, reproducible from a recorded seed
  (``replay_draw``), logged without personal data; winners are mailed once.
- ``demographics``: counts per age band, income band and ZIP3 region with small cells
  suppressed; the only way demographics are seen outside the contest itself.
- ``forget_finished_contest_entries``: a retention rule.
"""

from __future__ import annotations

import hashlib
import logging
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from vivre.accounts.models import normalize_email
from vivre.messaging.services import send_email
from vivre.privacy.consent import Channel, Purpose, record_consent, subject_key_for_email

from .models import Contest, ContestEntry

logger = logging.getLogger(__name__)

# Counts below this are never shown (small-cell suppression).
SMALL_CELL = 5
FEWER_THAN = f"fewer than {SMALL_CELL}"
# A cell hidden only so that a smaller one cannot be worked out from the total.
WITHHELD = "not shown"
DEFAULT_RETENTION_DAYS = 180


class ContestError(Exception):
    """A refused contest action, with a message fit to show to the person."""

    def __init__(self, message: str, *, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


# --- state ------------------------------------------------------------------------


def state_of(contest: Contest, *, now: datetime | None = None) -> str:
    """Return "upcoming", "open" or "closed" at ``now``."""
    now = now or timezone.now()
    if now < contest.opens_at:
        return "upcoming"
    if now >= contest.closes_at:
        return "closed"
    return "open"


def open_contests(*, now: datetime | None = None) -> list[Contest]:
    """Return the contests open for entries now, closing soonest first."""
    now = now or timezone.now()
    return list(Contest.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at"))


def published_contest(slug: str) -> Contest | None:
    return Contest.objects.select_related("promotion").filter(slug=slug).first()


def offered_promotion(contest: Contest, *, now: datetime | None = None):
    """Return the contest's promotion code if it can still be used, else None."""
    promotion = contest.promotion
    now = now or timezone.now()
    if promotion is None or not promotion.active:
        return None
    if promotion.ends_at is not None and promotion.ends_at <= now:
        return None
    return promotion


# --- entering ---------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What the entrant gave: their e-mail, the demographics asked, their two choices."""

    email: str
    zip_code: str = ""
    age_band: str = ""
    income_band: str = ""
    vivre_mailings: bool = False
    partner_offers: bool = False


@dataclass(frozen=True)
class EntryResult:
    entry: ContestEntry | None
    duplicate: bool


def _asked(ask: str, value: str) -> str:
    """Keep a demographic value only when the contest asks for it."""
    return value if ask != Contest.Ask.NO else ""


def enter(*, contest: Contest, data: Entry, now: datetime | None = None) -> EntryResult:
    """Enter ``data.email`` in ``contest``; a second entry of the same e-mail changes nothing.

    Raises ``ContestError`` if the contest is not open. A duplicate returns
    ``EntryResult(entry=None, duplicate=True)``: no new row, no new choice, no mail.
    """
    now = now or timezone.now()
    state = state_of(contest, now=now)
    if state == "upcoming":
        raise ContestError("This contest has not opened yet.", code="upcoming")
    if state == "closed":
        raise ContestError(
            "This contest has closed; entries are no longer accepted.", code="closed"
        )
    email = normalize_email(data.email)
    with transaction.atomic():
        if ContestEntry.objects.filter(contest=contest, email=email).exists():
            return EntryResult(entry=None, duplicate=True)
        try:
            with transaction.atomic():
                entry = ContestEntry.objects.create(
                    contest=contest,
                    email=email,
                    zip_code=_asked(contest.asks_zip, data.zip_code),
                    age_band=_asked(contest.asks_age_band, data.age_band),
                    income_band=_asked(contest.asks_income_band, data.income_band),
                )
        except IntegrityError:
            # The same e-mail entered at the same moment: the first one stands.
            return EntryResult(entry=None, duplicate=True)
        _record_choices(email=email, data=data)
        _send_confirmation(contest=contest, entry=entry, data=data, now=now)
    return EntryResult(entry=entry, duplicate=False)


def _record_choices(*, email: str, data: Entry) -> None:
    from vivre.accounts.services import policy_version

    version = policy_version()
    key = subject_key_for_email(email)
    for purpose, granted in (
        (Purpose.VIVRE_MAILINGS, data.vivre_mailings),
        (Purpose.PARTNER_OFFERS, data.partner_offers),
    ):
        record_consent(
            subject_key=key,
            purpose=purpose,
            granted=bool(granted),
            channel=Channel.CONTEST_ENTRY,
            recorded_by="self",
            policy_version=version,
        )


def _unsubscribe_links(*, email: str, data: Entry) -> list[dict]:
    """Return a one-click way out of each mailing the entrant said yes to."""
    try:
        from .unsubscribe import unsubscribe_url
    except ImportError:  # pragma: no cover - the campaign helper provides it
        return []
    key = subject_key_for_email(email)
    links = []
    for purpose, granted in (
        (Purpose.VIVRE_MAILINGS, data.vivre_mailings),
        (Purpose.PARTNER_OFFERS, data.partner_offers),
    ):
        if granted:
            url = unsubscribe_url(subject_keys=[key], purpose=purpose)
            links.append({"label": Purpose(purpose).label, "url": url})
    return links


def _send_confirmation(*, contest: Contest, entry: ContestEntry, data: Entry, now) -> None:
    send_email(
        to=entry.email,
        subject=f"You have entered: {contest.title}",
        template="contest_entry",
        context={
            "contest": contest,
            "promotion": offered_promotion(contest, now=now),
            "vivre_mailings": data.vivre_mailings,
            "partner_offers": data.partner_offers,
            "unsubscribe_links": _unsubscribe_links(email=entry.email, data=data),
        },
        kind="contest_entry",
        dedupe_key=f"contest-entry:{entry.pk}",
    )


# --- the draw ---------------------------------------------------------------------


def _pool(contest: Contest) -> list[int]:
    return sorted(ContestEntry.objects.filter(contest=contest).values_list("id", flat=True))


def pool_digest(entry_ids: list[int]) -> str:
    """Return a fingerprint of the entries drawn from, so a replay can check its pool."""
    joined = ",".join(str(i) for i in sorted(entry_ids))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def loggable_hex(value: str) -> str:
    """Group a hex string by 8 with colons for the log: the shop's log redaction removes
    any run of 13 or more digits (a card number's shape), which would eat part of a
    seed such as ``...2aa0981120350216``. Remove the colons to get the seed back."""
    return ":".join(value[i : i + 8] for i in range(0, len(value), 8))


def pick_winners(*, seed: str, entry_ids: list[int], wanted: int) -> list[int]:
    """The draw itself: ``random.Random(seed).sample(sorted ids, k)``; anyone can re-run it."""
    ids = sorted(entry_ids)
    return random.Random(seed).sample(ids, min(wanted, len(ids)))  # noqa: S311 - a replayable draw, not a secret


def replay_draw(contest: Contest, *, entry_ids: list[int] | None = None) -> list[int]:
    """Re-run a recorded draw from its seed and return the winning entry ids, in draw order.

    ``entry_ids`` defaults to the contest's entries now; pass the pool from the draw's
    log line if entries were erased since (the log carries the pool's fingerprint).
    """
    if not contest.draw_seed:
        raise ContestError("This contest has not been drawn yet.", code="not_drawn")
    pool = _pool(contest) if entry_ids is None else entry_ids
    return pick_winners(seed=contest.draw_seed, entry_ids=pool, wanted=contest.winners_wanted)


@dataclass(frozen=True)
class DrawResult:
    seed: str
    pool_size: int
    pool_digest: str
    winner_ids: list[int]


def draw(*, contest: Contest, actor, now: datetime | None = None) -> DrawResult:
    """Draw the winners of a closed contest, once, and mail them through the outbox.

    The seed (``secrets.token_hex(16)``), time and staff member are stored on the
    contest; the draw is logged with the contest id, seed and winning entry ids only.
    A second draw, or a draw before closing, raises ``ContestError``.
    """
    now = now or timezone.now()
    if state_of(contest, now=now) != "closed":
        raise ContestError(
            "The draw can only be made after the contest has closed.", code="not_closed"
        )
    seed = secrets.token_hex(16)
    with transaction.atomic():
        # The gate: only one draw can move the contest from "not drawn" to "drawn".
        claimed = Contest.objects.filter(pk=contest.pk, drawn_at__isnull=True).update(
            draw_seed=seed, drawn_at=now, drawn_by=actor, updated_at=now
        )
        if claimed != 1:
            raise ContestError("The winners of this contest have already been drawn.", code="drawn")
        pool = _pool(contest)
        winners = pick_winners(seed=seed, entry_ids=pool, wanted=contest.winners_wanted)
        ContestEntry.objects.filter(pk__in=winners).update(is_winner=True)
        digest = pool_digest(pool)
        logger.info(
            "Contest draw: contest=%s seed=%s pool_size=%d pool_digest=%s winners=%s",
            contest.pk,
            loggable_hex(seed),
            len(pool),
            loggable_hex(digest),
            ",".join(str(i) for i in winners),
        )
        contest.refresh_from_db()
        notify_winners(contest=contest, now=now)
    return DrawResult(seed=seed, pool_size=len(pool), pool_digest=digest, winner_ids=winners)


def notify_winners(*, contest: Contest, now: datetime | None = None) -> int:
    """Mail every winner not yet told; each winner is mailed at most once. Returns how many."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        pending = ContestEntry.objects.select_for_update().filter(
            contest=contest, is_winner=True, notified_at__isnull=True
        )
        for entry in pending:
            send_email(
                to=entry.email,
                subject=f"You won: {contest.title}",
                template="contest_winner",
                context={"contest": contest, "entry_id": entry.pk},
                kind="contest_winner",
                dedupe_key=f"contest-winner:{entry.pk}",
            )
            ContestEntry.objects.filter(pk=entry.pk).update(notified_at=now)
            sent += 1
    return sent


# --- demographics, in aggregate only ----------------------------------------------


@dataclass(frozen=True)
class Cell:
    label: str
    shown: str  # the count, or FEWER_THAN / WITHHELD


def _suppress(rows: list[tuple[str, int]]) -> list[Cell]:
    """Hide every count below ``SMALL_CELL``; if that hides exactly one non-empty cell,
    also hide the next smallest, so that the hidden one cannot be worked out from the
    total."""
    hidden = {i for i, (_, n) in enumerate(rows) if n < SMALL_CELL}
    withheld: set[int] = set()
    hidden_people = sum(rows[i][1] for i in hidden)
    if len(hidden) == 1 and hidden_people > 0:
        visible = [i for i in range(len(rows)) if i not in hidden]
        if visible:
            withheld.add(min(visible, key=lambda i: rows[i][1]))
    cells = []
    for i, (label, n) in enumerate(rows):
        if i in hidden:
            shown = FEWER_THAN
        elif i in withheld:
            shown = WITHHELD
        else:
            shown = str(n)
        cells.append(Cell(label=label, shown=shown))
    return cells


def _band_rows(entries, field: str, choices) -> list[tuple[str, int]]:
    counts = dict(entries.values_list(field).annotate(n=Count("id")).order_by())
    rows = [(label, counts.get(value, 0)) for value, label in choices]
    rows.append(("Not given", counts.get("", 0)))
    return rows


def _zip3_rows(entries) -> list[tuple[str, int]]:
    per_region: dict[str, int] = {}
    for zip_code in entries.values_list("zip_code", flat=True).iterator():
        region = zip_code[:3] if zip_code else ""
        per_region[region] = per_region.get(region, 0) + 1
    not_given = per_region.pop("", 0)
    rows, other = [], 0
    for region in sorted(per_region):
        if per_region[region] >= SMALL_CELL:
            rows.append((f"{region}xx", per_region[region]))
        else:
            other += per_region[region]
    if other:
        # Small regions are pooled: no row ever names a region with a handful of people.
        rows.append(("Other regions together", other))
    rows.append(("Not given", not_given))
    return rows


def demographics(contest: Contest) -> dict:
    """Return the contest's entries in aggregate: totals and suppressed counts per band.

    Never a list of entrants: this is the only view of demographics outside the
    contest itself (P9).
    """
    entries = ContestEntry.objects.filter(contest=contest)
    tables = []
    if contest.asks_age_band != Contest.Ask.NO:
        rows = _band_rows(entries, "age_band", ContestEntry.AgeBand.choices)
        tables.append({"title": "Age band", "cells": _suppress(rows)})
    if contest.asks_income_band != Contest.Ask.NO:
        rows = _band_rows(entries, "income_band", ContestEntry.IncomeBand.choices)
        tables.append({"title": "Income band", "cells": _suppress(rows)})
    if contest.asks_zip != Contest.Ask.NO:
        tables.append(
            {"title": "Region (first three ZIP digits)", "cells": _suppress(_zip3_rows(entries))}
        )
    return {"total": entries.count(), "tables": tables}


# --- retention ----------------------------------------------------------------------


def forget_finished_contest_entries(*, now: datetime | None = None) -> int:
    """Delete the entries of contests that closed more than the retention period ago.

    ``VIVRE["CONTEST_ENTRY_RETENTION_DAYS"]`` (default 180). Returns how many entries.
    """
    now = now or timezone.now()
    days = settings.VIVRE.get("CONTEST_ENTRY_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    cutoff = now - timedelta(days=days)
    _, per_model = ContestEntry.objects.filter(contest__closes_at__lt=cutoff).delete()
    return per_model.get(ContestEntry._meta.label, 0)


# --- staff: create and edit ---------------------------------------------------------


def save_contest(*, values: dict, contest: Contest | None = None) -> Contest:
    """Create a contest, or change one that has not been drawn yet."""
    with transaction.atomic():
        if contest is None:
            contest = Contest()
        else:
            contest = Contest.objects.select_for_update().get(pk=contest.pk)
            if contest.drawn_at is not None:
                raise ContestError(
                    "The winners have been drawn; this contest can no longer be changed.",
                    code="drawn",
                )
        for name, value in values.items():
            setattr(contest, name, value)
        contest.save()
    return contest


def contests_for_staff():
    """Every contest with its number of entries, newest first."""
    return Contest.objects.annotate(entry_count=Count("entries")).order_by("-opens_at")
