"""Sending a campaign (P10, P16, P22): the audience and each person's choice at send time,
batches, pause and resume, restarts, partner offers, and the mail that arrives."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from vivre.accounts.models import User
from vivre.marketing import campaigns
from vivre.marketing.campaign_tasks import send_campaign_batch
from vivre.marketing.models import Campaign, CampaignRecipient, Contest, ContestEntry, Promotion
from vivre.messaging.models import Message
from vivre.orders.testing import make_order
from vivre.privacy.consent import (
    Channel,
    Purpose,
    record_consent,
    subject_key_for_customer,
    subject_key_for_email,
)
from vivre.privacy.models import DisclosureRecord
from vivre.privacy.suppression import suppress

pytestmark = pytest.mark.django_db

VIVRE = Purpose.VIVRE_MAILINGS
PARTNER = Purpose.PARTNER_OFFERS
Sent = CampaignRecipient.Status


def choose(key: str, purpose: str = VIVRE, granted: bool = True, channel=Channel.REGISTRATION):
    record_consent(subject_key=key, purpose=purpose, granted=granted, channel=channel)


def customer(email: str, *purposes: str) -> User:
    """A registered customer who said yes to ``purposes`` at registration."""
    user = User.objects.create_user(email, password="pw-for-tests-1")
    for purpose in purposes:
        choose(subject_key_for_customer(user.pk), purpose)
    return user


def guest(email: str, *purposes: str):
    """Someone who ordered as a guest and said yes to ``purposes`` at checkout."""
    order = make_order(email=email)
    for purpose in purposes:
        choose(subject_key_for_email(email), purpose, channel=Channel.CHECKOUT)
    return order


def entrant(email: str, *purposes: str) -> ContestEntry:
    contest = Contest.objects.filter(slug="summer").first() or Contest.objects.create(
        slug="summer", title="Summer draw", rules="One entry each.", prize="A linen throw",
        opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=9),
    )  # fmt: skip
    for purpose in purposes:
        choose(subject_key_for_email(email), purpose, channel=Channel.CONTEST_ENTRY)
    return ContestEntry.objects.create(contest=contest, email=email)


def make_campaign(**fields) -> Campaign:
    values = {
        "name": "Autumn linen",
        "kind": Campaign.Kind.VIVRE,
        "subject_line": "Autumn linen is here",
        "text_body": "New linen for the season.",
        "html_body": "<p>New <strong>linen</strong> for the season.</p>",
        "audiences": [Campaign.Audience.REGISTERED],
        **fields,
    }
    return Campaign.objects.create(**values)


def send_all(campaign: Campaign, *, batch_size: int = 200) -> None:
    campaigns.start_sending(campaign_id=campaign.pk)
    while campaigns.send_batch(campaign.pk, batch_size=batch_size).more:
        pass


def outcome(campaign: Campaign) -> dict[str, tuple[str, str]]:
    """Return {e-mail key: (status, skip reason)} for a campaign's rows."""
    return {
        row.email_key: (row.status, row.skip_reason)
        for row in CampaignRecipient.objects.filter(campaign=campaign)
    }


def mailed(campaign: Campaign | None = None) -> list[str]:
    messages = Message.objects.filter(kind="marketing.campaign")
    if campaign is not None:
        messages = messages.filter(dedupe_key__startswith=f"campaign:{campaign.pk}:")
    return sorted(messages.values_list("to_address", flat=True))


def key(email: str) -> str:
    return subject_key_for_email(email)


# --- who is mailed ---------------------------------------------------------------


@pytest.mark.promise("P10", "P16")
def test_the_audience_is_decided_by_each_persons_choice_at_send_time():
    # given registered customers with every kind of choice
    customer("yes@example.com", VIVRE)
    opted_out = customer("changed-mind@example.com", VIVRE)
    choose(subject_key_for_customer(opted_out.pk), VIVRE, granted=False, channel=Channel.MY_ACCOUNT)
    customer("never@example.com")
    customer("closed@example.com", VIVRE)
    suppress("closed@example.com", "erased")
    User.objects.create_user("staff@example.com", password="pw-for-tests-1", is_staff=True)
    campaign = make_campaign()
    # when
    send_all(campaign)
    # then only the one whose current choice allows it is mailed; the rest say why
    assert mailed(campaign) == ["yes@example.com"]
    assert outcome(campaign) == {
        key("yes@example.com"): (Sent.SENT, ""),
        key("changed-mind@example.com"): (Sent.SKIPPED, "opted_out"),
        key("never@example.com"): (Sent.SKIPPED, "no_consent"),
        key("closed@example.com"): (Sent.SKIPPED, "suppressed"),
    }
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert campaign.finished_at is not None


