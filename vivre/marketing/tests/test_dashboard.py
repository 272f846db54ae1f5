"""The marketing dashboard (issue 6, point 5): staff only, counts only, an accessible chart."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from django.contrib.auth.models import Group

from vivre.accounts.models import User
from vivre.core.staff import Role
from vivre.marketing import campaigns
from vivre.marketing.charts import Series, grouped_bar_chart, nice_ceiling
from vivre.marketing.models import Campaign
from vivre.orders.testing import make_order
from vivre.privacy.consent import (
    Channel,
    Purpose,
    record_consent,
    subject_key_for_customer,
    subject_key_for_email,
)
from vivre.privacy.suppression import suppress

pytestmark = pytest.mark.django_db

DASHBOARD = "/staff/marketing/"
SOME_ID = uuid.UUID(int=1)
STAFF_PAGES = [
    ("get", DASHBOARD),
    ("get", "/staff/marketing/campaigns/"),
    ("get", "/staff/marketing/campaigns/new/"),
    ("get", f"/staff/marketing/campaigns/{SOME_ID}/"),
    ("get", f"/staff/marketing/campaigns/{SOME_ID}/edit/"),
    ("get", f"/staff/marketing/campaigns/{SOME_ID}/preview/"),
    ("get", f"/staff/marketing/campaigns/{SOME_ID}/preview/html/"),
    ("post", f"/staff/marketing/campaigns/{SOME_ID}/send/"),
    ("post", f"/staff/marketing/campaigns/{SOME_ID}/pause/"),
    ("post", f"/staff/marketing/campaigns/{SOME_ID}/resume/"),
]


def staff(email, *roles) -> User:
    user = User.objects.create_user(email, password="pw-for-tests-1", is_staff=True)
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def marketer(client):
    client.force_login(staff("marketer@vivre.example", Role.MARKETING))
    return client


def customer(email, *purposes) -> User:
    user = User.objects.create_user(email, password="pw-for-tests-1")
    for purpose in purposes:
        record_consent(
            subject_key=subject_key_for_customer(user.pk), purpose=purpose, granted=True,
            channel=Channel.REGISTRATION,
        )  # fmt: skip
    return user


@pytest.mark.parametrize(("method", "path"), STAFF_PAGES)
def test_a_visitor_is_sent_to_sign_in(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(("method", "path"), STAFF_PAGES)
def test_customers_and_other_staff_are_refused(client, method, path):
    for user in (customer("ada@example.com"), staff("carer@vivre.example", Role.CARE)):
        client.force_login(user)
        assert getattr(client, method)(path).status_code == 403
        User.objects.filter(pk=user.pk).delete()


@pytest.mark.promise("P10")
def test_the_dashboard_shows_audience_sizes_as_counts_only(marketer):
    # given
    customer("vivre-fan@example.com", Purpose.VIVRE_MAILINGS)
    customer("partner-fan@example.com", Purpose.VIVRE_MAILINGS, Purpose.PARTNER_OFFERS)
    customer("quiet@example.com")
    customer("gone@example.com", Purpose.VIVRE_MAILINGS)
    suppress("gone@example.com", "erased")
    make_order(email="vivre-fan@example.com")
    make_order(email="guest@example.com")
    # when
    response = marketer.get(DASHBOARD)
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert "@example.com" not in body
    registered = next(r for r in response.context["audience"] if r["group"] == "registered")
    assert (registered["people"], registered["vivre_mailings"], registered["partner_offers"]) == (
        4, 2, 1,
    )  # fmt: skip
    rows = {r["group"]: r for r in response.context["audience"]}
    assert (rows["customers"]["people"], rows["customers"]["vivre_mailings"]) == (2, 1)
    assert (rows["contest_entrants"]["people"], rows["all"]["people"]) == (0, 5)
    assert rows["all"]["vivre_mailings"] == 2
    assert re.search(r"Registered customers</th><td class=\"num\">4</td>", body)


def test_the_bulk_counts_agree_with_the_per_person_rule():
    # given every case may_send_marketing distinguishes
    from vivre.privacy.suppression import may_send_marketing

    customer("yes@example.com", Purpose.VIVRE_MAILINGS)
    no = customer("no@example.com", Purpose.VIVRE_MAILINGS)
    record_consent(subject_key=subject_key_for_customer(no.pk), purpose="vivre_mailings",
                   granted=False, channel=Channel.ONE_CLICK)  # fmt: skip
    customer("gone@example.com", Purpose.VIVRE_MAILINGS)
    suppress("gone@example.com", "erased")
    back = customer("back@example.com")
    suppress("back@example.com", "unsubscribed")
    record_consent(subject_key=subject_key_for_email("back@example.com"), purpose="vivre_mailings",
                   granted=True, channel=Channel.MY_ACCOUNT)  # fmt: skip
    people = campaigns.gather_audience(["registered"])
    # when
    counts = campaigns.eligible_counts(people)
    # then
    expected = sum(
        may_send_marketing(email=p.email, purpose="vivre_mailings", subject_keys=p.keys)
        for p in people.values()
    )
    assert counts["vivre_mailings"] == expected == 2
    assert back.pk


def test_the_dashboard_lists_campaigns_and_links_every_marketing_page(marketer):
    # given
    Campaign.objects.create(
        name="<b>Autumn</b>", kind="vivre", subject_line="s", text_body="t", html_body="<p>h</p>",
        audiences=["registered"],
    )  # fmt: skip
    # when
    body = marketer.get(DASHBOARD).content.decode()
    # then
    assert "&lt;b&gt;Autumn&lt;/b&gt;" in body
    for href in (
        "/staff/marketing/campaigns/new/", "/staff/marketing/contests/",
        "/staff/marketing/promotions/", "/staff/marketing/catalogue/",
    ):  # fmt: skip
        assert f'href="{href}"' in body
    assert 'aria-current="page">Marketing<' in body


@pytest.mark.promise("P16")
def test_the_chart_shows_sends_and_opt_outs_per_day_accessibly(marketer):
    # given one person mailed today, and an opt-out today
    customer("ada@example.com", Purpose.VIVRE_MAILINGS)
    campaign = Campaign.objects.create(
        name="Autumn", kind="vivre", subject_line="s", text_body="t", html_body="<p>h</p>",
        audiences=["registered"],
    )  # fmt: skip
    campaigns.start_sending(campaign_id=campaign.pk)
    campaigns.send_batch(campaign.pk)
    record_consent(subject_key="email:x", purpose="partner_offers", granted=False,
                   channel=Channel.ONE_CLICK)  # fmt: skip
    # when
    response = marketer.get(DASHBOARD)
    # then
    body = response.content.decode()
    days = response.context["days"]
    assert len(days) == 30
    assert (days[-1]["sends"], days[-1]["opt_outs"]) == (1, 1)
    svg = re.search(r"<svg[^>]*class=\"chart\".*?</svg>", body, re.S).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="activity-chart-title activity-chart-desc"' in svg
    assert '<title id="activity-chart-title">' in svg
    assert '<desc id="activity-chart-desc">1 campaign mails sent and 1 opt-outs' in svg
    assert "style=" not in body
    assert "<script" not in body
    assert "The figures as a table" in body


def test_the_chart_escapes_its_labels_and_scales():
    # when
    svg = grouped_bar_chart(
        chart_id="c", title="<T>", description="d & e", labels=["<a>", "b"],
        series=[Series("One", [3, 0]), Series("Two", [7, 1])],
    )  # fmt: skip
    # then
    assert "<T>" not in svg and "&lt;T&gt;" in svg
    assert "&lt;a&gt;" in svg
    assert svg.count("<rect") == 3 + 2  # three bars with a value, two legend keys
    assert nice_ceiling(0) == 4
    assert nice_ceiling(7) == 8
    assert nice_ceiling(130) == 200
    assert nice_ceiling(1001) == 2000


def test_daily_activity_counts_only_the_last_30_days():
    days = campaigns.daily_activity(days=30, today=date(2026, 3, 31))
    assert days[0]["day"] == date(2026, 3, 2)
    assert days[-1]["day"] == date(2026, 3, 31)
