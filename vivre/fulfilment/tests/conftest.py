"""Fixtures for fulfilment tests: a paid order of two lines, staff in each role."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from vivre.core.staff import Role
from vivre.orders.testing import make_order

VALID_UPS = "1Z999AA10123456784"


@pytest.fixture
def order(db):
    """An authorised order: 3 of one item at $40 and 1 of another."""
    return make_order(quantities=(3, 1))


@pytest.fixture
def lines(order):
    return list(order.lines.order_by("id"))


def make_staff(username: str, role: str | None):
    user = get_user_model().objects.create_user(username, password="pw-Secret-1", is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def packer(db):
    return make_staff("packer", Role.FULFILMENT)


@pytest.fixture
def carer(db):
    return make_staff("carer", Role.CARE)


@pytest.fixture
def packer_client(client, packer):
    client.force_login(packer)
    return client
