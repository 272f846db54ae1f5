"""The data map says whose rows they are and what erasure does; the check refuses silence."""

import pytest
from django.db import models
from django.test.utils import isolate_apps

from vivre.accounts.models import Address, DataExport, User
from vivre.messaging.models import Message
from vivre.orders import models as order_models
from vivre.orders.testing import make_order
from vivre.privacy.checks import check_model, check_ownership
from vivre.privacy.consent import Channel, Purpose, record_consent, subject_key_for_email
from vivre.privacy.datamap import (
    Category,
    Erasure,
    Personal,
    Subject,
    Use,
    anonymized_values,
    governed_models,
    holds_customer_data,
    owned_rows,
    ownership,
)
from vivre.privacy.models import ConsentRecord


def _ids(errors):
    return sorted(e.id for e in errors)


def _check(model):
    """Return every data-map error of a model: fields, then ownership and erasure."""
    return check_model(model) + check_ownership(model)


@isolate_apps("vivre.privacy")
def test_customer_data_without_an_owner_fails_the_check():
    # given a model of customer data that does not say how a customer's rows are found
    class GiftNote(models.Model):  # noqa: DJ008
        message = models.TextField()

        class Meta:
            app_label = "privacy"

        class PersonalData:
            subject = Subject.CUSTOMER
            message = Personal(Category.PRIVATE_CONTENT, Use.FULFILMENT)
            not_personal = ["id"]

    # when / then
    errors = _check(GiftNote)
    assert _ids(errors) == ["privacy.E007"]
    assert "GiftNote" in errors[0].msg


@isolate_apps("vivre.privacy")
def test_owner_none_needs_a_reason():
    class GuestHit(models.Model):  # noqa: DJ008
        ip = models.GenericIPAddressField()

        class Meta:
            app_label = "privacy"

        class PersonalData:
            subject = Subject.CUSTOMER
            ip = Personal(Category.IP_ADDRESS, Use.DIAGNOSTICS)
            not_personal = ["id"]
            owner = None

    class GuestVisit(models.Model):  # noqa: DJ008
        ip = models.GenericIPAddressField()

        class Meta:
            app_label = "privacy"

        class PersonalData:
            subject = Subject.CUSTOMER
            ip = Personal(Category.IP_ADDRESS, Use.DIAGNOSTICS)
            not_personal = ["id"]
            owner = None
            owner_reason = "A guest's IP address, never tied to an account."

    assert _ids(_check(GuestHit)) == ["privacy.E007"]
    assert _check(GuestVisit) == []


@isolate_apps("vivre.privacy")
def test_owned_model_must_say_what_erasure_does_and_why_it_keeps():
    class Wish(models.Model):  # noqa: DJ008
        user = models.ForeignKey(User, on_delete=models.CASCADE)
        note = models.CharField(max_length=50)

        class Meta:
            app_label = "privacy"

        class PersonalData:
            subject = Subject.CUSTOMER
            note = Personal(Category.PRIVATE_CONTENT, Use.PERSONALIZE)
            not_personal = ["id", "user"]
            owner = "user"

    class Pledge(models.Model):  # noqa: DJ008
        user = models.ForeignKey(User, on_delete=models.CASCADE)
        note = models.CharField(max_length=50)

        class Meta:
            app_label = "privacy"

        class PersonalData:
            subject = Subject.CUSTOMER
            note = Personal(Category.PRIVATE_CONTENT, Use.PERSONALIZE)
            not_personal = ["id", "user"]
            owner = "user"
            erasure = Erasure.KEEP

    assert _ids(_check(Wish)) == ["privacy.E008"]
    assert _ids(_check(Pledge)) == ["privacy.E009"]


@isolate_apps("vivre.privacy")
def test_ownership_must_name_real_fields_and_lead_to_the_user():
    class Stray(models.Model):  # noqa: DJ008
        order = models.ForeignKey(order_models.Order, on_delete=models.CASCADE, related_name="+")
        email = models.EmailField()
        ref = models.UUIDField()

        class Meta:
            app_label = "privacy"

        class PersonalData:
            subject = Subject.CUSTOMER
            email = Personal(Category.EMAIL, Use.CUSTOMER_CARE)
            not_personal = ["id", "order", "ref"]
            owner = "order"  # an order, not a user
            owned_with = ["ref"]  # not a foreign key, and no model named
            owner_email = "e_mail"  # no such field
            owned_by = {"orders.Nothing": ("x",)}
            erasure = Erasure.DELETE

    errors = _check(Stray)
    assert _ids(errors) == ["privacy.E010"] * 4
    text = " ".join(e.msg for e in errors)
    assert "lookup path to accounts.User" in text
    assert "'ref' is not a foreign key" in text
    assert "'e_mail'" in text
    assert "orders.Nothing" in text


