"""The draw: after closing, once, random and reproducible from a recorded seed, logged,
winners mailed once (P9)."""

from __future__ import annotations

import logging
import random
import re
import threading

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from vivre.accounts.models import User
from vivre.core.staff import Role
from vivre.marketing import contests
from vivre.marketing.models import Contest, ContestEntry
from vivre.marketing.tests.test_contests import add_entries, close, make_contest
from vivre.messaging.models import Message


def staff(username, *roles) -> User:
    user = User.objects.create_user(username, password="pw-for-tests", is_staff=True)
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def marketer(db):
    return staff("marketer", Role.MARKETING)


@pytest.fixture
def closed_contest(db):
    contest = close(make_contest(winners_wanted=3))
    add_entries(contest, 12)
    return contest


@pytest.mark.promise("P9")
def test_the_draw_is_reproducible_from_its_recorded_seed(closed_contest, marketer, caplog):
    caplog.set_level(logging.INFO, logger="vivre.marketing.contests")
    result = contests.draw(contest=closed_contest, actor=marketer)
    closed_contest.refresh_from_db()
    # the seed, the time and who drew are recorded
    assert re.fullmatch(r"[0-9a-f]{32}", closed_contest.draw_seed)
    assert closed_contest.draw_seed == result.seed
    assert closed_contest.drawn_at is not None and closed_contest.drawn_by == marketer
    # three winners, marked on their entries
    winners = sorted(
        ContestEntry.objects.filter(contest=closed_contest, is_winner=True).values_list(
            "id", flat=True
        )
    )
    assert len(winners) == 3 and sorted(result.winner_ids) == winners
    # re-running the draw from the seed gives the same winners, in the same order
    assert contests.replay_draw(closed_contest) == result.winner_ids
    # and anyone can re-run it with nothing but the standard library
    ids = sorted(closed_contest.entries.values_list("id", flat=True))
    assert random.Random(closed_contest.draw_seed).sample(ids, 3) == result.winner_ids


@pytest.mark.promise("P9")
def test_the_draw_is_logged_without_personal_data(closed_contest, marketer, caplog):
    caplog.set_level(logging.INFO, logger="vivre.marketing.contests")
    result = contests.draw(contest=closed_contest, actor=marketer)
    [line] = [r.getMessage() for r in caplog.records if "Contest draw" in r.getMessage()]
    assert str(closed_contest.pk) in line and contests.loggable_hex(result.seed) in line
    assert "winners=" + ",".join(str(i) for i in result.winner_ids) in line
    assert f"pool_size=12 pool_digest={contests.loggable_hex(result.pool_digest)}" in line
    assert "@" not in line and "example" not in line


@pytest.mark.promise("P9")
def test_a_replay_with_the_recorded_pool_survives_later_erasure(closed_contest, marketer):
    result = contests.draw(contest=closed_contest, actor=marketer)
    pool = sorted(closed_contest.entries.values_list("id", flat=True))
    # an entrant who did not win is erased afterwards
    closed_contest.entries.filter(is_winner=False).first().delete()
    assert contests.pool_digest(pool) == result.pool_digest
    assert contests.replay_draw(closed_contest, entry_ids=pool) == result.winner_ids


def test_two_draws_with_other_seeds_pick_other_winners_sometimes(db, marketer):
    # the seed really decides: over a few contests, not every draw picks the same entries
    picks = set()
    for _ in range(5):
        contest = close(make_contest(winners_wanted=2))
        entries = add_entries(contest, 10)
        first = entries[0].pk
        winners = contests.draw(contest=contest, actor=marketer).winner_ids
        picks.add(tuple(sorted(w - first for w in winners)))
    assert len(picks) > 1


@pytest.mark.promise("P9")
def test_a_second_draw_is_refused_and_mails_no_one_again(closed_contest, marketer):
    first = contests.draw(contest=closed_contest, actor=marketer)
    mails = Message.objects.filter(kind="contest_winner").count()
    assert mails == 3
    with pytest.raises(contests.ContestError) as refused:
        contests.draw(contest=closed_contest, actor=staff("other", Role.MARKETING))
    assert refused.value.code == "drawn"
    closed_contest.refresh_from_db()
    assert closed_contest.draw_seed == first.seed and closed_contest.drawn_by == marketer
    assert ContestEntry.objects.filter(is_winner=True).count() == 3
    assert Message.objects.filter(kind="contest_winner").count() == mails


def test_no_draw_before_the_contest_closes(db, marketer):
    contest = make_contest()
    add_entries(contest, 3)
    with pytest.raises(contests.ContestError) as refused:
        contests.draw(contest=contest, actor=marketer)
    assert refused.value.code == "not_closed"
    contest.refresh_from_db()
    assert contest.drawn_at is None and contest.draw_seed == ""
    assert not ContestEntry.objects.filter(is_winner=True).exists()


