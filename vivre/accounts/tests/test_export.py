"""A copy of the customer's data (Art. 15, 20): derived from the data map, owner-only."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vivre.accounts import export
from vivre.accounts.models import Address, DataExport, RememberedDevice, User
from vivre.accounts.tasks import build_export
from vivre.messaging.models import Message
from vivre.orders.testing import make_order
from vivre.privacy.consent import (
    Channel,
    Purpose,
    record_consent,
    subject_key_for_customer,
    subject_key_for_email,
)
from vivre.privacy.datamap import Category, Personal, Use, declared_fields, owned_rows

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture
def immediate_tasks(settings):
    """Run django-tasks at enqueue time, as the worker would."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def customer():
    user = User.objects.create_user(
        "Hortense.Vale@Example.com",
        PASSWORD,
        full_name="Hortense Vale",
        day_phone="+12125550123",
    )
    Address.objects.create(
        user=user,
        name="Hortense Vale",
        line1="7 Orchard Lane",
        city="Hudson",
        state="NY",
        postal_code="12534",
        is_default_shipping=True,
    )
    order = make_order(email=user.email, phone="+12125550123", quantities=(2, 1))
    order.customer = user
    order.save(update_fields=["customer"])
    record_consent(
        subject_key=subject_key_for_customer(user.pk),
        purpose=Purpose.VIVRE_MAILINGS,
        granted=True,
        channel=Channel.REGISTRATION,
        policy_version="2026-01-01",
    )
    record_consent(
        subject_key=subject_key_for_email(user.email),
        purpose=Purpose.PARTNER_OFFERS,
        granted=False,
        channel=Channel.CHECKOUT,
    )
    RememberedDevice.objects.create(
        user=user,
        selector="s" * 32,
        validator_hash="v" * 64,
        label="Firefox on Linux",
        expires_at=timezone.now() + timedelta(days=30),
    )
    return user


@pytest.fixture
def stranger():
    user = User.objects.create_user("stranger@example.com", PASSWORD, full_name="Stranger Danger")
    Address.objects.create(
        user=user,
        name="Stranger Danger",
        line1="1 Elm",
        city="Troy",
        state="NY",
        postal_code="12180",
    )
    return user


def _ready_export(user) -> DataExport:
    found, _ = export.request_export(user=user)
    assert build_export.call(str(found.pk)) == DataExport.Status.READY
    found.refresh_from_db()
    return found


def test_export_holds_every_declared_field_of_every_owned_row(customer, stranger):
    # when
    document = export.build_document(customer)

    # then every model the data map finds rows of is there, row by row, with each
    # declared field's value, category and purposes
    rows = owned_rows(customer)
    assert set(document["records"]) == {m._meta.label for m in rows if declared_fields(m)}
    for model, pks in rows.items():
        section = document["records"][model._meta.label]
        assert sorted(str(r["id"]) for r in section["rows"]) == sorted(str(pk) for pk in pks)
        for row in section["rows"]:
            for entry in declared_fields(model):
                item = row["fields"][entry.field]
                assert item["category"] == entry.category
                assert item["purposes"] == list(entry.purposes)
                assert "value" in item or "withheld" in item
    user_row = document["records"]["accounts.User"]["rows"][0]["fields"]
    assert user_row["email"]["value"] == "hortense.vale@example.com"
    assert user_row["full_name"]["value"] == "Hortense Vale"
    assert user_row["day_phone"] == {
        "category": Category.PHONE,
        "purposes": [Use.CUSTOMER_CARE, Use.FULFILMENT],
        "value": "+12125550123",
    }
    # and nobody else's data
    assert "Stranger" not in json.dumps(document)


def test_export_has_the_consent_history_orders_and_its_provenance(customer):
    document = export.build_document(customer)

    assert document["generated_at"]
    assert "policy_version" in document
    assert [(c["purpose"], c["choice"], c["channel"]) for c in document["consent_history"]] == [
        ("vivre_mailings", "yes", "Registration form"),
        ("partner_offers", "no", "Checkout"),
    ]
    assert all(c["at"] for c in document["consent_history"])
    [order] = document["orders"]
    assert order["number"] == customer.orders.get().number
    assert [line["quantity"] for line in order["lines"]] == [2, 1]
    assert order["shipping_address"][0] == "Ada Lovelace"
    # the orders are owned rows in the data-map part too
    assert len(document["records"]["orders.Order"]["rows"]) == 1
    assert len(document["records"]["orders.OrderLine"]["rows"]) == 2


