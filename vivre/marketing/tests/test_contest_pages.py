"""The public entry form and the staff contest pages (P9, P22)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vivre.core.staff import Role
from vivre.marketing import contest_views
from vivre.marketing.contest_forms import MAILINGS_LABEL, PARTNERS_LABEL
from vivre.marketing.models import Contest, ContestEntry
from vivre.marketing.tests.test_contest_draw import staff
from vivre.marketing.tests.test_contests import add_entries, close, make_contest
from vivre.messaging.models import Message
from vivre.privacy.consent import Channel, Purpose, subject_key_for_email
from vivre.privacy.models import ConsentRecord


def enter_url(contest):
    return reverse("contests:enter", args=[contest.slug])


@pytest.fixture
def contest(db):
    return make_contest(
        asks_zip=Contest.Ask.OPTIONAL,
        asks_age_band=Contest.Ask.REQUIRED,
        asks_income_band=Contest.Ask.NO,
    )


def fields_on(page: str) -> set[str]:
    """Return the names of the entry form's fields (not the site search's)."""
    [form] = re.findall(r'<form method="post" action="/contests/.*?</form>', page, re.S)
    return set(re.findall(r'name="([a-z_]+)"', form)) - {"csrfmiddlewaretoken"}


# --- the public form -----------------------------------------------------------------


@pytest.mark.promise("P9", "P22")
def test_the_form_asks_only_what_the_contest_asks(client, contest):
    page = client.get(enter_url(contest)).content.decode()
    assert fields_on(page) == {"email", "zip_code", "age_band", "vivre_mailings", "partner_offers"}
    # the optional one says so; the required one is required
    assert re.search(r'for="id_zip_code">ZIP code <span class="optional">\(optional\)', page)
    assert re.search(r'for="id_age_band">Age band</label>', page)
    assert re.search(r'<select name="age_band"[^>]*required', page)
    assert not re.search(r'<input[^>]*name="zip_code"[^>]*required', page)
    # the contest is described: title, prize, rules with line breaks, dates
    assert "Win a linen set" in page and "A set of linen napkins" in page
    assert "<p>One entry per person.</p>" in page
    # a bare contest asks only for the e-mail
    bare = client.get(enter_url(make_contest())).content.decode()
    assert fields_on(bare) == {"email", "vivre_mailings", "partner_offers"}


@pytest.mark.promise("P22")
def test_both_choices_are_offered_unticked_with_a_notice_of_use(client, contest):
    page = client.get(enter_url(contest)).content.decode()
    assert MAILINGS_LABEL in page
    for name in ("vivre_mailings", "partner_offers"):
        [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert 'type="checkbox"' in tag and "checked" not in tag
    assert "only to run this contest and to tell you if you win" in page
    assert "only to understand our customers in aggregate" in page
    assert "never to single anyone out" in page and "never passed on" in page
    assert PARTNERS_LABEL.replace("'", "&#x27;") in page


def test_contest_pages_carry_no_inline_style_or_script(client, contest):
    # the shop's strict CSP allows neither
    for url in (enter_url(contest), reverse("contests:entered", args=[contest.slug])):
        page = client.get(url).content.decode()
        assert 'style="' not in page and "<script>" not in page


@pytest.mark.promise("P9", "P22")
def test_entering_through_the_page(client, contest):
    response = client.post(
        enter_url(contest),
        {"email": "Ada@Example.com", "zip_code": "10013-1234", "age_band": "25_34",
         "partner_offers": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == reverse("contests:entered", args=[contest.slug])
    entry = ContestEntry.objects.get()
    assert (entry.email, entry.zip_code, entry.age_band) == (
        "ada@example.com",
        "10013-1234",
        "25_34",
    )
    choices = dict(
        ConsentRecord.objects.filter(
            subject_key=subject_key_for_email("ada@example.com"), channel=Channel.CONTEST_ENTRY
        ).values_list("purpose", "granted")
    )
    assert choices == {Purpose.VIVRE_MAILINGS: False, Purpose.PARTNER_OFFERS: True}
    assert Message.objects.get().kind == "contest_entry"
    assert "You have entered" in client.get(response["Location"]).content.decode()


@pytest.mark.promise("P9")
def test_required_and_optional_fields_are_honoured(client, contest):
    # the required age band missing: refused, nothing kept
    response = client.post(enter_url(contest), {"email": "ada@example.com", "zip_code": "10013"})
    assert response.status_code == 400
    assert "asks for your age band" in response.content.decode()
    assert not ContestEntry.objects.exists() and not ConsentRecord.objects.exists()
    # the optional ZIP code left out: fine
    ok = client.post(enter_url(contest), {"email": "ada@example.com", "age_band": "under_25"})
    assert ok.status_code == 302
    assert ContestEntry.objects.get().zip_code == ""


def test_a_field_the_contest_does_not_ask_is_ignored_if_posted(client, contest):
    client.post(
        enter_url(contest),
        {"email": "ada@example.com", "age_band": "under_25", "income_band": "200k_plus"},
    )
    assert ContestEntry.objects.get().income_band == ""


@pytest.mark.promise("P9")
def test_a_duplicate_entry_gets_a_clear_message_and_changes_nothing(client, contest):
    client.post(enter_url(contest), {"email": "ada@example.com", "age_band": "under_25"})
    records, mails = ConsentRecord.objects.count(), Message.objects.count()
    response = client.post(
        enter_url(contest),
        {"email": " ADA@example.com", "age_band": "65_plus", "zip_code": "94110",
         "vivre_mailings": "on", "partner_offers": "on"},
    )  # fmt: skip
    assert response.status_code == 409
    assert "already entered this contest" in response.content.decode()
    entry = ContestEntry.objects.get()
    assert (entry.age_band, entry.zip_code) == ("under_25", "")
    assert ConsentRecord.objects.count() == records and Message.objects.count() == mails


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"zip_code": "1001"}, "zip_code", "Enter a ZIP code"),
        ({"zip_code": "ABCDE"}, "zip_code", "Enter a ZIP code"),
        ({"zip_code": "1" * 11}, "zip_code", "at most 10"),
        ({"age_band": "over_9000"}, "age_band", "Choose one of the listed options"),
        ({"email": "not an e-mail"}, "email", "valid email"),
        ({"email": "a" * 250 + "@example.com"}, "email", "at most 254"),
        ({"email": "<script>alert(1)</script>@example.com"}, "email", "valid email"),
    ],
)
def test_bad_input_gets_a_field_error_and_nothing_is_kept(client, contest, data, field, message):
    posted = {"email": "ada@example.com", "age_band": "under_25", **data}
    response = client.post(enter_url(contest), posted)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}-error"' in page and message in page
    assert "<script>alert" not in page
    assert not ContestEntry.objects.exists() and not ConsentRecord.objects.exists()


def test_markup_in_a_contest_is_shown_escaped(client, db):
    contest = make_contest(
        title="<b>Bold</b> prize", rules="<script>alert(1)</script>\nline two", prize="<i>x</i>"
    )
    page = client.get(enter_url(contest)).content.decode()
    assert "<script>alert(1)" not in page and "<b>Bold" not in page and "<i>x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>line two" in page


def test_a_post_without_csrf_token_gets_the_shops_403(contest):
    response = Client(enforce_csrf_checks=True).post(
        enter_url(contest), {"email": "ada@example.com", "age_band": "under_25"}
    )
    assert response.status_code == 403
    assert "That page is not open to you" in response.content.decode()
    assert not ContestEntry.objects.exists()


def test_an_unopened_or_closed_contest_shows_no_form(client, db):
    now = timezone.now()
    upcoming = make_contest(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=2))
    closed = close(make_contest())
    for contest, words in ((upcoming, "Not open yet"), (closed, "This contest has closed")):
        response = client.get(enter_url(contest))
        page = response.content.decode()
        assert response.status_code == 200 and words in page
        assert "<form" not in page.split("<main", 1)[-1].split("<footer", 1)[0]
        posted = client.post(enter_url(contest), {"email": "ada@example.com"})
        assert posted.status_code == 409 and words in posted.content.decode()
    assert not ContestEntry.objects.exists() and not ConsentRecord.objects.exists()


def test_an_unknown_contest_is_not_found(client, db):
    assert client.get("/contests/no-such-contest/").status_code == 404


def test_entries_are_throttled_per_ip(client, contest, monkeypatch):
    monkeypatch.setattr(contest_views, "ENTRY_LIMIT", 2)
    for i in range(2):
        data = {"email": f"person{i}@example.com", "age_band": "under_25"}
        assert client.post(enter_url(contest), data).status_code == 302
    response = client.post(
        enter_url(contest), {"email": "third@example.com", "age_band": "under_25"}
    )
    assert response.status_code == 429
    assert "a lot of entries from this connection" in response.content.decode()
    assert ContestEntry.objects.count() == 2


# --- staff pages ---------------------------------------------------------------------

LIST = "/staff/marketing/contests/"
NEW = "/staff/marketing/contests/new/"


@pytest.fixture
def marketing_client(client, db):
    client.force_login(staff("marketer", Role.MARKETING))
    return client


def contest_data(**overrides) -> dict:
    return {
        "title": "Spring draw",
        "slug": "spring-draw",
        "prize": "A cashmere throw",
        "rules": "One entry per person.\n\nDrawn on 2 June.",
        "opens_at": "2026-05-01T09:00",
        "closes_at": "2026-06-01T09:00",
        "winners_wanted": "2",
        "asks_zip": "optional",
        "asks_age_band": "required",
        "asks_income_band": "no",
        "promotion": "",
        **overrides,
    }


def test_contest_pages_are_for_marketing_staff_only(client, db):
    contest = make_contest()
    urls = [LIST, NEW, f"{LIST}{contest.pk}/", f"{LIST}{contest.pk}/edit/"]
    for url in urls:
        assert client.get(url).status_code == 302  # sign in first
    client.force_login(staff("carer", Role.CARE))
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(staff("marketer", Role.MARKETING))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert 'style="' not in response.content.decode()


def test_staff_create_a_contest(marketing_client):
    response = marketing_client.post(NEW, contest_data())
    assert response.status_code == 302
    contest = Contest.objects.get(slug="spring-draw")
    assert response["Location"] == f"{LIST}{contest.pk}/"
    assert timezone.localtime(contest.opens_at).strftime("%Y-%m-%d %H:%M") == "2026-05-01 09:00"
    assert (contest.asks_zip, contest.asks_age_band, contest.asks_income_band) == (
        "optional",
        "required",
        "no",
    )
    assert contest.winners_wanted == 2 and contest.promotion is None
    listing = marketing_client.get(LIST).content.decode()
    assert "Spring draw" in listing and "/contests/spring-draw/" in listing


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"closes_at": "2026-04-01T09:00"}, "closes_at", "must close after it opens"),
        ({"closes_at": "2026-05-01T09:00"}, "closes_at", "must close after it opens"),
        ({"opens_at": "tomorrow"}, "opens_at", "Enter a date and time"),
        ({"slug": "Spring Draw!"}, "slug", "letters, numbers"),
        ({"title": "x" * 121}, "title", "at most 120"),
        ({"rules": ""}, "rules", "required"),
        ({"winners_wanted": "0"}, "winners_wanted", "greater than or equal to 1"),
        ({"winners_wanted": "many"}, "winners_wanted", "whole number"),
        ({"asks_zip": "always"}, "asks_zip", "Choose one of the listed options"),
        ({"promotion": "999999"}, "promotion", "Choose one of the listed promotion codes"),
    ],
)
def test_bad_contest_input_gets_field_errors(marketing_client, overrides, field, message):
    response = marketing_client.post(NEW, contest_data(**overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}-error"' in page and message in page
    assert not Contest.objects.exists()


def test_a_web_address_is_used_once(marketing_client):
    make_contest(slug="spring-draw")
    response = marketing_client.post(NEW, contest_data())
    assert response.status_code == 400
    assert "Another contest already has this web address" in response.content.decode()


def test_staff_edit_a_contest_until_it_is_drawn(marketing_client):
    contest = make_contest(slug="old-slug")
    edit = f"{LIST}{contest.pk}/edit/"
    assert 'value="old-slug"' in marketing_client.get(edit).content.decode()
    response = marketing_client.post(edit, contest_data(slug="old-slug", title="Renamed"))
    assert response.status_code == 302
    contest.refresh_from_db()
    assert contest.title == "Renamed" and contest.asks_age_band == "required"
    # once drawn, it can no longer be changed
    close(contest)
    from vivre.marketing import contests

    contests.draw(contest=contest, actor=staff("drawer", Role.MARKETING))
    response = marketing_client.post(edit, contest_data(slug="old-slug", title="Changed after"))
    assert response.status_code == 302
    contest.refresh_from_db()
    assert contest.title == "Renamed"


def test_staff_form_without_csrf_is_refused(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff("marketer", Role.MARKETING))
    assert client.post(NEW, contest_data()).status_code == 403
    assert not Contest.objects.exists()


@pytest.mark.promise("P9")
def test_the_staff_page_shows_demographics_only_as_suppressed_counts(marketing_client):
    contest = make_contest(asks_zip=Contest.Ask.OPTIONAL, asks_age_band=Contest.Ask.OPTIONAL)
    add_entries(contest, 6, age_band="25_34", zip_code="60601")
    add_entries(contest, 1, age_band="65_plus", zip_code="99501")
    page = marketing_client.get(f"{LIST}{contest.pk}/").content.decode()
    assert "<strong>7</strong> entries" in page
    assert "606xx" in page and "fewer than 5" in page
    # no entrant appears: no address, no full ZIP code, no small region
    assert "@example.com" not in page
    assert "60601" not in page and "99501" not in page and "995xx" not in page
    # and the list shows the count
    listing = marketing_client.get(LIST).content.decode()
    assert re.search(r'<td class="num">7</td>', listing)


@pytest.mark.django_db
def test_the_contests_page_lists_only_open_contests(client):
    from datetime import timedelta

    from django.utils import timezone

    from vivre.marketing.models import Contest

    now = timezone.now()

    def contest(slug, opens, closes):
        return Contest.objects.create(
            slug=slug, title=slug.title(), rules="r", prize="A <b>prize</b>",
            opens_at=now + timedelta(days=opens), closes_at=now + timedelta(days=closes),
        )  # fmt: skip

    contest("open", -1, 5)
    contest("upcoming", 2, 9)
    contest("closed", -9, -2)

    page = client.get("/contests/").content.decode()

    assert "/contests/open/" in page
    assert "/contests/upcoming/" not in page and "/contests/closed/" not in page
    assert "A &lt;b&gt;prize&lt;/b&gt;" in page


@pytest.mark.django_db
def test_the_demo_contest_and_code_load_once(client):
    import io

    from django.core.management import call_command

    from vivre.marketing.models import Contest, Promotion

    call_command("load_demo_marketing", stdout=io.StringIO())
    call_command("load_demo_marketing", stdout=io.StringIO())

    assert Promotion.objects.filter(code="WELCOME10").count() == 1
    assert client.get("/contests/a-weekend-in-hudson/").status_code == 200
    assert Contest.objects.count() == 1
