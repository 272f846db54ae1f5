"""Purpose-bound access: sensitive reads name a declared purpose and are logged (P6)."""

import uuid
from decimal import Decimal

import pytest

from vivre.accounts.models import User
from vivre.orders.models import Address, Order
from vivre.privacy.access import PurposeNotAllowed, access_log_for, is_sensitive, read_personal
from vivre.privacy.datamap import Category, Use
from vivre.privacy.models import AccessRecord, AppendOnlyError

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P6")]


def _order(number="VV-TEST-0001", phone="+12125550148", email="ada@example.com") -> Order:
    address = Address.objects.create(
        name="Ada Lovelace", line1="11 Mercer Street", city="New York", state="NY",
        postal_code="10013",
    )  # fmt: skip
    return Order.objects.create(
        number=number, email=email, phone=phone, shipping_address=address,
        billing_address=address, shipping_method_code="standard",
        shipping_method_name="Standard", subtotal=Decimal("40.00"),
        shipping_charge=Decimal("0.00"), tax_rate=Decimal("0"), tax=Decimal("0.00"),
        total=Decimal("40.00"), idempotency_key=uuid.uuid4(),
    )  # fmt: skip


@pytest.fixture
def carer():
    return User.objects.create_user("carer", is_staff=True)


def test_read_for_a_declared_purpose_returns_the_value_and_logs_it(carer):
    # given an order with a phone number
    order = _order()

    # when care reads it for customer care, naming the reason
    phone = read_personal(
        order, "phone", purpose=Use.CUSTOMER_CARE, actor=carer, reason="order issue 42"
    )

    # then the value comes back and one record says who, what, why and for what
    assert phone == "+12125550148"
    record = AccessRecord.objects.get()
    assert record.subject_type == "orders.Order"
    assert record.subject_id == str(order.pk)
    assert record.field == "phone"
    assert record.category == Category.PHONE
    assert record.purpose == Use.CUSTOMER_CARE
    assert (record.actor_label, record.actor_id) == ("carer", carer.pk)
    assert record.reason == "order issue 42"


def test_undeclared_purpose_is_refused_and_not_logged(carer):
    # given an order
    order = _order()

    # when the phone is read for marketing, which its declaration does not list
    with pytest.raises(PurposeNotAllowed, match="may not be read for"):
        read_personal(order, "phone", purpose=Use.MARKETING_EMAIL, actor=carer)

    # then nothing was recorded
    assert not AccessRecord.objects.exists()


def test_non_personal_field_is_refused(carer):
    # given an order; its number is not declared personal
    order = _order()

    # when / then
    with pytest.raises(PurposeNotAllowed, match="not declared personal"):
        read_personal(order, "number", purpose=Use.CUSTOMER_CARE, actor=carer)
    with pytest.raises(PurposeNotAllowed):
        read_personal(order, "no_such_field", purpose=Use.CUSTOMER_CARE, actor=carer)


def test_non_sensitive_read_is_allowed_but_not_logged(carer):
    # given an order; its e-mail is personal but not a sensitive category
    order = _order()

    # when care reads it
    email = read_personal(order, "email", purpose=Use.CUSTOMER_CARE, actor=carer)

    # then it is returned and the access log stays empty
    assert email == "ada@example.com"
    assert not AccessRecord.objects.exists()


def test_a_read_must_name_its_actor():
    from django.contrib.auth.models import AnonymousUser

    order = _order()
    for nobody in (None, "", AnonymousUser()):
        with pytest.raises(ValueError, match="actor"):
            read_personal(order, "phone", purpose=Use.CUSTOMER_CARE, actor=nobody)
    assert not AccessRecord.objects.exists()


def test_a_process_can_be_the_actor():
    order = _order()
    read_personal(order, "phone", purpose=Use.FULFILMENT, actor="system", reason="carrier label")
    record = AccessRecord.objects.get()
    assert (record.actor_label, record.actor_id, record.purpose) == ("system", None, Use.FULFILMENT)


def test_sensitive_categories():
    assert is_sensitive(Category.PHONE)
    assert is_sensitive(Category.CREDIT_CARD)
    assert is_sensitive(Category.FINANCIAL)
    assert is_sensitive(Category.PRIVATE_CONTENT)
    assert is_sensitive(Category.AGE_RANGE)
    assert is_sensitive(Category.INCOME_RANGE)
    assert not is_sensitive(Category.EMAIL)
    assert not is_sensitive(Category.ADDRESS)
    assert not is_sensitive("user.financialish")


def test_access_record_cannot_be_updated_or_deleted(carer):
    # given one recorded read
    order = _order()
    read_personal(order, "phone", purpose=Use.CUSTOMER_CARE, actor=carer, reason="issue")
    record = AccessRecord.objects.get()

    # when someone tries to rewrite or remove it, one row or in bulk
    record.reason = "nothing to see"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        AccessRecord.objects.update(reason="nothing")
    with pytest.raises(AppendOnlyError):
        AccessRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(AppendOnlyError):
        AccessRecord.objects.all().delete()

    # then it is still there as written
    assert AccessRecord.objects.get().reason == "issue"


def test_access_log_for_one_subject_newest_first(carer):
    # given reads of two orders' phones
    first, other = _order(), _order(number="VV-TEST-0002")
    read_personal(first, "phone", purpose=Use.CUSTOMER_CARE, actor=carer, reason="one")
    read_personal(other, "phone", purpose=Use.CUSTOMER_CARE, actor=carer, reason="other")
    read_personal(first, "phone", purpose=Use.CUSTOMER_CARE, actor=carer, reason="two")

    # when the log of the first order is asked for
    log = list(access_log_for(first))

    # then only its reads come back, newest first
    assert [r.reason for r in log] == ["two", "one"]


def test_access_records_are_in_the_data_map():
    from vivre.privacy.checks import check_model

    assert check_model(AccessRecord) == []


def test_admin_shows_access_records_read_only(client, carer):
    # given a recorded read and a superuser in the admin
    read_personal(_order(), "phone", purpose=Use.CUSTOMER_CARE, actor=carer, reason="issue")
    record = AccessRecord.objects.get()
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)

    # when they open the list and the record, and try to add or delete
    listing = client.get("/admin/privacy/accessrecord/")
    detail = client.get(f"/admin/privacy/accessrecord/{record.pk}/change/")
    add = client.get("/admin/privacy/accessrecord/add/")
    delete = client.post(f"/admin/privacy/accessrecord/{record.pk}/delete/", {"post": "yes"})

    # then they can read but not change
    assert listing.status_code == 200 and "carer" in listing.content.decode()
    assert detail.status_code == 200
    assert add.status_code == 403
    assert delete.status_code == 403
    assert AccessRecord.objects.count() == 1
