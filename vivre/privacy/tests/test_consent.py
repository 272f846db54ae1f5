"""The consent ledger: append-only, newest choice wins, no address in clear (P16, P22, P23)."""

import pytest

from vivre.privacy.consent import (
    Channel,
    Purpose,
    consent_history,
    current_preferences,
    has_consent,
    record_consent,
    subject_key_for_customer,
    subject_key_for_email,
)
from vivre.privacy.models import AppendOnlyError, ConsentRecord

pytestmark = pytest.mark.django_db


@pytest.mark.promise("P16", "P23")
def test_the_newest_choice_on_any_channel_is_the_current_one():
    key = subject_key_for_customer("c0ffee")
    # given a yes at registration
    record_consent(
        subject_key=key, purpose=Purpose.VIVRE_MAILINGS, granted=True, channel=Channel.REGISTRATION
    )
    assert has_consent(key, Purpose.VIVRE_MAILINGS)

    # when the customer opts out by phone, recorded by an associate
    record_consent(
        subject_key=key,
        purpose=Purpose.VIVRE_MAILINGS,
        granted=False,
        channel=Channel.PHONE,
        recorded_by="associate.jane",
    )

    # then the opt-out holds at once, and the history keeps both with who recorded them
    assert not has_consent(key, Purpose.VIVRE_MAILINGS)
    history = consent_history(key)
    assert [(r.channel, r.granted, r.recorded_by) for r in history] == [
        (Channel.PHONE, False, "associate.jane"),
        (Channel.REGISTRATION, True, "self"),
    ]


@pytest.mark.promise("P22")
def test_no_choice_means_no():
    prefs = current_preferences(subject_key_for_customer("new"))
    assert prefs == dict.fromkeys(Purpose.values, False)


def test_purposes_are_independent():
    key = subject_key_for_customer("c1")
    record_consent(
        subject_key=key, purpose=Purpose.PARTNER_OFFERS, granted=True, channel=Channel.MY_ACCOUNT
    )
    prefs = current_preferences(key)
    assert prefs[Purpose.PARTNER_OFFERS] and not prefs[Purpose.VIVRE_MAILINGS]


def test_the_ledger_cannot_be_rewritten():
    record = record_consent(
        subject_key="customer:x", purpose=Purpose.VIVRE_MAILINGS, granted=True,
        channel=Channel.MY_ACCOUNT,
    )  # fmt: skip
    record.granted = False
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        ConsentRecord.objects.update(granted=False)
    with pytest.raises(AppendOnlyError):
        ConsentRecord.objects.all().delete()
    assert ConsentRecord.objects.get().granted


def test_email_subjects_are_keyed_hashes_and_case_blind():
    key = subject_key_for_email("Ada@Example.com ")
    assert key == subject_key_for_email("ada@example.com")
    assert "ada" not in key and "example" not in key


@pytest.mark.parametrize("field", ["purpose", "channel"])
def test_unknown_purpose_or_channel_is_refused(field):
    kwargs = {
        "subject_key": "customer:x",
        "purpose": Purpose.VIVRE_MAILINGS,
        "granted": True,
        "channel": Channel.MY_ACCOUNT,
        field: "selling_to_brokers",
    }
    with pytest.raises(ValueError):
        record_consent(**kwargs)
    assert not ConsentRecord.objects.exists()


def test_staff_can_read_but_not_edit_the_ledger_in_the_admin(client):
    from vivre.accounts.models import User

    record = record_consent(
        subject_key="customer:x", purpose=Purpose.VIVRE_MAILINGS, granted=True,
        channel=Channel.MY_ACCOUNT,
    )  # fmt: skip
    client.force_login(User.objects.create_superuser("po@vivre.example", "x" * 12))
    assert client.get("/admin/privacy/consentrecord/").status_code == 200
    page = client.get(f"/admin/privacy/consentrecord/{record.pk}/change/")
    assert page.status_code == 200 and b'name="granted"' not in page.content
    assert client.post(f"/admin/privacy/consentrecord/{record.pk}/delete/").status_code == 403
