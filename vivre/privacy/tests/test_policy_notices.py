"""Policy-change notices (P19): who is told, the mail they get, and who is never mailed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from vivre.accounts.models import User
from vivre.marketing.models import CatalogueRequest, Contest, ContestEntry
from vivre.orders.testing import make_order
from vivre.privacy import policy
from vivre.privacy.consent import Channel, Purpose, record_consent, subject_key_for_email
from vivre.privacy.datamap import Use
from vivre.privacy.models import PolicyNotice
from vivre.privacy.suppression import suppress

pytestmark = pytest.mark.django_db


def widen(days=30):
    base = policy.latest_published()
    base.uses = [u for u in base.uses if u["use"] != Use.MARKETING_EMAIL]
    base.save()
    return policy.save_version(
        data={
            "version": "2027-01", "summary": "We would like to e-mail you news.",
            "text": base.text, "uses": [*policy.uses_of(base), Use.MARKETING_EMAIL],
            "recipients": policy.recipients_of(base),
            "effective_on": timezone.localdate() + timedelta(days=days),
        },
        publish=True,
    )  # fmt: skip


def people():
    User.objects.create_user("reg@example.com", password="pw-for-tests-1")
    make_order(email="guest@example.com")
    contest = Contest.objects.create(
        slug="summer", title="Summer draw", rules="One entry each.", prize="A throw",
        opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=9),
    )  # fmt: skip
    ContestEntry.objects.create(contest=contest, email="entrant@example.com")
    ContestEntry.objects.create(contest=contest, email="gone@example.com")
    suppress("gone@example.com", "erased")
    # Refused marketing: still told (the notice is not marketing).
    record_consent(
        subject_key=subject_key_for_email("guest@example.com"),
        purpose=Purpose.VIVRE_MAILINGS,
        granted=False,
        channel=Channel.CHECKOUT,
    )


@pytest.mark.promise("P19")
def test_publishing_a_wider_version_tells_everyone_concerned_once(
    smtp_server, django_capture_on_commit_callbacks
):
    people()
    with django_capture_on_commit_callbacks(execute=False):
        version = widen()
    emails = set(PolicyNotice.objects.values_list("email", flat=True))
    assert emails == {
        "reg@example.com", "guest@example.com", "entrant@example.com", "gone@example.com"
    }  # fmt: skip
    # Sending, in batches of one.
    while policy.send_batch(version.pk, batch_size=1)["more"]:
        pass
    counts = policy.progress(version)
    assert counts["sent"] == 3 and counts["failed"] == 1 and counts["pending"] == 0
    assert set(PolicyNotice.objects.values_list("email", flat=True)) == {""}
    call_command("deliver_mail")
    to = sorted(r for m in smtp_server.messages for r in m["To"].split(","))
    assert to == ["entrant@example.com", "guest@example.com", "reg@example.com"]
    mail = smtp_server.messages[0]
    text = mail.get_body(("plain",)).get_content()
    assert "2027-01" in text
    assert "News and offers by e-mail" in text
    assert "/unsubscribe/" in text
    assert "/account/privacy/" in text
    assert "/privacy-policy/versions/2027-01/" in text
    assert "List-Unsubscribe" not in mail


@pytest.mark.promise("P19")
def test_publishing_twice_or_sending_twice_adds_nobody_twice():
    people()
    version = widen()
    assert policy.create_notices(version) == 4
    policy.send_batch(version.pk)
    assert policy.send_batch(version.pk)["processed"] == 0
    assert PolicyNotice.objects.filter(status="sent").count() == 3


def test_a_version_adding_nothing_sends_no_notice():
    people()
    base = policy.latest_published()
    policy.save_version(
        data={
            "version": "2027-01", "summary": "", "text": base.text + "\nClearer.\n",
            "uses": policy.uses_of(base), "recipients": policy.recipients_of(base),
            "effective_on": timezone.localdate(),
        },
        publish=True,
    )  # fmt: skip
    assert not PolicyNotice.objects.exists()


def test_staff_see_progress_and_catalogue_requesters(client):
    from django.contrib.auth.models import Group

    from vivre.core.staff import Role

    people()
    CatalogueRequest.objects.create(
        name="Ada", line1="1 Main St", city="New York", state="NY", postal_code="10013"
    )
    version = widen()
    officer = User.objects.create_user("officer", password="pw-for-tests", is_staff=True)
    officer.groups.add(Group.objects.get(name=Role.PRIVACY))
    client.force_login(officer)
    body = client.get(f"/staff/privacy/policy/{version.pk}/").content.decode()
    assert "People to tell" in body
    assert "1 catalogue requester(s)" in body
