"""Contest entries, the consent ledger, aggregate demographics and retention (P9, P22)."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from vivre.marketing import contests
from vivre.marketing.contests import FEWER_THAN, WITHHELD, Entry, _suppress
from vivre.marketing.models import Contest, ContestEntry, Promotion
from vivre.messaging.models import Message
from vivre.privacy.consent import Channel, Purpose, current_preferences, subject_key_for_email
from vivre.privacy.models import ConsentRecord

_slugs = itertools.count(1)


def make_contest(**overrides) -> Contest:
    """A contest open now (opened a day ago, closes in a day)."""
    now = timezone.now()
    values = {
        "slug": f"contest-{next(_slugs)}",
        "title": "Win a linen set",
        "rules": "One entry per person.\n\nThe winner is drawn at random.",
        "prize": "A set of linen napkins",
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=1),
        **overrides,
    }
    return Contest.objects.create(**values)


def close(contest: Contest) -> Contest:
    """Move a contest into the past: it closed an hour ago."""
    now = timezone.now()
    Contest.objects.filter(pk=contest.pk).update(
        opens_at=now - timedelta(days=10), closes_at=now - timedelta(hours=1)
    )
    contest.refresh_from_db()
    return contest


def add_entries(contest: Contest, n: int, **fields) -> list[ContestEntry]:
    start = ContestEntry.objects.count()
    return [
        ContestEntry.objects.create(
            contest=contest, email=f"entrant{start + i}@example.com", **fields
        )
        for i in range(n)
    ]


@pytest.fixture
def contest(db):
    return make_contest(
        asks_zip=Contest.Ask.OPTIONAL,
        asks_age_band=Contest.Ask.REQUIRED,
        asks_income_band=Contest.Ask.OPTIONAL,
    )


# --- entering ------------------------------------------------------------------------


@pytest.mark.promise("P9", "P22")
def test_an_entry_keeps_what_was_asked_and_records_both_choices(contest):
    # when someone enters, yes to Vivre's mailings and no to partners' offers
    result = contests.enter(
        contest=contest,
        data=Entry(
            email="  Ada@Example.COM ",
            zip_code="10013",
            age_band="35_44",
            income_band="",
            vivre_mailings=True,
            partner_offers=False,
        ),
    )
    # then the entry holds the normalized e-mail and the answers given
    entry = result.entry
    assert not result.duplicate
    assert (entry.email, entry.zip_code, entry.age_band, entry.income_band) == (
        "ada@example.com",
        "10013",
        "35_44",
        "",
    )
    # and both choices are in the ledger under the e-mail's keyed hash, from this form
    key = subject_key_for_email("ada@example.com")
    records = ConsentRecord.objects.filter(subject_key=key)
    assert {(r.purpose, r.granted, r.channel, r.recorded_by) for r in records} == {
        (Purpose.VIVRE_MAILINGS, True, Channel.CONTEST_ENTRY, "self"),
        (Purpose.PARTNER_OFFERS, False, Channel.CONTEST_ENTRY, "self"),
    }
    prefs = current_preferences(key)
    assert prefs[Purpose.VIVRE_MAILINGS] and not prefs[Purpose.PARTNER_OFFERS]
    # and the ledger does not hold the address in clear
    assert not ConsentRecord.objects.filter(subject_key__icontains="example").exists()


@pytest.mark.promise("P9")
def test_a_second_entry_with_the_same_email_changes_nothing(contest):
    first = contests.enter(
        contest=contest, data=Entry(email="ada@example.com", age_band="35_44", zip_code="10013")
    ).entry
    records, messages = ConsentRecord.objects.count(), Message.objects.count()
    # when the same person (other case) enters again with other answers and other choices
    again = contests.enter(
        contest=contest,
        data=Entry(
            email="ADA@example.com",
            age_band="65_plus",
            zip_code="94110",
            income_band="200k_plus",
            vivre_mailings=True,
            partner_offers=True,
        ),
    )
    # then nothing new is kept: no entry, no answers, no choice, no mail
    assert again.duplicate and again.entry is None
    assert ContestEntry.objects.filter(contest=contest).count() == 1
    first.refresh_from_db()
    assert (first.age_band, first.zip_code, first.income_band) == ("35_44", "10013", "")
    assert ConsentRecord.objects.count() == records
    assert Message.objects.count() == messages


@pytest.mark.promise("P9")
def test_the_same_email_may_enter_another_contest(contest):
    other = make_contest()
    contests.enter(contest=contest, data=Entry(email="ada@example.com", age_band="35_44"))
    assert not contests.enter(contest=other, data=Entry(email="ada@example.com")).duplicate
    assert ContestEntry.objects.filter(email="ada@example.com").count() == 2


@pytest.mark.promise("P9")
def test_answers_a_contest_does_not_ask_for_are_never_kept(db):
    bare = make_contest()  # asks nothing but the e-mail
    entry = contests.enter(
        contest=bare,
        data=Entry(
            email="ada@example.com", zip_code="10013", age_band="35_44", income_band="under_50k"
        ),
    ).entry
    assert (entry.zip_code, entry.age_band, entry.income_band) == ("", "", "")


def test_entries_are_refused_before_opening_and_after_closing(db):
    now = timezone.now()
    upcoming = make_contest(opens_at=now + timedelta(hours=1), closes_at=now + timedelta(days=2))
    closed = close(make_contest())
    with pytest.raises(contests.ContestError) as not_yet:
        contests.enter(contest=upcoming, data=Entry(email="ada@example.com"))
    with pytest.raises(contests.ContestError) as too_late:
        contests.enter(contest=closed, data=Entry(email="ada@example.com"))
    assert not_yet.value.code == "upcoming" and too_late.value.code == "closed"
    assert not ContestEntry.objects.exists() and not ConsentRecord.objects.exists()


def test_the_confirmation_is_transactional_and_hands_out_the_promotion_code(db):
    promotion = Promotion.objects.create(
        code="THANKYOU10",
        description="10% off your next order",
        kind=Promotion.Kind.PERCENT,
        value=Decimal("10"),
        starts_at=timezone.now() - timedelta(days=1),
    )
    contest = make_contest(promotion=promotion)
    entry = contests.enter(contest=contest, data=Entry(email="ada@example.com")).entry
    [message] = Message.objects.all()
    assert message.kind == "contest_entry"
    assert message.dedupe_key == f"contest-entry:{entry.pk}"
    assert message.to_address == "ada@example.com"
    assert "THANKYOU10" in message.text_body and "THANKYOU10" in message.html_body
    assert "only to run this contest" in message.text_body
    # no marketing headers: this is the entry itself, not a mailing
    assert message.headers == {}


@pytest.mark.promise("P16")
def test_the_confirmation_offers_a_way_out_of_each_mailing_said_yes_to(db):
    contest = make_contest()
    contests.enter(contest=contest, data=Entry(email="ada@example.com", partner_offers=True))
    contests.enter(contest=make_contest(), data=Entry(email="bob@example.com"))
    yes = Message.objects.get(to_address="ada@example.com").text_body
    no = Message.objects.get(to_address="bob@example.com").text_body
    assert yes.count("/unsubscribe/") == 1 and "offers from our partners" in yes
    assert "/unsubscribe/" not in no and "You also asked" not in no


def test_an_expired_promotion_code_is_not_handed_out(db):
    now = timezone.now()
    promotion = Promotion.objects.create(
        code="OLDCODE",
        description="Gone",
        kind=Promotion.Kind.AMOUNT,
        value=Decimal("5"),
        starts_at=now - timedelta(days=10),
        ends_at=now - timedelta(days=1),
    )
    contests.enter(contest=make_contest(promotion=promotion), data=Entry(email="ada@example.com"))
    assert "OLDCODE" not in Message.objects.get().text_body


# --- demographics only in aggregate --------------------------------------------------


def _shown(table) -> dict[str, str]:
    return {cell.label: cell.shown for cell in table["cells"]}


@pytest.mark.promise("P9")
def test_aggregate_counts_suppress_every_small_cell(contest):
    add_entries(contest, 6, age_band="25_34", zip_code="10013", income_band="50k_100k")
    add_entries(contest, 2, age_band="35_44", zip_code="94110")
    add_entries(contest, 1, age_band="35_44", zip_code="60601")
    stats = contests.demographics(contest)
    assert stats["total"] == 9
    age, income, region = stats["tables"]
    assert _shown(age) == {
        "Under 25": FEWER_THAN,
        "25–34": "6",
        "35–44": FEWER_THAN,
        "45–54": FEWER_THAN,
        "55–64": FEWER_THAN,
        "65 or over": FEWER_THAN,
        "Not given": FEWER_THAN,
    }
    assert _shown(income)["$50,000–$99,999"] == "6"
    assert _shown(income)["Not given"] == FEWER_THAN
    # small ZIP3 regions are never named: they are pooled
    assert _shown(region) == {
        "100xx": "6",
        "Other regions together": FEWER_THAN,
        "Not given": FEWER_THAN,
    }


def test_a_lone_small_cell_cannot_be_worked_out_from_the_total():
    cells = _suppress([("a", 20), ("b", 3), ("c", 9), ("d", 12)])
    assert [c.shown for c in cells] == ["20", FEWER_THAN, WITHHELD, "12"]
    # two hidden cells already hide each other
    cells = _suppress([("a", 20), ("b", 3), ("c", 2), ("d", 12)])
    assert [c.shown for c in cells] == ["20", FEWER_THAN, FEWER_THAN, "12"]


def test_only_the_fields_a_contest_asks_are_counted(db):
    contest = make_contest(asks_age_band=Contest.Ask.OPTIONAL)
    add_entries(contest, 5, age_band="under_25")
    stats = contests.demographics(contest)
    assert [t["title"] for t in stats["tables"]] == ["Age band"]
    assert _shown(stats["tables"][0])["Under 25"] == "5"


# --- retention -----------------------------------------------------------------------


@pytest.mark.promise("P9")
def test_entries_are_forgotten_once_the_retention_period_has_passed(db, settings):
    settings.VIVRE = {**settings.VIVRE, "CONTEST_ENTRY_RETENTION_DAYS": 30}
    now = timezone.now()
    old = make_contest(opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=31))
    recent = make_contest(opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=29))
    running = make_contest()
    add_entries(old, 3)
    add_entries(recent, 2)
    add_entries(running, 1)
    assert contests.forget_finished_contest_entries(now=now) == 3
    assert not old.entries.exists()
    assert recent.entries.count() == 2 and running.entries.count() == 1
    # the contest itself (and its recorded draw) stays
    assert Contest.objects.filter(pk=old.pk).exists()
    assert contests.forget_finished_contest_entries(now=now) == 0


def test_retention_defaults_to_180_days(db, settings):
    settings.VIVRE = {
        k: v for k, v in settings.VIVRE.items() if k != "CONTEST_ENTRY_RETENTION_DAYS"
    }
    now = timezone.now()
    a = make_contest(opens_at=now - timedelta(days=300), closes_at=now - timedelta(days=181))
    b = make_contest(opens_at=now - timedelta(days=300), closes_at=now - timedelta(days=179))
    add_entries(a, 1)
    add_entries(b, 1)
    assert contests.forget_finished_contest_entries(now=now) == 1
    assert b.entries.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_email_entering_twice_at_once_makes_one_entry():
    contest = make_contest()
    barrier = threading.Barrier(2)
    outcomes = []

    def enter_once(email):
        try:
            barrier.wait()
            result = contests.enter(contest=contest, data=Entry(email=email, vivre_mailings=True))
            outcomes.append("duplicate" if result.duplicate else "entered")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=enter_once, args=(email,))
        for email in ("ada@example.com", "ADA@example.com")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["duplicate", "entered"]
    assert ContestEntry.objects.filter(contest=contest).count() == 1
    # the refused one left no choice and no mail behind
    assert ConsentRecord.objects.count() == 2
    assert Message.objects.filter(kind="contest_entry").count() == 1
