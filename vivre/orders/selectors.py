"""Reads of orders for screens and other apps."""

from __future__ import annotations

import uuid

from .models import Order


def get_order_by_number(number: str) -> Order | None:
    """Return the order with this number and its lines, or None."""
    return (
        Order.objects.select_related("shipping_address", "billing_address")
        .prefetch_related("lines")
        .filter(number=number)
        .first()
    )


def order_for_idempotency_key(*, key: uuid.UUID, cart_id: uuid.UUID | None) -> Order | None:
    """Return the order a review form with this key already placed from this cart, or None."""
    if cart_id is None:
        return None
    return Order.objects.filter(idempotency_key=key, cart_id=cart_id).first()
