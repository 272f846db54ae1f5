"""Returns and exchanges: request, receive, then refund or ship the exchange."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from vivre.catalog.models import Variant
from vivre.core.money import to_cents
from vivre.messaging.services import send_email
from vivre.orders.models import Order

from .models import ReturnLine, ReturnRequest


class ReturnErrorCode(Enum):
    WINDOW_CLOSED = "window_closed"
    NOTHING_TO_RETURN = "nothing_to_return"
    TOO_MANY = "too_many"
    BAD_EXCHANGE = "bad_exchange"
    INVALID_STEP = "invalid_step"
    OUT_OF_STOCK = "out_of_stock"
    BAD_TRACKING = "bad_tracking"
    REFUND_REFUSED = "refund_refused"


class ReturnError(Exception):
    """A return step that cannot be taken, with a message fit for the customer or staff."""

    def __init__(self, code: ReturnErrorCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ReturnItem:
    """One line the customer sends back: how many, and the variant wanted instead."""

    order_line_id: int
    quantity: int
    exchange_variant_id: int | None = None


def window_days() -> int:
    return settings.VIVRE["RETURN_WINDOW_DAYS"]


def shipped_quantities(order: Order) -> dict[int, int]:
    """Return, per order line, how many have shipped."""
    from vivre.fulfilment.models import ShipmentLine

    rows = (
        ShipmentLine.objects.filter(shipment__order=order, shipment__shipped_at__isnull=False)
        .values("order_line_id")
        .annotate(n=Sum("quantity"))
    )
    return {row["order_line_id"]: row["n"] for row in rows}


def returnable_quantities(order: Order) -> dict[int, int]:
    """Return, per order line, how many may still be returned (shipped, not yet returned)."""
    returned = {
        row["order_line_id"]: row["n"]
        for row in ReturnLine.objects.filter(request__order=order)
        .values("order_line_id")
        .annotate(n=Sum("quantity"))
    }
    return {
        line_id: shipped - returned.get(line_id, 0)
        for line_id, shipped in shipped_quantities(order).items()
        if shipped - returned.get(line_id, 0) > 0
    }


def return_window_ends(order: Order):
    """Return when the return window closes: N days after the last shipment, or None."""
    from vivre.fulfilment.models import Shipment

    last = (
        Shipment.objects.filter(order=order, shipped_at__isnull=False)
        .order_by("-shipped_at")
        .values_list("shipped_at", flat=True)
        .first()
    )
    return last + timedelta(days=window_days()) if last else None


def _email(request: ReturnRequest, template: str, kind: str, subject: str, **extra) -> None:
    order = request.order
    send_email(
        to=order.email,
        subject=subject,
        template=template,
        context={"order": order, "return": request, "lines": list(request.lines.all()), **extra},
        kind=kind,
        dedupe_key=f"{kind}:{request.pk}",
        order_id=order.pk,
    )


def request_return(
    *,
    order: Order,
    items: list[ReturnItem],
    reason: str,
    resolution: str,
    note: str = "",
    actor: str = "customer",
    now=None,
) -> ReturnRequest:
    """Record a return of shipped lines within the window, and e-mail the instructions."""
    now = now or timezone.now()
    items = [i for i in items if i.quantity > 0]
    if not items:
        raise ReturnError(
            ReturnErrorCode.NOTHING_TO_RETURN, "Please choose at least one item to return."
        )
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        ends = return_window_ends(order)
        if ends is None or now > ends:
            raise ReturnError(
                ReturnErrorCode.WINDOW_CLOSED,
                f"Items can be returned within {window_days()} days of shipping; "
                "this order is outside that window. Please call us if something is wrong.",
            )
        available = returnable_quantities(order)
        lines = {line.pk: line for line in order.lines.select_related("variant")}
        for item in items:
            if item.order_line_id not in lines or item.quantity > available.get(
                item.order_line_id, 0
            ):
                raise ReturnError(
                    ReturnErrorCode.TOO_MANY,
                    "You can return only items that have shipped, and no more than you received.",
                )
            if resolution == ReturnRequest.Resolution.EXCHANGE:
                _check_exchange(lines[item.order_line_id], item.exchange_variant_id)
        request = ReturnRequest.objects.create(
            order=order, reason=reason, resolution=resolution, note=note[:500]
        )
        ReturnLine.objects.bulk_create(
            [
                ReturnLine(
                    request=request,
                    order_line_id=i.order_line_id,
                    quantity=i.quantity,
                    exchange_variant_id=(
                        i.exchange_variant_id or lines[i.order_line_id].variant_id
                        if resolution == ReturnRequest.Resolution.EXCHANGE
                        else None
                    ),
                )
                for i in items
            ]
        )
        _move_order(order, Order.Status.RETURN_REQUESTED, actor)
        _email(request, "return_requested", "return.requested", f"Your return for {order.number}")
    return request


def _check_exchange(line, variant_id: int | None) -> None:
    variant_id = variant_id or line.variant_id
    variant = Variant.objects.filter(pk=variant_id, is_active=True).first()
    if line.variant_id is None or variant is None or variant.product_id != line.variant.product_id:
        raise ReturnError(
            ReturnErrorCode.BAD_EXCHANGE,
            "An exchange is for another size or colour of the same piece.",
        )


def _move_order(order: Order, status: str, actor) -> None:
    """Move the order along its state machine (orders.services owns the rules)."""
    from vivre.orders import services as order_services

    # Returns are per line; the order's own state follows when it can (a return
    # from a partly shipped order, or a second one, is recorded as an event only).
    if order.can_transition_to(status):
        if status == Order.Status.RETURN_REQUESTED:
            order_services.request_return(order=order, actor=actor)
        else:
            order_services.mark_returned(order=order, actor=actor)
    else:
        order_services.record_event(
            order=order, type=f"returns.{status}", actor=actor, data={"order_status": order.status}
        )


def mark_received(*, request: ReturnRequest, actor) -> ReturnRequest:
    """Staff received the parcel: record it and tell the customer."""
    with transaction.atomic():
        request = (
            ReturnRequest.objects.select_for_update().select_related("order").get(pk=request.pk)
        )
        if request.status != ReturnRequest.Status.REQUESTED:
            raise ReturnError(ReturnErrorCode.INVALID_STEP, "This return was already received.")
        request.status = ReturnRequest.Status.RECEIVED
        request.received_at = timezone.now()
        request.save(update_fields=["status", "received_at", "updated_at"])
        _email(request, "return_received", "return.received", "We have your return")
    return request


def refund_amount(request: ReturnRequest):
    """Return what the customer gets back: what they paid for the items, and its tax.

    A promotion's discount was spread over the merchandise, so returned items give
    back their share of what was actually paid, never their full price.
    """
    order = request.order
    goods = sum((line.order_line.unit_price * line.quantity for line in request.lines.all()), 0)
    if order.discount and order.subtotal:
        goods = goods * (order.subtotal - order.discount) / order.subtotal
    return to_cents(goods * (1 + order.tax_rate))


def refund_return(*, request: ReturnRequest, actor) -> ReturnRequest:
    """Close a received return with a refund to the original payment, and say so.

    The money goes back through ``payments.services.refund``: to the card it was
    paid with, and any part the card cannot take (paid with gift certificates)
    as gift-certificate credit. Raises ``ReturnError`` if the return is not
    received yet, or the refund is refused or the processor is down; then
    nothing is refunded and the return stays open.
    """
    from vivre.payments.gateway import PaymentError, ProcessorUnavailable
    from vivre.payments.models import Refund
    from vivre.payments.services import (
        RefundError,
        record_failed_disclosure,
        refund,
        refundable,
    )

    staff = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            request = (
                ReturnRequest.objects.select_for_update().select_related("order").get(pk=request.pk)
            )
            if request.status != ReturnRequest.Status.RECEIVED:
                raise ReturnError(
                    ReturnErrorCode.INVALID_STEP, "Refund a return once its parcel is received."
                )
            amount = refund_amount(request)
            reason = f"Return {request.reference}"
            to_card = min(amount, refundable(request.order).to_card)
            if to_card > 0:
                refund(
                    order=request.order, amount=to_card, method=Refund.Method.CARD,
                    reason=reason, actor_user=staff, notify=False,
                )  # fmt: skip
            if amount - to_card > 0:
                refund(
                    order=request.order, amount=amount - to_card,
                    method=Refund.Method.GIFT_CERTIFICATE, reason=reason, actor_user=staff,
                    notify=False,
                )  # fmt: skip
            request.refund_amount = amount
            request.status = ReturnRequest.Status.REFUNDED
            request.closed_at = timezone.now()
            request.save(update_fields=["refund_amount", "status", "closed_at", "updated_at"])
            _close_order_if_done(request.order, actor)
            _email(request, "return_refunded", "return.refunded", "Your refund is on its way")
    except RefundError as exc:
        raise ReturnError(ReturnErrorCode.REFUND_REFUSED, exc.message) from exc
    except PaymentError as exc:
        record_failed_disclosure(exc)
        why = "is not answering" if isinstance(exc, ProcessorUnavailable) else "refused"
        raise ReturnError(
            ReturnErrorCode.REFUND_REFUSED,
            f"The card processor {why}, so nothing was refunded. Please try again in a minute.",
        ) from exc
    return request


def ship_exchange(*, request: ReturnRequest, tracking_number: str, actor) -> ReturnRequest:
    """Send the exchange items (taking their stock) and e-mail the tracking number."""
    from vivre.fulfilment.carriers import InvalidTrackingNumber, get_carrier

    carrier = get_carrier("ups")
    try:
        number = carrier.validate_tracking_number(tracking_number)
    except InvalidTrackingNumber as error:
        raise ReturnError(ReturnErrorCode.BAD_TRACKING, str(error)) from error
    with transaction.atomic():
        request = (
            ReturnRequest.objects.select_for_update().select_related("order").get(pk=request.pk)
        )
        if (
            request.status != ReturnRequest.Status.RECEIVED
            or request.resolution != ReturnRequest.Resolution.EXCHANGE
        ):
            raise ReturnError(
                ReturnErrorCode.INVALID_STEP, "Ship an exchange once its return is received."
            )
        lines = list(request.lines.all())
        wanted = {line.exchange_variant_id: 0 for line in lines}
        for line in lines:
            wanted[line.exchange_variant_id] += line.quantity
        variants = (
            Variant.objects.select_for_update()
            .select_related("product")
            .filter(pk__in=wanted)
            .order_by("pk")
        )
        for variant in variants:
            if variant.stock < wanted[variant.pk]:
                raise ReturnError(
                    ReturnErrorCode.OUT_OF_STOCK,
                    f"Only {variant.stock} of {variant} in stock: refund this return instead.",
                )
        for variant in variants:
            variant.stock -= wanted[variant.pk]
            variant.save(update_fields=["stock", "updated_at"])
            variant.product.refresh_summary()
        request.exchange_tracking_number = number
        request.status = ReturnRequest.Status.EXCHANGED
        request.closed_at = timezone.now()
        request.save(
            update_fields=["exchange_tracking_number", "status", "closed_at", "updated_at"]
        )
        _close_order_if_done(request.order, actor)
        _email(
            request,
            "return_exchanged",
            "return.exchanged",
            "Your exchange is on its way",
            tracking_url=carrier.tracking_url(number),
        )
    return request


def _close_order_if_done(order: Order, actor) -> None:
    open_returns = order.returns.filter(
        status__in=[ReturnRequest.Status.REQUESTED, ReturnRequest.Status.RECEIVED]
    )
    if not open_returns.exists():
        _move_order(order, Order.Status.RETURNED, actor)