def test_export_withholds_secrets_but_says_what_they_are(customer):
    document = export.build_document(customer)

    password = document["records"]["accounts.User"]["rows"][0]["fields"]["password"]
    assert "value" not in password and "one-way hash" in password["withheld"]
    device = document["records"]["accounts.RememberedDevice"]["rows"][0]["fields"]
    assert (
        "value" not in device["validator_hash"] and device["label"]["value"] == "Firefox on Linux"
    )
    assert customer.password not in json.dumps(document)


def test_a_newly_declared_field_appears_without_code_changes(customer, monkeypatch):
    # given a field the data map has so far called not personal
    decl = Address.PersonalData
    assert (
        "is_default_shipping"
        not in export.build_document(customer)["records"]["accounts.Address"]["rows"][0]["fields"]
    )

    # when it is declared personal
    monkeypatch.setattr(
        decl,
        "is_default_shipping",
        Personal(Category.ACCOUNT_ACTIVITY, Use.FULFILMENT),
        raising=False,
    )
    monkeypatch.setattr(
        decl, "not_personal", [n for n in decl.not_personal if n != "is_default_shipping"]
    )

    # then the next export carries it, with its category and purpose
    fields = export.build_document(customer)["records"]["accounts.Address"]["rows"][0]["fields"]
    assert fields["is_default_shipping"] == {
        "category": Category.ACCOUNT_ACTIVITY,
        "purposes": [Use.FULFILMENT],
        "value": True,
    }


def test_the_task_moves_queued_running_ready_and_reports_progress(customer, monkeypatch):
    # given a requested export
    found, created = export.request_export(user=customer)
    assert created and (found.status, found.progress) == (DataExport.Status.QUEUED, 0)
    seen = []
    original = export.build_document

    def watching(user, *, on_progress=None):
        def progress(percent):
            on_progress(percent)
            row = DataExport.objects.get(pk=found.pk)
            seen.append((row.status, row.progress))

        return original(user, on_progress=progress)

    monkeypatch.setattr(export, "build_document", watching)

    # when the task runs
    assert build_export.call(str(found.pk)) == DataExport.Status.READY

    # then it was running while it worked, with rising progress, and ends ready
    assert seen and all(status == DataExport.Status.RUNNING for status, _ in seen)
    progress = [p for _, p in seen]
    assert progress == sorted(progress) and progress[0] > 0 and progress[-1] < 100
    found.refresh_from_db()
    assert (found.status, found.progress) == (DataExport.Status.READY, 100)
    assert found.finished_at is not None
    assert json.loads(found.content)["records"]["accounts.User"]
    # running it again does nothing
    assert build_export.call(str(found.pk)) == DataExport.Status.READY


def test_a_failed_build_is_marked_failed_and_a_new_one_can_be_asked(customer, monkeypatch):
    found, _ = export.request_export(user=customer)

    def broken(user, *, on_progress=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "build_document", broken)
    assert build_export.call(str(found.pk)) == DataExport.Status.FAILED
    found.refresh_from_db()
    assert (found.status, found.content) == (DataExport.Status.FAILED, "")
    _, created = export.request_export(user=customer)
    assert created


def test_one_export_at_a_time(customer):
    first, created = export.request_export(user=customer)
    again, created_again = export.request_export(user=customer)
    assert created and not created_again and again.pk == first.pk
    assert DataExport.objects.filter(user=customer).count() == 1


def test_ready_email_says_where_to_download_without_the_data(customer):
    found, _ = export.request_export(user=customer, site_url="https://vivre.example")
    build_export.call(str(found.pk), "https://vivre.example")
    message = Message.objects.get(kind="accounts.export_ready")
    assert message.to_address == customer.email
    assert "https://vivre.example/account/privacy/" in message.text_body
    assert "+12125550123" not in message.text_body + message.html_body
    assert "7 Orchard Lane" not in message.text_body + message.html_body