@pytest.mark.promise("P10")
def test_groups_are_united_and_each_person_is_considered_once():
    # given the same person as customer, guest buyer and contest entrant, in mixed case
    ada = customer("ada@example.com", VIVRE)
    make_order(email="Ada@Example.com", customer=ada)
    entrant("ADA@example.com")
    guest("grace@example.com", VIVRE)
    entrant("joan@example.com", VIVRE)
    entrant("kath@example.com")
    make_order(email="")  # an erased order keeps no address
    campaign = make_campaign(audiences=Campaign.Audience.values)
    # when
    send_all(campaign)
    # then
    assert mailed(campaign) == ["ada@example.com", "grace@example.com", "joan@example.com"]
    rows = CampaignRecipient.objects.filter(campaign=campaign)
    assert rows.count() == 4
    ada_row = rows.get(email_key=key("ada@example.com"))
    assert ada_row.subject_keys == [subject_key_for_customer(ada.pk), key("ada@example.com")]
    assert rows.get(email_key=key("kath@example.com")).skip_reason == "no_consent"


def test_only_the_chosen_groups_are_considered():
    # given
    customer("ada@example.com", VIVRE)
    guest("grace@example.com", VIVRE)
    entrant("joan@example.com", VIVRE)
    campaign = make_campaign(audiences=[Campaign.Audience.CUSTOMERS])
    # when
    send_all(campaign)
    # then
    assert mailed(campaign) == ["grace@example.com"]


@pytest.mark.promise("P10", "P16")
def test_partner_offers_and_vivres_mailings_are_separate_choices():
    # given one person who wants Vivre's news only, and one who wants partners' offers only
    customer("vivre-only@example.com", VIVRE)
    customer("partners-only@example.com", PARTNER)
    own = make_campaign(name="Own")
    partner = make_campaign(name="Partner", kind=Campaign.Kind.PARTNER, partner_name="Maison Lune")
    # when
    send_all(own)
    send_all(partner)
    # then
    assert mailed(own) == ["vivre-only@example.com"]
    assert mailed(partner) == ["partners-only@example.com"]
    assert outcome(partner)[key("vivre-only@example.com")] == (Sent.SKIPPED, "no_consent")


@pytest.mark.promise("P16")
def test_a_person_who_opts_out_after_the_audience_is_computed_is_skipped():
    # given the audience was computed while the customer still said yes
    ada = customer("ada@example.com", VIVRE)
    campaign = make_campaign()
    campaigns.start_sending(campaign_id=campaign.pk)
    # when they opt out a moment before the batch reaches them
    choose(subject_key_for_customer(ada.pk), VIVRE, granted=False, channel=Channel.MY_ACCOUNT)
    campaigns.send_batch(campaign.pk)
    # then
    assert mailed(campaign) == []
    assert outcome(campaign)[key("ada@example.com")] == (Sent.SKIPPED, "opted_out")


@pytest.mark.promise("P16")
def test_an_opt_out_recorded_while_the_batch_is_running_is_honoured(monkeypatch):
    # given two people who said yes, in one batch
    customer("first@example.com", VIVRE)
    second = customer("second@example.com", VIVRE)
    campaign = make_campaign()
    campaigns.start_sending(campaign_id=campaign.pk)
    real_send_email = campaigns.send_email

    def send_then_second_opts_out(**kwargs):
        message = real_send_email(**kwargs)
        # the second person unsubscribes just after the first mail was written,
        # a second before their own row is processed
        choose(subject_key_for_customer(second.pk), VIVRE, granted=False, channel=Channel.ONE_CLICK)
        return message

    monkeypatch.setattr(campaigns, "send_email", send_then_second_opts_out)
    # when
    campaigns.send_batch(campaign.pk)
    # then
    assert mailed(campaign) == ["first@example.com"]
    assert outcome(campaign)[key("second@example.com")] == (Sent.SKIPPED, "opted_out")