def test_fewer_entries_than_winners_wanted_all_win_and_none_is_fine(db, marketer):
    small = close(make_contest(winners_wanted=5))
    add_entries(small, 2)
    assert len(contests.draw(contest=small, actor=marketer).winner_ids) == 2
    empty = close(make_contest(winners_wanted=1))
    assert contests.draw(contest=empty, actor=marketer).winner_ids == []
    empty.refresh_from_db()
    assert empty.drawn_at is not None and contests.replay_draw(empty) == []


def test_a_contest_that_was_never_drawn_cannot_be_replayed(db):
    with pytest.raises(contests.ContestError):
        contests.replay_draw(make_contest())


@pytest.mark.promise("P9")
@pytest.mark.django_db(transaction=True)
def test_winners_are_mailed_once_over_real_smtp(smtp_server):
    marketer = staff("marketer", Role.MARKETING)
    contest = close(make_contest(winners_wanted=2, title="Win a linen set"))
    add_entries(contest, 7)
    result = contests.draw(contest=contest, actor=marketer)
    call_command("deliver_mail")
    winners = ContestEntry.objects.filter(contest=contest, is_winner=True)
    assert sorted(
        smtp_server.messages[i]["To"] for i in range(len(smtp_server.messages))
    ) == sorted(winners.values_list("email", flat=True))
    assert all(entry.notified_at is not None for entry in winners)
    body = smtp_server.messages[0].get_body(("plain",)).get_content()
    assert "Win a linen set" in body and "entry number" in body
    # a retried notification, or a second delivery run, sends nothing more
    assert contests.notify_winners(contest=contest) == 0
    call_command("deliver_mail")
    assert len(smtp_server.messages) == len(result.winner_ids) == 2


# --- the staff action ----------------------------------------------------------------


def draw_url(contest):
    return reverse("marketing_staff:contest_draw", args=[contest.pk])


@pytest.mark.promise("P9")
def test_staff_draw_from_the_contest_page_and_see_the_seed(client, closed_contest, marketer):
    client.force_login(marketer)
    response = client.post(draw_url(closed_contest), follow=True)
    assert response.status_code == 200
    closed_contest.refresh_from_db()
    page = response.content.decode()
    assert closed_contest.draw_seed in page
    assert "gives the same winners" in page
    for entry in closed_contest.entries.filter(is_winner=True):
        assert f"no. {entry.pk}" in page
        # winners are shown by entry number, not by address
        assert entry.email not in page
    # a second press is refused with a clear message
    again = client.post(draw_url(closed_contest))
    assert again.status_code == 409
    assert "already been drawn" in again.content.decode()


def test_the_draw_is_post_only_and_for_marketing_staff(client, closed_contest):
    # anonymous: sent to sign in; other staff: refused; a GET: not allowed
    assert client.post(draw_url(closed_contest)).status_code == 302
    client.force_login(staff("carer", Role.CARE))
    assert client.post(draw_url(closed_contest)).status_code == 403
    client.force_login(staff("marketer", Role.MARKETING))
    assert client.get(draw_url(closed_contest)).status_code == 405
    assert Contest.objects.get(pk=closed_contest.pk).drawn_at is None


def test_drawing_an_open_contest_from_the_page_is_refused(client, marketer):
    contest = make_contest()
    client.force_login(marketer)
    response = client.post(draw_url(contest))
    assert response.status_code == 409
    assert "after the contest has closed" in response.content.decode()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_staff_drawing_at_the_same_moment_make_one_draw():
    contest = close(make_contest(winners_wanted=2))
    add_entries(contest, 10)
    drawers = [staff("first", Role.MARKETING), staff("second", Role.MARKETING)]
    barrier = threading.Barrier(2)
    outcomes = []

    def draw_as(user):
        try:
            barrier.wait()
            contests.draw(contest=Contest.objects.get(pk=contest.pk), actor=user)
            outcomes.append("made")
        except contests.ContestError as error:
            outcomes.append(f"refused:{error.code}")
        finally:
            connection.close()

    threads = [threading.Thread(target=draw_as, args=(user,)) for user in drawers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # one draw is made, the other refused: two winners, two mails, one seed
    assert sorted(outcomes) == ["made", "refused:drawn"]
    assert ContestEntry.objects.filter(contest=contest, is_winner=True).count() == 2
    assert Message.objects.filter(kind="contest_winner").count() == 2
    contest.refresh_from_db()
    assert sorted(contests.replay_draw(contest)) == sorted(
        ContestEntry.objects.filter(is_winner=True).values_list("id", flat=True)
    )


def test_a_seed_full_of_digits_survives_the_log_redaction(caplog):
    import logging

    # a seed whose digit run looks like a card number to the log redaction
    seed = "3b83284329858b202aa0981120350216"
    logging.getLogger("vivre.marketing.contests").warning("seed=%s", contests.loggable_hex(seed))

    logged = caplog.records[-1].getMessage().split("seed=")[1]
    assert logged.replace(":", "") == seed
