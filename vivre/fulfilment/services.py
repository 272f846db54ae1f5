"""Shipping orders: recording what left in which parcel, tracking numbers, and the e-mails.

Each service runs in one transaction with the order row locked, so two staff
shipping the same order cannot ship more than was ordered. The "your order has
shipped" and tracking e-mails (P5) are written to the outbox in that same
transaction: no shipment without its e-mail, and no e-mail for a shipment that
rolled back.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from vivre.core.money import format_usd
from vivre.messaging.services import send_email
from vivre.orders.models import Order
from vivre.orders.services import (
    Actor,
    mark_delivered,
    mark_partly_shipped,
    mark_shipped,
    record_event,
    start_fulfilment,
)
from vivre.payments.gateway import PaymentError, ProcessorUnavailable
from vivre.payments.services import capture_payment, record_failed_disclosure

from .carriers import CARRIERS, Carrier, InvalidTrackingNumber, get_carrier
from .errors import FulfilmentError, FulfilmentErrorCode
from .models import Shipment, ShipmentLine
from .selectors import shipped_quantities


def _carrier(carrier: Carrier | str | None) -> Carrier:
    if isinstance(carrier, Carrier):
        return carrier
    if carrier and carrier not in CARRIERS:
        raise FulfilmentError(
            FulfilmentErrorCode.UNKNOWN_CARRIER, f"We do not ship with {carrier!r}.", "carrier"
        )
    return get_carrier(carrier)


def _checked_tracking_number(carrier: Carrier, number: str) -> str:
    """Return the number in the carrier's form; refuse a malformed or already used one."""
    try:
        number = carrier.validate_tracking_number(number)
    except InvalidTrackingNumber as exc:
        raise FulfilmentError(
            FulfilmentErrorCode.INVALID_TRACKING_NUMBER, exc.message, "tracking_number"
        ) from exc
    if Shipment.objects.filter(carrier=carrier.code, tracking_number=number).exists():
        raise FulfilmentError(
            FulfilmentErrorCode.DUPLICATE_TRACKING_NUMBER,
            f"{carrier.name} tracking number {number} is already on another shipment.",
            "tracking_number",
        )
    return number


def new_tracking_number(*, carrier: Carrier | str | None = None, order: Order) -> str:
    """Return a fresh tracking number of the carrier that no shipment uses yet."""
    carrier = _carrier(carrier)
    for _ in range(20):
        number = carrier.generate_tracking_number(service=order.shipping_method_code)
        if not Shipment.objects.filter(carrier=carrier.code, tracking_number=number).exists():
            return number
    raise RuntimeError("Could not generate an unused tracking number.")  # pragma: no cover


def _save_tracking_number(shipment: Shipment, number: str) -> None:
    """Save the number; the database's unique constraint settles a race for it."""
    shipment.tracking_number = number
    try:
        with transaction.atomic():
            shipment.save(update_fields=["tracking_number", "updated_at"])
    except IntegrityError as exc:
        raise FulfilmentError(
            FulfilmentErrorCode.DUPLICATE_TRACKING_NUMBER,
            f"Tracking number {number} is already on another shipment.",
            "tracking_number",
        ) from exc


def _check_lines(order: Order, lines: dict) -> dict[int, int]:
    """Return {line id: quantity > 0} to ship, refusing unknown lines and over-shipping."""
    order_lines = {line.pk: line for line in order.lines.all()}
    shipped = shipped_quantities(order)
    wanted: dict[int, int] = {}
    for raw_id, raw_quantity in lines.items():
        try:
            line_id, quantity = int(raw_id), int(raw_quantity)
        except (TypeError, ValueError):
            raise FulfilmentError(
                FulfilmentErrorCode.BAD_QUANTITY, "Enter whole numbers of items."
            ) from None
        line = order_lines.get(line_id)
        if line is None:
            raise FulfilmentError(
                FulfilmentErrorCode.UNKNOWN_LINE,
                f"Order {order.number} has no line {line_id}.",
            )
        if quantity < 0:
            raise FulfilmentError(
                FulfilmentErrorCode.BAD_QUANTITY,
                "A quantity cannot be negative.",
                f"line_{line_id}",
            )
        remaining = line.quantity - shipped.get(line_id, 0)
        if quantity > remaining:
            raise FulfilmentError(
                FulfilmentErrorCode.OVER_SHIPPED,
                f"Only {remaining} of {line.sku} left to ship; you entered {quantity}.",
                f"line_{line_id}",
            )
        if quantity:
            wanted[line_id] = quantity
    if not wanted:
        raise FulfilmentError(
            FulfilmentErrorCode.NOTHING_TO_SHIP, "Enter how many of at least one item to ship."
        )
    return wanted


