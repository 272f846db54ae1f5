"""Reads for the fulfilment screens: the queue, what is left to ship, and the history."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Sum

from vivre.orders.models import Order, OrderEvent, OrderLine

from .models import Shipment, ShipmentLine

#: The statuses of orders that still have something to pick.
TO_PICK = (Order.Status.AUTHORIZED, Order.Status.IN_FULFILMENT, Order.Status.PARTLY_SHIPPED)


def orders_to_pick():
    """Return the orders waiting to be picked and packed, oldest first.

    An order of gift certificates alone has nothing to pack: they go by e-mail.
    """
    return (
        Order.objects.filter(status__in=TO_PICK, lines__isnull=False)
        .distinct()
        .select_related("shipping_address")
        .prefetch_related("lines")
        .order_by("created_at")
    )


def shipped_quantities(order: Order) -> dict[int, int]:
    """Return {order line id: quantity already in a shipment} for the order."""
    rows = (
        ShipmentLine.objects.filter(shipment__order=order)
        .values("order_line_id")
        .annotate(shipped=Sum("quantity"))
    )
    return {row["order_line_id"]: row["shipped"] for row in rows}


@dataclass(frozen=True)
class PickLine:
    """An order line with how much of it has shipped and how much is left."""

    line: OrderLine
    shipped: int

    @property
    def remaining(self) -> int:
        return self.line.quantity - self.shipped


def pick_lines(order: Order) -> list[PickLine]:
    """Return the order's lines with their shipped and remaining quantities."""
    shipped = shipped_quantities(order)
    return [PickLine(line=line, shipped=shipped.get(line.pk, 0)) for line in order.lines.all()]


def order_for_fulfilment(number: str) -> Order | None:
    """Return the order with its address, lines, shipments and history, or None."""
    return (
        Order.objects.select_related("shipping_address")
        .prefetch_related(
            "lines",
            Prefetch(
                "shipments",
                queryset=Shipment.objects.prefetch_related("lines__order_line"),
            ),
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor_user")),
        )
        .filter(number=number)
        .first()
    )