@isolate_apps("vivre.privacy")
def test_anonymize_needs_a_blank_value_for_every_personal_field():
    class Visit(models.Model):  # noqa: DJ008
        user = models.ForeignKey(User, on_delete=models.CASCADE)
        born = models.DateField()
        town = models.CharField(max_length=50)
        seen = models.DateField()

        class Meta:
            app_label = "privacy"

        class PersonalData:
            subject = Subject.CUSTOMER
            born = Personal(Category.AGE_RANGE, Use.PERSONALIZE)
            town = Personal(Category.CITY, Use.PERSONALIZE)
            seen = Personal(Category.ACCOUNT_ACTIVITY, Use.PERSONALIZE)
            not_personal = ["id", "user"]
            owner = "user"
            erasure = Erasure.ANONYMIZE
            retain = {"seen": "When, without who, is a visit count."}
            not_exported = {"colour": "no such field"}

    errors = _check(Visit)
    assert _ids(errors) == ["privacy.E011", "privacy.E012"]
    assert any("Visit.born cannot be blanked" in e.msg for e in errors)


def test_every_model_with_customer_data_says_whose_it_is_and_what_erasure_does():
    for model in governed_models():
        own = ownership(model)
        if holds_customer_data(model):
            assert own.is_owned or own.owner_reason, model._meta.label
        if own.is_owned:
            assert own.erasure in Erasure.ALL, model._meta.label


def test_orders_are_anonymized_and_the_ledgers_kept():
    assert ownership(order_models.Order).erasure == Erasure.ANONYMIZE
    assert ownership(order_models.Address).erasure == Erasure.ANONYMIZE
    assert ownership(ConsentRecord).erasure == Erasure.KEEP
    assert ownership(User).erasure == Erasure.DELETE
    values = anonymized_values(order_models.Order)
    assert values == {
        "email": "",
        "phone": "",
        "ip_address": None,
        "cart_id": None,
        "customer_id": None,
        "gift_message": "",
    }
    # the tax jurisdiction stays with the snapshot
    assert "state" not in anonymized_values(order_models.Address)


@pytest.mark.django_db
def test_owned_rows_follow_every_declared_way():
    # given a customer with an address, an order (and its snapshots), mail and consent
    user = User.objects.create_user("owner@example.com", "x" * 12, full_name="Own Er")
    other = User.objects.create_user("other@example.com", "x" * 12, full_name="Oth Er")
    address = Address.objects.create(
        user=user, name="Own Er", line1="1 Main St", city="Boston", state="MA", postal_code="02110"
    )
    Address.objects.create(
        user=other, name="Oth Er", line1="2 Main St", city="Boston", state="MA", postal_code="02110"
    )
    order = make_order(email="owner@example.com")
    order.customer = user
    order.save(update_fields=["customer"])
    guest_order = make_order(email="OWNER@example.com")  # before the account, as a guest
    theirs = make_order(email="other@example.com")
    theirs.customer = other
    theirs.save(update_fields=["customer"])
    record_consent(
        subject_key=subject_key_for_email("owner@example.com"),
        purpose=Purpose.VIVRE_MAILINGS,
        granted=True,
        channel=Channel.CHECKOUT,
    )
    mail = Message.objects.create(
        to_address="gift.recipient@example.net",
        subject_line="A gift",
        text_body="x",
        kind="gift",
        dedupe_key="gift:1",
        message_id="<1@x>",
        order_id=order.pk,
    )

    # when
    rows = owned_rows(user)

    # then each way finds the customer's rows, and only theirs
    assert rows[User] == [user.pk]
    assert rows[Address] == [address.pk]
    assert set(rows[order_models.Order]) == {order.pk, guest_order.pk}
    assert set(rows[order_models.Address]) == {
        order.shipping_address_id,
        order.billing_address_id,
        guest_order.shipping_address_id,
        guest_order.billing_address_id,
    }
    assert len(rows[order_models.OrderLine]) == 2
    assert rows[Message] == [mail.pk]  # through the order it is about
    assert len(rows[ConsentRecord]) == 1  # filed under the address's key
    assert DataExport not in rows
