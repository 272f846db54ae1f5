"""Helpers that make orders for tests."""

from __future__ import annotations

import uuid
from decimal import Decimal

from vivre.catalog.testing import make_product

from .models import Order
from .services import AddressData, LineData, create_order, mark_authorized

ADDRESS = AddressData(
    name="Ada Lovelace",
    line1="11 Mercer Street",
    line2="Floor 3",
    city="New York",
    state="NY",
    postal_code="10013",
)


def make_order(*, quantities=(3,), price="40.00", authorized=True, **kwargs) -> Order:
    """Record an order with one line per quantity (each a new product at ``price``)."""
    lines = []
    for quantity in quantities:
        variant = make_product(price=price).variants.get()
        lines.append(LineData(variant=variant, quantity=quantity, unit_price=variant.price))
    order = create_order(
        **{
            "email": "ada@example.com",
            "phone": "+12125550148",
            "shipping_address": ADDRESS,
            "billing_address": ADDRESS,
            "shipping_method_code": "standard",
            "shipping_method_name": "Standard",
            "lines": lines,
            "shipping_charge": Decimal("9.95"),
            "tax_rate": Decimal("0.08875"),
            "tax": Decimal("10.65"),
            "ip_address": "203.0.113.9",
            "idempotency_key": uuid.uuid4(),
            **kwargs,
        }
    )
    if authorized:
        mark_authorized(order=order)
    return order
