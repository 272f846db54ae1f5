"""Writing a campaign (P10): the form, bad input, preview, and the staff actions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from vivre.accounts.models import User
from vivre.core.staff import Role
from vivre.marketing.models import Campaign, CampaignRecipient, Promotion
from vivre.messaging.models import Message
from vivre.privacy.consent import Channel, record_consent, subject_key_for_customer

pytestmark = pytest.mark.django_db

NEW = "/staff/marketing/campaigns/new/"


def valid(**overrides) -> dict:
    data = {
        "name": "Autumn linen",
        "kind": "vivre",
        "partner_name": "",
        "subject_line": "Autumn linen is here",
        "text_body": "New linen for the season.",
        "html_body": "<p>New <strong>linen</strong>.</p>",
        "audiences": ["registered", "customers"],
        "promotion": "",
    }
    return {**data, **overrides}


@pytest.fixture
def marketer():
    user = User.objects.create_user("marketer@vivre.example", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=Role.MARKETING))
    return user


@pytest.fixture
def staff_client(client, marketer):
    client.force_login(marketer)
    return client


def promotion(code="LINEN20", **fields) -> Promotion:
    values = {
        "description": "20% off linen", "kind": "percent", "value": Decimal("20"),
        "starts_at": timezone.now() - timedelta(days=1), **fields,
    }  # fmt: skip
    return Promotion.objects.create(code=code, **values)


def draft(**fields) -> Campaign:
    values = {
        "name": "Autumn", "kind": "vivre", "subject_line": "Autumn", "text_body": "Hello.",
        "html_body": "<p>Hello.</p>", "audiences": ["registered"], **fields,
    }  # fmt: skip
    return Campaign.objects.create(**values)


# --- writing ---------------------------------------------------------------------------


@pytest.mark.promise("P10")
def test_staff_write_a_campaign_and_it_is_saved_as_a_draft(staff_client, marketer):
    # when
    response = staff_client.post(NEW, valid(promotion=promotion().pk))
    # then
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/marketing/campaigns/{campaign.pk}/"
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.audiences == ["registered", "customers"]
    assert campaign.created_by == marketer
    assert campaign.promotion.code == "LINEN20"
    assert not CampaignRecipient.objects.exists()


def test_the_form_says_how_catalogue_requesters_are_reached(staff_client):
    body = staff_client.get(NEW).content.decode()
    assert "reached by the print catalogue, never by e-mail" in body
    assert 'name="audiences" value="contest_entrants"' in body
    assert '<legend class="label">People to consider</legend>' in body


def test_a_partner_campaign_names_the_partner(staff_client):
    # when
    staff_client.post(NEW, valid(kind="partner", partner_name="Maison Lune"))
    # then
    campaign = Campaign.objects.get()
    assert (campaign.kind, campaign.partner_name) == ("partner", "Maison Lune")


def test_a_partner_name_is_dropped_from_vivres_own_campaign(staff_client):
    staff_client.post(NEW, valid(kind="vivre", partner_name="Maison Lune"))
    assert Campaign.objects.get().partner_name == ""


def test_the_html_body_is_sanitized_before_it_is_stored(staff_client):
    # when
    staff_client.post(
        NEW,
        valid(
            html_body='<p style="color:red" onmouseover="x()">Hi<script>alert(1)</script></p>'
            '<img src="https://tracker.example/p.gif"><a href="javascript:x()">a</a>'
            '<a href="https://vivre.example/linen">Shop linen</a><iframe src="//e"></iframe>'
        ),
    )
    # then
    html = Campaign.objects.get().html_body
    for bad in ("<script", "style=", "onmouseover", "<img", "javascript:", "<iframe"):
        assert bad not in html
    assert '<a href="https://vivre.example/linen" rel="noopener noreferrer">Shop linen</a>' in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "x" * 121}, "name", "at most 120"),
        ({"subject_line": "x" * 201}, "subject_line", "at most 200"),
        ({"text_body": "x" * 20_001}, "text_body", "at most 20000"),
        ({"html_body": "x" * 50_001}, "html_body", "at most 50000"),
        ({"name": ""}, "name", "required"),
        ({"kind": "reseller"}, "kind", "Select a valid choice"),
        ({"kind": "partner", "partner_name": "  "}, "partner_name", "Name the partner"),
        ({"audiences": []}, "audiences", "required"),
        ({"audiences": ["catalogue_requesters"]}, "audiences", "Select a valid choice"),
        ({"promotion": "999999"}, "promotion", "Select a valid choice"),
        ({"promotion": "<b>"}, "promotion", "Select a valid choice"),
        ({"html_body": "<script>alert(1)</script>"}, "html_body", "Nothing would be left"),
        ({"text_body": "Use {{ promotion_code }}"}, "promotion", "choose the promotion code"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(staff_client, overrides, field, message):
    # when
    response = staff_client.post(NEW, valid(**overrides))
    # then
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert not Campaign.objects.exists()
    assert 'class="form-errors"' in response.content.decode()


def test_an_expired_promotion_cannot_be_chosen(staff_client):
    old = promotion("OLD", ends_at=timezone.now() - timedelta(days=1))
    response = staff_client.post(NEW, valid(promotion=old.pk))
    assert response.status_code == 400
    assert "promotion" in response.context["form"].errors


def test_a_subject_keeps_to_one_line(staff_client):
    staff_client.post(NEW, valid(subject_line="Autumn\r\nBcc: eve@example.com"))
    assert Campaign.objects.get().subject_line == "Autumn Bcc: eve@example.com"


def test_markup_in_what_staff_typed_is_shown_escaped(staff_client):
    # given
    campaign = draft(name="<script>alert(1)</script>", subject_line="<i>s</i>")
    # when
    body = staff_client.get(f"/staff/marketing/campaigns/{campaign.pk}/").content.decode()
    # then
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;i&gt;s&lt;/i&gt;" in body


def test_a_post_without_csrf_token_is_refused(marketer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(marketer)
    response = client.post(NEW, valid())
    assert response.status_code == 403
    assert not Campaign.objects.exists()


def test_a_draft_can_be_edited(staff_client):
    # given
    campaign = draft()
    # when
    response = staff_client.post(
        f"/staff/marketing/campaigns/{campaign.pk}/edit/", valid(name="Renamed")
    )
    # then
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Renamed"


def test_the_edit_form_shows_the_campaign(staff_client):
    campaign = draft(name="Autumn & winter")
    body = staff_client.get(f"/staff/marketing/campaigns/{campaign.pk}/edit/").content.decode()
    assert 'value="Autumn &amp; winter"' in body


def test_a_campaign_that_has_started_cannot_be_edited(staff_client):
    # given
    campaign = draft(status=Campaign.Status.SENDING)
    # when
    response = staff_client.post(
        f"/staff/marketing/campaigns/{campaign.pk}/edit/", valid(name="Changed")
    )
    # then
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Autumn"


def test_an_unknown_campaign_is_404(staff_client):
    assert staff_client.get("/staff/marketing/campaigns/not-a-uuid/").status_code == 404
    url = "/staff/marketing/campaigns/00000000-0000-0000-0000-000000000009/"
    assert staff_client.get(url).status_code == 404
    assert staff_client.post(url + "send/").status_code == 404


# --- preview and the staff actions ---------------------------------------------------------


def test_the_preview_renders_the_mail_with_the_code_and_the_unsubscribe_link(staff_client):
    # given
    campaign = draft(
        promotion=promotion(),
        text_body="Use {{ promotion_code }}.",
        html_body="<p>Use <b>{{ promotion_code }}</b>.</p>",
        kind="partner",
        partner_name="Maison Lune",
    )
    # when
    page = staff_client.get(f"/staff/marketing/campaigns/{campaign.pk}/preview/")
    frame = staff_client.get(f"/staff/marketing/campaigns/{campaign.pk}/preview/html/")
    # then
    body = page.content.decode()
    assert "Use LINEN20." in body
    assert "Unsubscribe with one click" in body
    assert "Maison Lune" in body
    assert 'sandbox title="HTML part of the campaign mail"' in body
    html = frame.content.decode()
    assert "Use <b>LINEN20</b>." in html
    assert "11 Mercer Street" in html
    assert "sandbox" in frame["Content-Security-Policy"]
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    assert not Message.objects.exists()


@pytest.mark.promise("P10")
def test_send_pause_and_resume_from_the_campaign_page(staff_client):
    # given one person who said yes
    ada = User.objects.create_user("ada@example.com", password="pw-for-tests-1")
    record_consent(subject_key=subject_key_for_customer(ada.pk), purpose="vivre_mailings",
                   granted=True, channel=Channel.REGISTRATION)  # fmt: skip
    campaign = draft()
    base = f"/staff/marketing/campaigns/{campaign.pk}/"
    # when sent
    response = staff_client.post(base + "send/", follow=True)
    # then the audience is computed and the page refreshes itself while sending
    body = response.content.decode()
    assert "1 person added to the audience" in body
    assert '<meta http-equiv="refresh" content="5">' in body
    assert CampaignRecipient.objects.filter(campaign=campaign, status="pending").count() == 1
    # when paused and resumed
    body = staff_client.post(base + "pause/", follow=True).content.decode()
    assert "Paused" in body
    assert '<meta http-equiv="refresh"' not in body
    assert "Resume</button>" in body
    body = staff_client.post(base + "resume/", follow=True).content.decode()
    assert "Resumed" in body
    # a wrong action is a clear message, not an error
    body = staff_client.post(base + "resume/", follow=True).content.decode()
    assert "Only a paused campaign can be resumed" in body


def test_a_get_does_not_send(staff_client):
    campaign = draft()
    assert staff_client.get(f"/staff/marketing/campaigns/{campaign.pk}/send/").status_code == 405
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_sending_a_sent_campaign_again_is_refused_with_a_message(staff_client):
    campaign = draft(status=Campaign.Status.SENT)
    response = staff_client.post(f"/staff/marketing/campaigns/{campaign.pk}/send/", follow=True)
    assert "cannot be sent again" in response.content.decode()


def test_the_campaign_list(staff_client):
    draft(name="First")
    draft(name="Second", kind="partner", partner_name="Maison Lune")
    body = staff_client.get("/staff/marketing/campaigns/").content.decode()
    assert "First" in body
    assert "Partner: Maison Lune" in body
