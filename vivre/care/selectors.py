"""Reads for the care console."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from vivre.orders.models import Order

from .models import OrderIssue

#: Most orders a single e-mail search lists.
SEARCH_LIMIT = 50


def normalize_order_number(text: str) -> str:
    """Return ``text`` as an order number: upper case, dashes where they belong.

    "vv 7k3m 9qxt" and "VV7K3M9QXT" both become "VV-7K3M-9QXT"; anything that is
    not ten letters and digits is returned upper-cased and otherwise as typed.
    """
    compact = re.sub(r"[\s-]", "", text).upper()
    if len(compact) == 10 and compact.isalnum():
        return f"{compact[:2]}-{compact[2:6]}-{compact[6:]}"
    return text.strip().upper()


def orders_for_email(email: str) -> QuerySet[Order]:
    """Return the orders placed with this e-mail (any case), newest first."""
    return Order.objects.filter(email__iexact=email.strip()).order_by("-created_at")[:SEARCH_LIMIT]


def order_for_care(number: str) -> Order | None:
    """Return the order with this number, with what the care page shows, or None."""
    return (
        Order.objects.select_related("shipping_address")
        .prefetch_related("lines")
        .filter(number=normalize_order_number(number))
        .first()
    )


def issues_for(order: Order) -> QuerySet[OrderIssue]:
    """Return the order's issues, open ones first, then newest first."""
    return (
        OrderIssue.objects.filter(order=order)
        .select_related("opened_by", "resolved_by")
        .order_by("-status", "-opened_at")
    )