def test_requesting_on_the_page_prepares_it_and_shows_progress(
    client, customer, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(customer)
    page = client.get(reverse("accounts:privacy"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Prepare a copy of my data" in html
    assert 'http-equiv="refresh"' not in html

    # a queued export: the page shows it with a progress bar and refreshes itself
    DataExport.objects.create(user=customer, expires_at=timezone.now() + timedelta(days=7))
    html = client.get(reverse("accounts:privacy")).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert re.search(r'<progress max="100" value="0"', html)
    DataExport.objects.all().delete()

    # when the customer asks for a copy (the task runs after commit)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:export_request"))
    assert response.status_code == 302

    # then it is ready, and the page offers the download
    found = DataExport.objects.get(user=customer)
    assert found.status == DataExport.Status.READY
    html = client.get(reverse("accounts:privacy")).content.decode()
    assert reverse("accounts:export_download", args=[found.pk]) in html
    assert 'value="100"' in html
    assert "<script" not in html and "style=" not in html


def test_asking_twice_while_one_is_under_way_shows_it(client, customer):
    client.force_login(customer)
    client.post(reverse("accounts:export_request"))
    client.post(reverse("accounts:export_request"))
    assert DataExport.objects.filter(user=customer).count() == 1


def test_download_is_a_dated_json_attachment(client, customer):
    found = _ready_export(customer)
    client.force_login(customer)

    response = client.get(reverse("accounts:export_download", args=[found.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="vivre-data-{day}.json"'
    document = json.loads(response.content)
    assert document["records"]["accounts.User"]["rows"][0]["fields"]["full_name"]["value"] == (
        "Hortense Vale"
    )


@pytest.mark.promise("P12")
def test_another_customers_export_is_not_found(client, customer, stranger):
    # given the customer's ready export and a pending one
    ready = _ready_export(customer)
    pending = DataExport.objects.create(
        user=customer, expires_at=timezone.now() + timedelta(days=7)
    )

    # when someone else signed in guesses their ids
    client.force_login(stranger)
    for found in (ready, pending):
        response = client.get(reverse("accounts:export_download", args=[found.pk]))
        # then nothing is there for them
        assert response.status_code == 404
        assert b"Hortense" not in response.content
    # nor in their own list
    assert str(ready.pk) not in client.get(reverse("accounts:privacy")).content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, customer):
    found = _ready_export(customer)
    response = client.get(reverse("accounts:export_download", args=[found.pk]))
    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response["Location"]
    assert client.post(reverse("accounts:export_request")).status_code == 302
    assert not DataExport.objects.exclude(pk=found.pk).exists()


def test_an_expired_copy_is_gone_with_a_clear_page(client, customer):
    found = _ready_export(customer)
    DataExport.objects.filter(pk=found.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(customer)

    response = client.get(reverse("accounts:export_download", args=[found.pk]))

    assert response.status_code == 410
    html = response.content.decode()
    assert "This copy has expired" in html and "Request a new copy" in html
    assert "Hortense" not in html.split("account-main")[-1]


def test_a_copy_not_yet_ready_sends_back_to_the_page(client, customer):
    pending = DataExport.objects.create(
        user=customer, expires_at=timezone.now() + timedelta(days=7)
    )
    client.force_login(customer)
    response = client.get(reverse("accounts:export_download", args=[pending.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:privacy")


def test_expired_exports_are_forgotten(customer, settings):
    settings.VIVRE = {**settings.VIVRE, "EXPORT_RETENTION_DAYS": 2}
    fresh = _ready_export(customer)
    assert fresh.expires_at - fresh.finished_at == timedelta(days=2)
    old = DataExport.objects.create(
        user=customer, expires_at=timezone.now() - timedelta(seconds=1), content="{}"
    )

    assert export.forget_expired_exports() == 1

    assert list(DataExport.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not DataExport.objects.filter(pk=old.pk).exists()
    later = timezone.now() + timedelta(days=3)
    assert export.forget_expired_exports(now=later) == 1