@pytest.mark.promise("P16")
def test_an_erased_person_who_said_yes_before_is_not_mailed():
    # given a guest who said yes, then closed their account (suppressed)
    guest("gone@example.com", VIVRE)
    campaign = make_campaign(audiences=[Campaign.Audience.CUSTOMERS])
    campaigns.start_sending(campaign_id=campaign.pk)
    suppress("gone@example.com", "erased")
    # when
    campaigns.send_batch(campaign.pk)
    # then
    assert mailed() == []
    assert outcome(campaign)[key("gone@example.com")] == (Sent.SKIPPED, "suppressed")


# --- rows, restarts, pause and resume ----------------------------------------------------


def test_processed_rows_keep_no_address():
    # given
    customer("ada@example.com", VIVRE)
    customer("never@example.com")
    campaign = make_campaign()
    campaigns.start_sending(campaign_id=campaign.pk)
    assert set(CampaignRecipient.objects.values_list("email", flat=True)) == {
        "ada@example.com", "never@example.com",
    }  # fmt: skip
    # when
    campaigns.send_batch(campaign.pk)
    # then
    rows = CampaignRecipient.objects.all()
    assert set(rows.values_list("email", flat=True)) == {""}
    assert all(row.processed_at for row in rows)
    sent = rows.get(status=Sent.SENT)
    assert sent.message_id == Message.objects.get().pk


@pytest.mark.promise("P16")
def test_sending_again_or_restarting_midway_mails_nobody_twice():
    # given a send stopped after one of three people (a crashed worker)
    for name in ("ada", "grace", "joan"):
        customer(f"{name}@example.com", VIVRE)
    campaign = make_campaign()
    campaigns.start_sending(campaign_id=campaign.pk)
    campaigns.send_batch(campaign.pk, batch_size=1)
    # when staff press "send" again, and the batches run twice over
    added = campaigns.start_sending(campaign_id=campaign.pk)
    campaigns.send_batch(campaign.pk, batch_size=10)
    campaigns.send_batch(campaign.pk, batch_size=10)
    # then
    assert added == 0
    assert mailed(campaign) == ["ada@example.com", "grace@example.com", "joan@example.com"]
    assert CampaignRecipient.objects.count() == 3


@pytest.mark.promise("P16")
def test_a_row_processed_again_after_a_crash_finds_its_message_in_the_outbox():
    # given a person mailed, whose row went back to waiting (say, restored from a backup)
    customer("ada@example.com", VIVRE)
    campaign = make_campaign()
    send_all(campaign)
    row = CampaignRecipient.objects.get()
    CampaignRecipient.objects.filter(pk=row.pk).update(
        status=Sent.PENDING, email="ada@example.com", message_id=None
    )
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING)
    # when
    campaigns.send_batch(campaign.pk)
    # then the outbox's dedupe key returns the first message: still one mail
    assert Message.objects.count() == 1
    row.refresh_from_db()
    assert (row.status, row.message_id) == (Sent.SENT, Message.objects.get().pk)


@pytest.mark.promise("P16")
def test_two_workers_with_the_same_batch_mail_a_person_once():
    # given two workers that loaded the same pending row
    customer("ada@example.com", VIVRE)
    campaign = make_campaign()
    campaigns.start_sending(campaign_id=campaign.pk)
    content = campaigns.Content.of(campaign)
    first, second = CampaignRecipient.objects.get(), CampaignRecipient.objects.get()
    # when both process it
    assert campaigns.process_recipient(first, campaign=campaign, content=content)
    assert not campaigns.process_recipient(second, campaign=campaign, content=content)
    # then one message, one outcome
    assert Message.objects.count() == 1
    row = CampaignRecipient.objects.get()
    assert (row.status, row.message_id, row.email) == (Sent.SENT, Message.objects.get().pk, "")


def test_a_sent_campaign_cannot_be_sent_again():
    # given
    customer("ada@example.com", VIVRE)
    campaign = make_campaign()
    send_all(campaign)
    # when / then
    with pytest.raises(campaigns.CampaignError, match="has been sent"):
        campaigns.start_sending(campaign_id=campaign.pk)
    assert Message.objects.count() == 1


