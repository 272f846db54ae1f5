"""Reads for the My Account screens. Every read is scoped to the signed-in customer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from vivre.orders.models import Order, OrderEvent
from vivre.orders.selectors import get_order_by_number
from vivre.privacy.consent import (
    Purpose,
    consent_history,
    current_preferences,
    subject_key_for_customer,
)
from vivre.privacy.models import ConsentRecord

from .models import Address, User

#: What each choice means, in the words the preferences page uses.
PURPOSE_DESCRIPTIONS = {
    Purpose.VIVRE_MAILINGS: (
        "E-mails from us about new pieces, seasonal collections and sales. Order and "
        "shipping e-mails are part of your order and come either way."
    ),
    Purpose.PARTNER_OFFERS: (
        "Offers from a few partners we choose, sent by Vivre ourselves. Partners never "
        "receive your name, address or e-mail."
    ),
    Purpose.PERSONALIZATION: (
        "Suggestions chosen from what you have bought before. Turned off, you see the "
        "same suggestions as everyone else."
    ),
    Purpose.TRACKING_COOKIES: (
        "Cookies that show us how the shop is used, such as which pages and links are "
        "visited. The cookies the shop needs to work, like your bag and signing in, are "
        "always on."
    ),
}

#: Order events a customer is shown, with their names for the customer.
ORDER_EVENT_LABELS = {
    "orders.order.placed": "Order placed",
    "orders.order.authorized": "Payment authorized",
    "orders.order.fulfilment_started": "Being prepared",
    "orders.order.partly_shipped": "Part of the order shipped",
    "orders.order.shipped": "Shipped",
    "orders.order.delivered": "Delivered",
    "orders.order.cancelled": "Cancelled",
    "orders.order.return_requested": "Return requested",
    "orders.order.returned": "Returned",
}


def addresses_for(user: User) -> QuerySet[Address]:
    """Return the customer's address book, defaults first."""
    return Address.objects.filter(user=user)


def get_address_for(*, user: User, pk: int) -> Address | None:
    """Return the customer's own address ``pk``, or None (another's is never found)."""
    return Address.objects.filter(user=user, pk=pk).select_related("user").first()


def default_addresses(user: User) -> tuple[Address | None, Address | None]:
    """Return the customer's default shipping and billing addresses (either may be None)."""
    shipping = billing = None
    for address in Address.objects.filter(user=user).exclude(
        is_default_shipping=False, is_default_billing=False
    ):
        if address.is_default_shipping:
            shipping = address
        if address.is_default_billing:
            billing = address
    return shipping, billing


def orders_for_customer(user: User) -> QuerySet[Order]:
    """Return the orders placed by (or attached to) the customer's account, newest first."""
    return Order.objects.filter(customer=user).order_by("-created_at", "-id")


def get_customer_order(*, user: User, number: str) -> Order | None:
    """Return the customer's own order with this number, or None (a guest's or another's)."""
    order = get_order_by_number(number.strip().upper())
    if order is None or order.customer_id is None or order.customer_id != user.pk:
        return None
    return order


@dataclass(frozen=True)
class HistoryEntry:
    label: str
    at: object


@dataclass(frozen=True)
class OrderDetail:
    """What the order page shows beyond the order itself."""

    shipments: list
    history: list[HistoryEntry]
    can_return: bool
    returns_until: object


def order_detail(order: Order) -> OrderDetail:
    """Return the shipments, status history and return eligibility of an order.

    Return eligibility is the storefront order page's rule: within the return
    window of the last shipment, with something shipped and not yet returned.
    """
    from vivre.returns.services import return_window_ends, returnable_quantities

    shipments = list(order.shipments.filter(shipped_at__isnull=False).order_by("shipped_at"))
    ends = return_window_ends(order)
    can_return = bool(ends and timezone.now() <= ends and returnable_quantities(order))
    history = [
        HistoryEntry(label=ORDER_EVENT_LABELS[event.type], at=event.created_at)
        for event in OrderEvent.objects.filter(order=order, type__in=ORDER_EVENT_LABELS)
    ]
    return OrderDetail(
        shipments=shipments, history=history, can_return=can_return, returns_until=ends
    )


@dataclass(frozen=True)
class PreferenceRow:
    purpose: str
    label: str
    description: str
    granted: bool


def preference_rows(user: User) -> list[PreferenceRow]:
    """Return every purpose with its plain description and the customer's current choice."""
    current = current_preferences(subject_key_for_customer(user.pk))
    return [
        PreferenceRow(
            purpose=purpose.value,
            label=purpose.label,
            description=PURPOSE_DESCRIPTIONS.get(purpose, ""),
            granted=current[purpose.value],
        )
        for purpose in Purpose
    ]


def preference_history(user: User) -> list[ConsentRecord]:
    """Return every choice the customer made, on any channel, newest first."""
    return consent_history(subject_key_for_customer(user.pk))