def create_shipment(
    *,
    order: Order,
    lines: dict[int, int],
    carrier: Carrier | str | None,
    actor: Actor,
    tracking_number: str | None = None,
) -> Shipment:
    """Ship ``lines`` ({order line id: quantity}) of the order in one parcel.

    Starts fulfilment of an authorised order, moves it to partly shipped or
    shipped, and queues the "your order has shipped" e-mail, plus the tracking
    e-mail if the number is given. The carrier gets the label (name, address and
    phone, through the disclosure gateway), and the order's card payment is
    captured with its first shipment, last, in the same transaction. Raises
    ``FulfilmentError`` for a cancelled or unpaid order, unknown lines, more than
    is left to ship, a malformed or already used tracking number, or a card
    processor that cannot capture; then nothing is recorded.
    """
    carrier = _carrier(carrier)
    try:
        return _create_shipment(
            order=order, lines=lines, carrier=carrier, actor=actor, tracking_number=tracking_number
        )
    except PaymentError as exc:
        record_failed_disclosure(exc)
        why = "it is not answering" if isinstance(exc, ProcessorUnavailable) else exc.message
        raise FulfilmentError(
            FulfilmentErrorCode.ORDER_NOT_SHIPPABLE,
            f"The card processor did not take the payment for order {order.number} "
            f"({why}), so nothing was recorded as shipped. Please try again in a minute; "
            "if it keeps failing, hold the parcel and tell customer care.",
        ) from exc


def _create_shipment(
    *, order: Order, lines: dict[int, int], carrier: Carrier, actor: Actor, tracking_number
) -> Shipment:
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("shipping_address")
            .get(pk=order.pk)
        )
        if order.status == Order.Status.AUTHORIZED:
            start_fulfilment(order=order, actor=actor)
        if order.status not in (Order.Status.IN_FULFILMENT, Order.Status.PARTLY_SHIPPED):
            raise FulfilmentError(
                FulfilmentErrorCode.ORDER_NOT_SHIPPABLE,
                f"Order {order.number} is {order.get_status_display().lower()}; "
                "it cannot be shipped.",
            )
        wanted = _check_lines(order, lines)
        if tracking_number:
            tracking_number = _checked_tracking_number(carrier, tracking_number)
        shipment = Shipment.objects.create(
            order=order,
            carrier=carrier.code,
            status=Shipment.Status.SHIPPED,
            shipped_at=timezone.now(),
        )
        ShipmentLine.objects.bulk_create(
            [
                ShipmentLine(shipment=shipment, order_line_id=line_id, quantity=quantity)
                for line_id, quantity in wanted.items()
            ]
        )
        if tracking_number:
            _save_tracking_number(shipment, tracking_number)
        shipped = shipped_quantities(order)
        everything = all(shipped.get(line.pk, 0) >= line.quantity for line in order.lines.all())
        data = {
            "shipment": str(shipment.pk),
            "carrier": carrier.code,
            "lines": {str(line_id): quantity for line_id, quantity in wanted.items()},
        }
        if everything:
            mark_shipped(order=order, actor=actor, data=data)
        else:
            mark_partly_shipped(order=order, actor=actor, data=data)
        _send_shipped_email(order=order, shipment=shipment, carrier=carrier)
        if shipment.tracking_number:
            _send_tracking_email(order=order, shipment=shipment, carrier=carrier)
        carrier.label_payload(order, shipment)
        # Last: a processor that says no rolls the shipment back with nothing taken.
        capture_payment(order=order)
    return shipment


