"""The data-map system check refuses any model field that is not classified."""

import pytest
from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps

from vivre.privacy.checks import check_model
from vivre.privacy.datamap import Category, Personal, Subject, Use, data_map


def _ids(errors):
    return sorted(e.id for e in errors)


@isolate_apps("vivre.privacy")
def test_undeclared_field_fails_the_check():
    # given a model that forgets to classify its phone field
    class GiftNote(models.Model):
        email = models.EmailField()
        phone = models.CharField(max_length=20)

        class Meta:
            app_label = "privacy"

        class PersonalData:
            subject = Subject.CUSTOMER
            email = Personal(Category.EMAIL, Use.ORDER_NOTIFICATIONS)
            not_personal = ["id"]

    # when the check runs
    errors = check_model(GiftNote)

    # then it names the undeclared field
    assert _ids(errors) == ["privacy.E001"]
    assert "GiftNote.phone" in errors[0].msg


@isolate_apps("vivre.privacy")
def test_model_without_declaration_fails_the_check():
    # given a model with no PersonalData at all
    class Note(models.Model):
        text = models.TextField()

        class Meta:
            app_label = "privacy"

    # when / then
    assert _ids(check_model(Note)) == ["privacy.E004"]


@isolate_apps("vivre.privacy")
def test_unknown_category_purpose_and_stale_names_fail_the_check():
    # given a declaration with a made-up category, no purpose, a made-up purpose,
    # and a name that is not a field
    class Survey(models.Model):
        income = models.CharField(max_length=20)
        age = models.CharField(max_length=20)

        class Meta:
            app_label = "privacy"

        class PersonalData:
            subject = Subject.CUSTOMER
            income = Personal("user.wealth")
            age = Personal(Category.AGE_RANGE, "selling.to.brokers")
            not_personal = ["id", "colour"]

    # when
    ids = _ids(check_model(Survey))

    # then
    assert ids == ["privacy.E002", "privacy.E003", "privacy.E003", "privacy.E005"]


@isolate_apps("vivre.privacy")
def test_fully_declared_model_passes():
    class Contact(models.Model):
        email = models.EmailField()

        class Meta:
            app_label = "privacy"

        class PersonalData:
            subject = Subject.CUSTOMER
            email = Personal(Category.EMAIL, Use.MARKETING_EMAIL)
            not_personal = ["id"]

    assert check_model(Contact) == []


def test_every_shop_model_passes_manage_py_check():
    # the real project: `manage.py check` passes, so every field is accounted for
    call_command("check", "--fail-level", "ERROR")


@pytest.mark.promise("P11")
def test_data_map_declares_the_cart_ip_for_diagnostics():
    entries = {e.label: e for e in data_map()}
    ip = entries["cart.Cart.ip_address"]
    assert ip.category == "user.device.ip_address"
    assert Use.DIAGNOSTICS in ip.purposes


def test_data_map_exports_as_fides_dataset(capsys):
    call_command("datamap", "--fides")
    out = capsys.readouterr().out
    assert '"user.device.ip_address"' in out
    assert '"fides_key": "vivre_store"' in out


def test_fides_dataset_is_valid_fideslang():
    from fideslang.models import Dataset

    from vivre.privacy.datamap import as_fides_dataset

    dataset = Dataset.model_validate(as_fides_dataset()["dataset"][0])
    categories = {c for coll in dataset.collections for f in coll.fields for c in f.data_categories}
    assert "user.contact.email" in categories or "user.device.ip_address" in categories
