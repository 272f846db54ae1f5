"""Request the print catalogue, enter a contest, receive a campaign over real SMTP, and
leave with one click (P8, P9, P10, P16, P22).
"""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from vivre.marketing.campaigns import start_sending
from vivre.marketing.models import Campaign, CampaignRecipient, CatalogueRequest, Contest
from vivre.privacy.consent import Purpose, current_preferences, subject_key_for_email

pytestmark = [pytest.mark.browser, pytest.mark.promise("P8", "P9", "P10", "P16", "P22")]


def run_worker() -> None:
    """Do what the background worker does: run every task that is due, then stop."""
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)


def test_catalogue_contest_campaign_and_one_click_unsubscribe(page, live_server, smtp_server):
    # given a visitor who asks for the print catalogue, and no more
    page.goto("/catalogue/")
    page.get_by_label("Full name").fill("Nora Ephron")
    page.get_by_label("Address", exact=True).fill("20 West 9th Street")
    page.get_by_label("City").fill("New York")
    page.get_by_label("State").select_option("NY")
    page.get_by_label("ZIP code").fill("10011")
    expect(page.get_by_label(re.compile("future catalogues"))).not_to_be_checked()
    page.get_by_role("button", name="Send me the catalogue").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    request = CatalogueRequest.objects.get()
    assert (request.name, request.postal_code) == ("Nora Ephron", "10011")

    # and who enters an open contest with her e-mail, saying yes to Vivre's own mailings
    now = timezone.now()
    Contest.objects.create(
        slug="a-weekend-in-hudson", title="A weekend in Hudson", rules="One winner.",
        prize="Two nights at a Hudson inn", opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7), asks_zip=Contest.Ask.OPTIONAL,
    )  # fmt: skip
    page.goto("/contests/a-weekend-in-hudson/")
    page.get_by_label("E-mail").fill("nora@example.org")
    partners = page.get_by_label(re.compile("Offers from Vivre's partners"))
    expect(partners).not_to_be_checked()
    page.get_by_label("News and offers from Vivre").check()
    page.get_by_role("button", name="Enter the contest").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # when Vivre sends its own campaign to contest entrants, and the worker runs
    campaign = Campaign.objects.create(
        name="Autumn linen", kind=Campaign.Kind.VIVRE, subject_line="Autumn linen is here",
        text_body="Our autumn linen has arrived.", html_body="<p>Our autumn linen has arrived.</p>",
        audiences=[Campaign.Audience.CONTEST_ENTRANTS],
    )  # fmt: skip
    start_sending(campaign_id=campaign.pk)
    run_worker()
    call_command("deliver_mail")

    # then the campaign reached her over SMTP, with one-click unsubscribe headers
    smtp_server.wait_for(2)
    [mail] = [m for m in smtp_server.messages if m["Subject"] == "Autumn linen is here"]
    assert mail["To"] == "nora@example.org"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"<(https?://[^>]+)>", mail["List-Unsubscribe"]).group(1)
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Our autumn linen has arrived." in text
    assert CampaignRecipient.objects.get(campaign=campaign).status == "sent"

    # when she opens the unsubscribe link, nothing changes until she confirms
    path = re.sub(r"^https?://[^/]+", "", link)
    page.goto(path)
    key = subject_key_for_email("nora@example.org")
    assert current_preferences(key)[Purpose.VIVRE_MAILINGS] is True
    page.get_by_role("button", name=re.compile("Unsubscribe", re.I)).click()

    # then she is unsubscribed from Vivre's mailings
    expect(page.get_by_text(re.compile("unsubscribed", re.I)).first).to_be_visible()
    assert current_preferences(key)[Purpose.VIVRE_MAILINGS] is False


def test_a_customer_unsubscribes_by_the_one_click_header_and_the_next_send_skips_them(
    playwright, live_server, smtp_server
):
    from vivre.accounts.models import User
    from vivre.privacy.consent import Channel, record_consent, subject_key_for_customer

    # given a customer who said yes to Vivre's mailings, and a campaign that reached her
    customer = User.objects.create_user("grace@example.org", "a long quiet password")
    record_consent(
        subject_key=subject_key_for_customer(customer.pk),
        purpose=Purpose.VIVRE_MAILINGS,
        granted=True,
        channel=Channel.REGISTRATION,
    )
    first = Campaign.objects.create(
        name="Linen", kind=Campaign.Kind.VIVRE, subject_line="Linen is here",
        text_body="Linen.", html_body="<p>Linen.</p>", audiences=[Campaign.Audience.REGISTERED],
    )  # fmt: skip
    start_sending(campaign_id=first.pk)
    run_worker()
    call_command("deliver_mail")
    smtp_server.wait_for(1)
    [mail] = [m for m in smtp_server.messages if m["Subject"] == "Linen is here"]
    link = re.search(r"<(https?://[^>]+)>", mail["List-Unsubscribe"]).group(1)

    # when her mail program uses the one-click header: a POST with no cookies (RFC 8058)
    mail_program = playwright.request.new_context(base_url=live_server.url)
    response = mail_program.post(
        re.sub(r"^https?://[^/]+", "", link), form={"List-Unsubscribe": "One-Click"}
    )
    assert response.ok
    mail_program.dispose()

    # then the next campaign skips her, with the reason
    second = Campaign.objects.create(
        name="Glass", kind=Campaign.Kind.VIVRE, subject_line="New glass",
        text_body="Glass.", html_body="<p>Glass.</p>", audiences=[Campaign.Audience.REGISTERED],
    )  # fmt: skip
    start_sending(campaign_id=second.pk)
    run_worker()
    row = CampaignRecipient.objects.get(campaign=second)
    assert row.status == "skipped" and row.skip_reason
    assert not [m for m in smtp_server.messages if m["Subject"] == "New glass"]
