"""Fixtures for care tests: orders, and staff in and out of the care role."""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from vivre.accounts.models import User
from vivre.core.staff import Role
from vivre.orders.models import Address, Order, OrderLine

PHONE = "+16465550173"  # not the store's own care line, which is on every page
_numbers = itertools.count(1)


def make_order(*, email="ada@example.com", phone=PHONE, number=None) -> Order:
    """Record an order with one line, straight into the tables (no checkout needed)."""
    address = Address.objects.create(
        name="Ada Lovelace", line1="11 Mercer Street", line2="Floor 3", city="New York",
        state="NY", postal_code="10013",
    )  # fmt: skip
    order = Order.objects.create(
        number=number or f"VV-CARE-{next(_numbers):04d}", email=email, phone=phone,
        shipping_address=address, billing_address=address, shipping_method_code="standard",
        shipping_method_name="Standard", subtotal=Decimal("80.00"),
        shipping_charge=Decimal("9.95"), tax_rate=Decimal("0.08875"), tax=Decimal("7.10"),
        total=Decimal("97.05"), idempotency_key=uuid.uuid4(),
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
def order(db):
    return make_order()


@pytest.fixture
def carer(db):
    return _staff("carer", Role.CARE)


@pytest.fixture
def packer(db):
    return _staff("packer", Role.FULFILMENT)


@pytest.fixture
def care_client(client, carer):
    client.force_login(carer)
    return client