def test_pause_stops_the_next_batch_and_resume_goes_on():
    # given a campaign to three people, one batch done
    for name in ("ada", "grace", "joan"):
        customer(f"{name}@example.com", VIVRE)
    campaign = make_campaign()
    campaigns.start_sending(campaign_id=campaign.pk)
    assert campaigns.send_batch(campaign.pk, batch_size=1).more
    # when paused
    assert campaigns.pause(campaign_id=campaign.pk)
    result = campaigns.send_batch(campaign.pk, batch_size=1)
    # then nothing more goes out
    assert (result.processed, result.more, result.status) == (0, False, "paused")
    assert len(mailed(campaign)) == 1
    with pytest.raises(campaigns.CampaignError, match="paused"):
        campaigns.start_sending(campaign_id=campaign.pk)
    # when resumed
    assert campaigns.resume(campaign_id=campaign.pk)
    while campaigns.send_batch(campaign.pk, batch_size=1).more:
        pass
    # then everyone got exactly one mail
    assert len(mailed(campaign)) == 3
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert not campaigns.pause(campaign_id=campaign.pk)
    assert not campaigns.resume(campaign_id=campaign.pk)


def test_the_task_sends_in_batches_until_done(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    # given the worker runs each task as soon as it is queued, 2 people per batch
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(campaigns, "BATCH_SIZE", 2)
    for n in range(5):
        customer(f"person{n}@example.com", VIVRE)
    campaign = make_campaign()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        campaigns.start_sending(campaign_id=campaign.pk)
    # then
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert len(mailed(campaign)) == 5


def test_the_task_stops_when_the_campaign_is_paused():
    # given
    customer("ada@example.com", VIVRE)
    campaign = make_campaign()
    campaigns.start_sending(campaign_id=campaign.pk)
    campaigns.pause(campaign_id=campaign.pk)
    # when
    result = send_campaign_batch.call(str(campaign.pk))
    # then
    assert result == {"status": "paused", "processed": 0, "more": False}
    assert mailed() == []


def test_a_failure_is_recorded_without_personal_data(monkeypatch):
    # given an outbox that refuses the message
    customer("ada@example.com", VIVRE)
    campaign = make_campaign()
    campaigns.start_sending(campaign_id=campaign.pk)

    def broken(**kwargs):
        raise RuntimeError(f"cannot store mail for {kwargs['to']}")

    monkeypatch.setattr(campaigns, "send_email", broken)
    # when
    campaigns.send_batch(campaign.pk)
    # then
    row = CampaignRecipient.objects.get()
    assert (row.status, row.skip_reason, row.email) == (Sent.FAILED, "RuntimeError", "")
    progress = campaigns.progress(campaign)
    assert progress["failed"] == 1
    assert progress["failed_by_reason"] == [("RuntimeError", 1)]


def test_progress_counts_by_status_and_reason():
    # given
    customer("yes@example.com", VIVRE)
    customer("never@example.com")
    customer("never2@example.com")
    no = customer("no@example.com", VIVRE)
    choose(subject_key_for_customer(no.pk), VIVRE, granted=False)
    campaign = make_campaign()
    campaigns.start_sending(campaign_id=campaign.pk)
    assert campaigns.progress(campaign)["pending"] == 4
    # when
    campaigns.send_batch(campaign.pk)
    # then
    progress = campaigns.progress(campaign)
    assert (progress["sent"], progress["skipped"], progress["pending"]) == (1, 3, 0)
    assert progress["skipped_by_reason"] == [("Never agreed", 2), ("Opted out", 1)]


# --- the partner never receives the list ---------------------------------------------------


@pytest.mark.promise("P10", "P1")
def test_a_partner_campaign_discloses_nothing_to_the_partner():
    # given
    customer("ada@example.com", PARTNER)
    customer("grace@example.com", PARTNER)
    campaign = make_campaign(
        kind=Campaign.Kind.PARTNER,
        partner_name="Maison Lune",
        text_body="Maison Lune's candles, 20% off.",
    )
    # when
    send_all(campaign)
    # then: no disclosure, and mail only to the audience, none to the partner
    assert not DisclosureRecord.objects.exists()
    assert mailed() == ["ada@example.com", "grace@example.com"]
    assert not Message.objects.exclude(kind="marketing.campaign").exists()
    message = Message.objects.first()
    assert "Maison Lune" in message.text_body
    assert "has not been given your address" in message.text_body


# --- the mail ---------------------------------------------------------------------------


def test_the_promotion_code_is_put_in_both_bodies():
    # given
    promotion = Promotion.objects.create(
        code="LINEN<20>", description="Linen", kind="percent", value=Decimal("20"),
        starts_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    customer("ada@example.com", VIVRE)
    campaign = make_campaign(
        promotion=promotion,
        text_body="Use {{ promotion_code }} at checkout. {{ request }}",
        html_body="<p>Use <strong>{{promotion_code}}</strong> at checkout.</p>",
    )
    # when
    send_all(campaign)
    # then: a plain replacement (the rest of the staff text is never a template)
    message = Message.objects.get()
    assert "Use LINEN<20> at checkout. {{ request }}" in message.text_body
    assert "Use <strong>LINEN&lt;20&gt;</strong> at checkout." in message.html_body


def test_html_is_sanitized_before_it_is_sent():
    # given a body stored behind the form's back
    customer("ada@example.com", VIVRE)
    campaign = make_campaign(
        html_body='<p onclick="x()">Hi<script>alert(1)</script><img src="https://t.example/p.gif">'
        '<a href="javascript:alert(1)">x</a><a href="https://vivre.example/">shop</a></p>'
    )
    # when
    send_all(campaign)
    # then
    html = Message.objects.get().html_body
    for bad in ("<script", "onclick", "<img", "javascript:", "t.example"):
        assert bad not in html
    assert 'href="https://vivre.example/"' in html


@pytest.mark.promise("P16", "P10")
def test_the_delivered_mail_carries_the_unsubscribe_headers_link_and_postal_address(
    smtp_server, settings
):
    # given
    settings.VIVRE = {**settings.VIVRE, "SITE_URL": "https://shop.vivre.example"}
    ada = customer("ada@example.com", VIVRE)
    campaign = make_campaign()
    send_all(campaign)
    # when the outbox delivers it to a real SMTP server
    call_command("deliver_mail")
    smtp_server.wait_for(1)
    # then
    received = smtp_server.messages[0]
    link = received["List-Unsubscribe"].strip().strip("<>")
    assert link.startswith("https://shop.vivre.example/unsubscribe/")
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["Subject"] == "Autumn linen is here"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert link in text
    assert link in html
    address = settings.VIVRE["POSTAL_ADDRESS"]
    assert address in text
    assert address in html

    # when the person presses "unsubscribe" in their mail client (RFC 8058: a
    # cookieless POST to the link)
    path = link.removeprefix("https://shop.vivre.example")
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    # then the very next campaign does not mail them
    second = make_campaign(name="Winter")
    send_all(second)
    assert mailed(second) == []
    assert outcome(second)[key("ada@example.com")] == (Sent.SKIPPED, "opted_out")
    assert (
        subject_key_for_customer(ada.pk)
        in CampaignRecipient.objects.get(campaign=second).subject_keys
    )


@pytest.mark.postgres_only
@pytest.mark.promise("P16")
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_at_once_mail_each_person_once():
    import threading

    from django.db import connection

    # given twenty people and two workers on the same campaign at the same time
    for n in range(20):
        customer(f"person{n}@example.com", VIVRE)
    campaign = make_campaign()
    campaigns.start_sending(campaign_id=campaign.pk)
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait()
            while campaigns.send_batch(campaign.pk, batch_size=5).more:
                pass
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # then
    assert errors == []
    assert len(mailed(campaign)) == 20
    assert set(CampaignRecipient.objects.values_list("status", flat=True)) == {Sent.SENT}
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT


@pytest.mark.promise("P10")
def test_the_cron_sweep_finishes_a_send_whose_worker_died():
    import io

    from django_tasks_db.models import DBTaskResult

    # given a campaign whose queued batch was lost with its worker
    customer("ada@example.com", VIVRE)
    campaign = make_campaign()
    campaigns.start_sending(campaign_id=campaign.pk)
    DBTaskResult.objects.all().delete()

    # when cron runs the sweep, twice, and the worker runs what it queued
    call_command("resume_campaign_sending", stdout=io.StringIO())
    call_command("resume_campaign_sending", stdout=io.StringIO())
    for result in DBTaskResult.objects.all():
        send_campaign_batch.call(*result.task_result.args)

    # then the campaign went out, once
    assert mailed(campaign) == ["ada@example.com"]
