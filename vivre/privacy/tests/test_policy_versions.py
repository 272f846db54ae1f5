"""Privacy policy versions (P2, P19): the public history, publishing, and the engine's rule
that a new use applies to nobody before it takes effect and never to those who opted out."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from vivre.accounts.models import User
from vivre.core.staff import Role
from vivre.privacy import policy
from vivre.privacy.consent import Channel, Purpose, record_consent, subject_key_for_email
from vivre.privacy.datamap import Use
from vivre.privacy.models import PolicyNotice, PolicyVersion

pytestmark = pytest.mark.django_db

NEW = "/staff/privacy/policy/new/"


@pytest.fixture
def officer():
    user = User.objects.create_user("officer", password="pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name=Role.PRIVACY))
    return user


@pytest.fixture
def staff_client(officer):
    client = Client()
    client.force_login(officer)
    return client


def first() -> PolicyVersion:
    return PolicyVersion.objects.get(version="2026-11")


def form_data(**overrides) -> dict:
    base = first()
    data = {
        "version": "2027-01",
        "summary": "Clearer wording.",
        "text": base.text + "\nA clearer sentence.\n",
        "uses": policy.uses_of(base),
        "recipients": policy.recipients_of(base),
        "effective_on": timezone.localdate().isoformat(),
        "action": "publish",
    }
    data.update(overrides)
    return data


def publish(*, label="2027-01", add_use=None, days=0, text=None, remove_uses=()) -> PolicyVersion:
    base = policy.latest_published()
    uses = [u for u in policy.uses_of(base) if u not in remove_uses]
    if add_use:
        uses.append(add_use)
    return policy.save_version(
        data={
            "version": label, "summary": "", "text": text or base.text, "uses": uses,
            "recipients": policy.recipients_of(base),
            "effective_on": timezone.localdate() + timedelta(days=days),
        },
        publish=True,
    )  # fmt: skip


# --- the first version ------------------------------------------------------------------


@pytest.mark.promise("P2")
def test_the_policy_as_it_stands_is_version_2026_11_in_force_today():
    version = first()
    assert version.published_at is not None
    assert version.effective_on == timezone.localdate()
    assert "essential.service.payment_processing" in policy.uses_of(version)
    assert set(policy.recipients_of(version)) == {
        "card_processor",
        "carrier",
        "mail_house",
        "authority",
    }
    assert policy.version_in_force() == version
    assert "never sell" in version.text


# --- public pages ----------------------------------------------------------------------


@pytest.mark.promise("P2")
def test_the_list_shows_each_version_with_the_current_one_marked():
    publish(label="2027-02", add_use="third_party_sharing", days=30)
    body = Client().get("/privacy-policy/versions/").content.decode()
    assert "2026-11" in body and "2027-02" in body
    assert "In force" in body and "Coming" in body


@pytest.mark.promise("P2")
def test_a_version_page_shows_the_text_diff_escaped_and_the_new_uses_in_words():
    publish(
        label="2027-03", add_use=Use.MARKETING_EMAIL + ".partners", days=30,
        text=first().text + "\nWe now <script>alert(1)</script> share more.\n",
    )  # fmt: skip
    body = Client().get("/privacy-policy/versions/2027-03/").content.decode()
    assert "What changed from version 2026-11" in body
    assert "Added: </span>We now &lt;script&gt;alert(1)&lt;/script&gt; share more." in body
    assert "<script>alert(1)" not in body
    assert "New uses of your information" in body


def test_unknown_or_draft_versions_are_not_found():
    PolicyVersion.objects.create(version="draft-1", text="x", effective_on=timezone.localdate())
    assert Client().get("/privacy-policy/versions/draft-1/").status_code == 404
    assert Client().get("/privacy-policy/versions/nope/").status_code == 404
    assert Client().get("/privacy-policy/versions/" + "x" * 300 + "/").status_code == 404


def test_the_privacy_policy_page_links_to_its_versions():
    body = Client().get("/service/privacy-policy/").content.decode()
    assert "/privacy-policy/versions/" in body
    assert "Earlier versions and what changed" in body


# --- publishing -------------------------------------------------------------------------


@pytest.mark.promise("P19")
def test_a_version_adding_nothing_may_take_effect_at_once(staff_client):
    response = staff_client.post(NEW, form_data())
    assert response.status_code == 302
    version = PolicyVersion.objects.get(version="2027-01")
    assert version.published_at is not None
    assert policy.version_in_force() == version
    assert not PolicyNotice.objects.exists()


@pytest.mark.promise("P19")
def test_a_version_adding_a_use_without_enough_notice_is_refused(staff_client, settings):
    uses = [*policy.uses_of(first()), "third_party_sharing"]
    uses = [u for u in uses if u in dict(policy.known_uses())]
    uses.append(Use.PERSONALIZE)
    # Remove personalize from the base, so the form version adds it back.
    base = first()
    base.uses = [u for u in base.uses if u["use"] != Use.PERSONALIZE]
    base.save()
    late = (timezone.localdate() + timedelta(days=29)).isoformat()
    response = staff_client.post(NEW, form_data(uses=uses, effective_on=late))
    assert response.status_code == 400
    body = response.content.decode()
    assert "at least 30 days ahead" in body
    assert not PolicyVersion.objects.filter(version="2027-01").exists()
    # Thirty days is enough.
    ok = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert staff_client.post(NEW, form_data(uses=uses, effective_on=ok)).status_code == 302


@pytest.mark.promise("P19")
def test_the_notice_period_comes_from_settings(staff_client, settings):
    settings.VIVRE = {**settings.VIVRE, "POLICY_NOTICE_DAYS": 45}
    with pytest.raises(policy.PolicyError) as error:
        publish(add_use="third_party_sharing", days=30)
    assert error.value.field == "effective_on"
    assert "45 days" in error.value.message
    assert publish(add_use="third_party_sharing", days=45).published_at is not None


def test_a_draft_is_saved_unpublished_and_can_be_published_later(staff_client):
    response = staff_client.post(NEW, form_data(action="draft"))
    assert response.status_code == 302
    draft = PolicyVersion.objects.get(version="2027-01")
    assert draft.published_at is None
    assert policy.version_in_force() == first()
    page = staff_client.get(f"/staff/privacy/policy/{draft.pk}/edit/")
    assert page.status_code == 200
    response = staff_client.post(f"/staff/privacy/policy/{draft.pk}/edit/", form_data())
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is not None and draft.published_by == "officer"


def test_an_unknown_use_or_recipient_is_a_field_error(staff_client):
    response = staff_client.post(NEW, form_data(uses=["made.up.use"], recipients=["a_broker"]))
    assert response.status_code == 400
    assert response.content.decode().count("Select a valid choice") == 2
    assert not PolicyVersion.objects.filter(version="2027-01").exists()


def test_a_duplicate_or_malformed_label_is_refused(staff_client):
    response = staff_client.post(NEW, form_data(version="2026-11"))
    assert response.status_code == 400
    assert "There is already a version 2026-11" in response.content.decode()
    response = staff_client.post(NEW, form_data(version="../x y"))
    assert response.status_code == 400
    response = staff_client.post(NEW, form_data(version="x" * 21, text="t" * 200_000))
    assert response.status_code == 400


def test_a_date_in_the_past_is_refused(staff_client):
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = staff_client.post(NEW, form_data(effective_on=past))
    assert response.status_code == 400
    assert "cannot take effect in the past" in response.content.decode()
    response = staff_client.post(NEW, form_data(effective_on="not a date"))
    assert response.status_code == 400


def test_staff_pages_are_for_the_privacy_officer_only(staff_client):
    assert Client().get("/staff/privacy/policy/").status_code == 302
    marketer = User.objects.create_user("marketer", password="pw-for-tests", is_staff=True)
    marketer.groups.add(Group.objects.get(name=Role.MARKETING))
    other = Client()
    other.force_login(marketer)
    assert other.get("/staff/privacy/policy/").status_code == 403
    assert other.post(NEW, form_data()).status_code == 403
    assert not PolicyVersion.objects.filter(version="2027-01").exists()
    assert staff_client.get("/staff/privacy/policy/").status_code == 200
    assert staff_client.get(NEW).status_code == 200
    assert staff_client.get(f"/staff/privacy/policy/{first().pk}/").status_code == 200


def test_a_post_without_csrf_token_is_refused(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.post(NEW, form_data()).status_code == 403
    assert not PolicyVersion.objects.filter(version="2027-01").exists()


def test_a_published_version_cannot_be_edited(staff_client):
    response = staff_client.post(f"/staff/privacy/policy/{first().pk}/edit/", form_data())
    assert response.status_code == 302
    assert first().text != form_data()["text"]


# --- the engine -------------------------------------------------------------------------


@pytest.mark.promise("P19")
def test_a_new_use_applies_to_nobody_before_its_date_and_never_to_who_opted_out_before():
    # given: partner sharing, not in the first version, added to take effect in 30 days
    use = "third_party_sharing"
    yes, no, late = (subject_key_for_email(f"{n}@example.com") for n in ("yes", "no", "late"))
    record_consent(subject_key=yes, purpose=Purpose.PARTNER_OFFERS, granted=True,
                   channel=Channel.REGISTRATION)  # fmt: skip
    record_consent(subject_key=no, purpose=Purpose.PARTNER_OFFERS, granted=False,
                   channel=Channel.POLICY_NOTICE)  # fmt: skip
    assert not policy.use_permitted(use=use, subject_keys=[yes])
    version = publish(add_use=use, days=30)
    after = timezone.now() + timedelta(days=31)
    # then: nobody today, not even who agreed
    assert not policy.use_permitted(use=use, subject_keys=[yes])
    assert not policy.use_permitted(use=use, subject_keys=[yes], at=timezone.localdate())
    # after the date: who agreed, yes; who opted out before it, no
    assert policy.use_permitted(use=use, subject_keys=[yes], at=after)
    assert not policy.use_permitted(use=use, subject_keys=[no], at=after)
    assert not policy.use_permitted(use=use, subject_keys=[late], at=after)  # never chose
    assert version.effective_on > timezone.localdate()
    # A yes recorded after the opt-out (the person's own newer choice) replaces it.
    record_consent(subject_key=no, purpose=Purpose.PARTNER_OFFERS, granted=True,
                   channel=Channel.MY_ACCOUNT)  # fmt: skip
    assert policy.use_permitted(use=use, subject_keys=[no], at=after)


@pytest.mark.promise("P19")
def test_an_opt_out_before_the_date_outlasts_it_until_the_person_chooses_again():
    use = "third_party_sharing"
    key = subject_key_for_email("ada@example.com")
    record_consent(subject_key=key, purpose=Purpose.PARTNER_OFFERS, granted=False,
                   channel=Channel.ONE_CLICK)  # fmt: skip
    version = publish(add_use=use, days=30)
    start = timezone.make_aware(
        timezone.datetime.combine(version.effective_on, timezone.datetime.min.time())
    )
    after = start + timedelta(days=2)
    assert not policy.use_permitted(use=use, subject_keys=[key], at=after)
    # A yes given after the date (a fresh choice under the new version) counts.
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(days=1)):
        record_consent(subject_key=key, purpose=Purpose.PARTNER_OFFERS, granted=True,
                       channel=Channel.MY_ACCOUNT)  # fmt: skip
    assert policy.use_permitted(use=use, subject_keys=[key], at=after)


def test_an_essential_use_needs_only_the_policy_and_a_removed_use_is_refused():
    key = subject_key_for_email("ada@example.com")
    assert policy.use_permitted(use=Use.PAYMENT, subject_keys=[key])
    publish(remove_uses=[Use.ANALYTICS])
    assert not policy.use_permitted(use=Use.ANALYTICS, subject_keys=[key])
    assert not policy.use_permitted(use="never.listed", subject_keys=[key])


def test_uses_map_to_consent_purposes():
    assert policy.purpose_for_use(Use.MARKETING_EMAIL) == Purpose.VIVRE_MAILINGS
    assert policy.purpose_for_use("third_party_sharing") == Purpose.PARTNER_OFFERS
    assert policy.purpose_for_use(Use.PERSONALIZE) == Purpose.PERSONALIZATION
    assert policy.purpose_for_use(Use.ANALYTICS) == Purpose.TRACKING_COOKIES
    assert policy.purpose_for_use("marketing.advertising") == Purpose.TRACKING_COOKIES
    assert policy.purpose_for_use(Use.DIAGNOSTICS) is None
    assert policy.purpose_for_use(Use.PAYMENT) is None