def set_tracking_number(*, shipment: Shipment, number: str, actor: Actor) -> Shipment:
    """Give a shipment its tracking number and, once it has shipped, e-mail it (P5).

    Raises ``FulfilmentError`` if the number is malformed, already used, or the
    shipment already has one.
    """
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update(of=("self",))
            .select_related("order", "order__shipping_address")
            .get(pk=shipment.pk)
        )
        if shipment.tracking_number:
            raise FulfilmentError(
                FulfilmentErrorCode.HAS_TRACKING_NUMBER,
                f"This shipment already has tracking number {shipment.tracking_number}.",
                "tracking_number",
            )
        carrier = _carrier(shipment.carrier)
        number = _checked_tracking_number(carrier, number)
        _save_tracking_number(shipment, number)
        record_event(
            order=shipment.order,
            type="fulfilment.shipment.tracking_added",
            actor=actor,
            data={"shipment": str(shipment.pk), "carrier": carrier.code},
        )
        if shipment.status != Shipment.Status.PACKING:
            _send_tracking_email(order=shipment.order, shipment=shipment, carrier=carrier)
    return shipment


def mark_shipment_delivered(*, shipment: Shipment, actor: Actor) -> Shipment:
    """Record that the carrier delivered a parcel; the order is delivered with its last one.

    Raises ``FulfilmentError(NOT_IN_TRANSIT)`` unless the parcel has shipped and
    is not yet delivered.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=shipment.order_id)
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if shipment.status != Shipment.Status.SHIPPED:
            raise FulfilmentError(
                FulfilmentErrorCode.NOT_IN_TRANSIT,
                f"This shipment is {shipment.get_status_display().lower()}; "
                "only a shipped parcel can be delivered.",
            )
        shipment.status = Shipment.Status.DELIVERED
        shipment.save(update_fields=["status", "updated_at"])
        record_event(
            order=order,
            type="fulfilment.shipment.delivered",
            actor=actor,
            data={"shipment": str(shipment.pk)},
        )
        undelivered = order.shipments.exclude(status=Shipment.Status.DELIVERED).exists()
        if order.status == Order.Status.SHIPPED and not undelivered:
            mark_delivered(order=order, actor=actor)
    return shipment


def _email_context(*, order: Order, shipment: Shipment, carrier: Carrier) -> dict:
    """Return plain values for the shipping e-mails: no model instances, no card data."""
    shipped_lines = list(shipment.lines.select_related("order_line"))
    shipped = shipped_quantities(order)  # this parcel included
    return {
        "order_number": order.number,
        "carrier_name": carrier.name,
        "items": [
            {
                "name": sl.order_line.product_name,
                "variant": sl.order_line.variant_label,
                "sku": sl.order_line.sku,
                "quantity": sl.quantity,
                "unit_price": format_usd(sl.order_line.unit_price),
                "total": format_usd(sl.order_line.unit_price * sl.quantity),
            }
            for sl in shipped_lines
        ],
        "to_follow": [
            {
                "name": line.product_name,
                "variant": line.variant_label,
                "quantity": line.quantity - shipped.get(line.pk, 0),
            }
            for line in order.lines.all()
            if line.quantity > shipped.get(line.pk, 0)
        ],
        "subtotal": format_usd(order.subtotal),
        "shipping_method": order.shipping_method_name,
        "shipping_charge": format_usd(order.shipping_charge),
        "tax": format_usd(order.tax),
        "total": format_usd(order.total),
        "address_lines": order.shipping_address.lines,
        "tracking_number": shipment.tracking_number or "",
        "tracking_url": (
            carrier.tracking_url(shipment.tracking_number) if shipment.tracking_number else ""
        ),
    }


def _send_shipped_email(*, order: Order, shipment: Shipment, carrier: Carrier) -> None:
    send_email(
        to=order.email,
        subject=f"Your Vivre order {order.number} has shipped",
        template="order_shipped",
        context=_email_context(order=order, shipment=shipment, carrier=carrier),
        kind="order.shipped",
        dedupe_key=f"order.shipped:{shipment.pk}",
        order_id=order.pk,
    )


def _send_tracking_email(*, order: Order, shipment: Shipment, carrier: Carrier) -> None:
    send_email(
        to=order.email,
        subject=f"Track your Vivre order {order.number}: {carrier.name} {shipment.tracking_number}",
        template="tracking_number",
        context=_email_context(order=order, shipment=shipment, carrier=carrier),
        kind="order.tracking",
        dedupe_key=f"order.tracking:{shipment.pk}",
        order_id=order.pk,
    )
