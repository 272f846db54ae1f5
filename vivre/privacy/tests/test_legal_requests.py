"""The legal-request register (P18): record, disclose exactly the scope, refuse."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from vivre.accounts.models import User
from vivre.core.staff import Role
from vivre.orders.models import Address, Order, OrderLine
from vivre.privacy import legal
from vivre.privacy.datamap import Category
from vivre.privacy.disclosure import REGISTRY, DisclosureRefused
from vivre.privacy.models import DisclosureRecord, LegalRequest

PHONE = "+16465550173"


def make_order(*, email="ada@example.com", customer=None, number="VV-LEGAL-001") -> Order:
    address = Address.objects.create(
        name="Ada Lovelace", line1="7 Harlow Lane", line2="Floor 3", city="New York",
        state="NY", postal_code="10013",
    )  # fmt: skip
    order = Order.objects.create(
        number=number, email=email, phone=PHONE, customer=customer,
        shipping_address=address, billing_address=address, shipping_method_code="standard",
        shipping_method_name="Standard", subtotal=Decimal("80.00"),
        shipping_charge=Decimal("9.95"), tax_rate=Decimal("0.08875"), tax=Decimal("7.10"),
        total=Decimal("97.05"), idempotency_key=uuid.uuid4(), is_gift=True,
        gift_message="Happy birthday, from your secret admirer",
    )  # fmt: skip
    OrderLine.objects.create(
        order=order, product_name="Linen napkins", variant_label="Set of 4 · Oat",
        sku="NAP-OAT-4", unit_price=Decimal("40.00"), quantity=2, line_total=Decimal("80.00"),
    )  # fmt: skip
    return order


def _staff(username, *roles) -> User:
    user = User.objects.create_user(username, password="pw-for-tests", is_staff=True)
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def officer(db):
    return _staff("officer", Role.PRIVACY)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def _request(subject="VV-LEGAL-001", scope=(Category.NAME, Category.PHONE)) -> LegalRequest:
    return legal.record_request(
        authority="NYPD", legal_basis="Subpoena 123", reference="SUB-123",
        subject_reference=subject, scope=list(scope), deadline="2026-12-31",
        recorded_by="officer",
    )  # fmt: skip


FORM = {
    "authority": "District Court",
    "legal_basis": "Court order 42/2026",
    "reference": "CO-42",
    "subject_reference": "VV-LEGAL-001",
    "scope": [Category.NAME, Category.ADDRESS],
    "deadline": "2026-12-31",
}


@pytest.mark.promise("P18")
def test_officer_records_a_request_and_the_register_lists_it(officer_client):
    response = officer_client.post("/staff/privacy/legal/new/", FORM)
    assert response.status_code == 302
    item = LegalRequest.objects.get()
    assert item.status == LegalRequest.Status.OPEN
    assert item.scope == [Category.NAME, Category.ADDRESS]
    assert item.recorded_by == "officer"
    page = officer_client.get("/staff/privacy/legal/").content.decode()
    assert "CO-42" in page and "District Court" in page and "2026-12-31" in page
    assert "Open" in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scope": []}, "scope"),
        ({"scope": ["user.content.private"]}, "scope"),
        ({"deadline": "next week"}, "deadline"),
        ({"authority": "x" * 201}, "authority"),
        ({"subject_reference": ""}, "subject_reference"),
    ],
)
def test_bad_input_gives_field_errors(officer_client, change, field):
    response = officer_client.post("/staff/privacy/legal/new/", {**FORM, **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not LegalRequest.objects.exists()


@pytest.mark.promise("P18")
def test_disclose_sends_exactly_the_scope_of_an_order(officer_client):
    make_order()
    item = _request()
    response = officer_client.post(f"/staff/privacy/legal/{item.pk}/disclose/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ada Lovelace" in page and PHONE in page
    # Outside the scope: not on the page, not in the record.
    assert "ada@example.com" not in page
    assert "Harlow" not in page
    assert "secret admirer" not in page
    assert "Linen napkins" not in page
    (record,) = DisclosureRecord.objects.filter(recipient="authority")
    assert record.basis == "legal_obligation"
    assert record.reference == "legal request SUB-123"
    assert set(record.categories) <= {Category.NAME, Category.PHONE, "system.operations"}
    assert "orders_order.phone" in record.fields
    assert "orders_address.name" in record.fields
    item.refresh_from_db()
    assert item.status == LegalRequest.Status.DISCLOSED
    assert item.closed_at is not None
    # The register shows what went out, never the values again.
    register = officer_client.get("/staff/privacy/legal/").content.decode()
    assert "orders_order.phone" in register
    assert PHONE not in register and "Ada Lovelace" not in register


@pytest.mark.promise("P18")
def test_disclose_for_an_account_uses_the_data_map(officer_client, db):
    customer = User.objects.create_user(
        "grace@example.com", "long password here", full_name="Grace Hopper"
    )
    make_order(email="grace@example.com", customer=customer)
    item = _request(subject="GRACE@example.com", scope=[Category.EMAIL, Category.PURCHASE_HISTORY])
    sent = legal.disclose_request(item)
    assert sent["accounts_user"] == [{"email": "grace@example.com"}]
    assert sent["orders_orderline"][0]["product_name"] == "Linen napkins"
    assert sent["orders_order"][0]["email"] == "grace@example.com"
    assert "accounts_address" not in sent and "orders_address" not in sent
    record = DisclosureRecord.objects.get(recipient="authority")
    assert record.subject_key.startswith("customer:")
    assert Category.NAME not in record.categories


@pytest.mark.promise("P18", "P13")
def test_a_field_outside_the_scope_or_correspondence_is_refused(db):
    order = make_order()
    item = _request(scope=[Category.NAME])
    with pytest.raises(DisclosureRefused, match="scope"):
        legal.send(item, subject_key="order:x", payload={"orders_order": [{"email": order.email}]})
    with pytest.raises(DisclosureRefused):
        legal.send(item, subject_key="order:x", payload={"orders_order": [{"gift_message": "hi"}]})
    assert not DisclosureRecord.objects.exists()
    item.refresh_from_db()
    assert item.status == LegalRequest.Status.OPEN
    authority = REGISTRY["authority"]
    assert not any(
        a.category.startswith(Category.PRIVATE_CONTENT) for a in authority.fields.values()
    )


@pytest.mark.promise("P18")
def test_refuse_needs_a_note_and_closes_the_request(officer_client):
    make_order()
    item = _request()
    response = officer_client.post(f"/staff/privacy/legal/{item.pk}/refuse/", {"note": ""})
    assert response.status_code == 400
    response = officer_client.post(
        f"/staff/privacy/legal/{item.pk}/refuse/", {"note": "No valid warrant."}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == LegalRequest.Status.REFUSED
    assert item.notes == "No valid warrant."
    response = officer_client.post(f"/staff/privacy/legal/{item.pk}/disclose/")
    assert response.status_code == 409
    assert not DisclosureRecord.objects.exists()


def test_unknown_subject_is_an_error_not_a_disclosure(officer_client):
    item = _request(subject="VV-NOPE-9999")
    response = officer_client.post(f"/staff/privacy/legal/{item.pk}/disclose/")
    assert response.status_code == 409
    assert "No order or account matches" in response.content.decode()
    assert not DisclosureRecord.objects.exists()


def test_pages_are_for_privacy_officers_only(client, db):
    item = _request()
    urls = [
        "/staff/privacy/legal/",
        "/staff/privacy/legal/new/",
        f"/staff/privacy/legal/{item.pk}/",
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(_staff("carer", Role.CARE))
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(f"/staff/privacy/legal/{item.pk}/disclose/").status_code == 403
    assert client.get("/staff/privacy/legal/999999/").status_code == 403


def test_missing_csrf_is_refused(officer):
    make_order()
    item = _request()
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.post("/staff/privacy/legal/new/", FORM).status_code == 403
    assert client.post(f"/staff/privacy/legal/{item.pk}/disclose/").status_code == 403
    assert not DisclosureRecord.objects.exists()
    assert client.get("/staff/privacy/legal/999999/").status_code == 404
