"""Changes to orders: recording one, moving it through its statuses, forgetting old IPs (P11).

Every status change is a service here: it names its actor, refuses a move the
order's state machine (``models.TRANSITIONS``) does not allow with an
``OrderError``, and writes an ``OrderEvent`` in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .errors import OrderError, OrderErrorCode
from .models import Address, Order, OrderEvent, OrderLine
from .numbers import new_order_number

#: Who changes an order: a staff ``User``, or a label such as "system" or "customer".
Actor = Any


@dataclass(frozen=True)
class AddressData:
    """A postal address to snapshot into an order."""

    name: str
    line1: str
    line2: str
    city: str
    state: str
    postal_code: str


@dataclass(frozen=True)
class LineData:
    """An item to record on an order, with the price the shopper pays."""

    variant: object
    quantity: int
    unit_price: Decimal


def _unused_number() -> str:
    for _ in range(10):
        number = new_order_number()
        if not Order.objects.filter(number=number).exists():
            return number
    raise RuntimeError("Could not find an unused order number.")  # pragma: no cover


def create_order(
    *,
    email: str,
    phone: str,
    shipping_address: AddressData,
    billing_address: AddressData,
    shipping_method_code: str,
    shipping_method_name: str,
    lines: list[LineData],
    shipping_charge: Decimal,
    tax_rate: Decimal,
    tax: Decimal,
    ip_address: str | None,
    idempotency_key,
    cart=None,
    gift_certificates_total: Decimal = Decimal("0.00"),
    is_gift: bool = False,
    gift_message: str = "",
    gift_wrap: bool = False,
    gift_wrap_charge: Decimal = Decimal("0.00"),
    paid_by_gift_certificates: Decimal = Decimal("0.00"),
    customer=None,
    discount: Decimal = Decimal("0.00"),
    promotion_code: str = "",
) -> Order:
    """Record a placed order with address snapshots and lines that copy today's names and prices.

    Takes the caller's stock and payment decisions as given: ``place_order`` in
    the checkout app locks, checks and charges around it. The total adds the
    value of gift certificates bought in the order and the gift-wrap charge;
    a gift message is kept only on a gift order (P25). A promotion code's
    ``discount`` comes off the total (the caller charged tax on the discounted
    merchandise); ``promotion_code`` records which code it was.
    """
    with transaction.atomic():
        shipping = Address.objects.create(**vars(shipping_address))
        billing = (
            shipping
            if billing_address == shipping_address
            else Address.objects.create(**vars(billing_address))
        )
        subtotal = sum((line.unit_price * line.quantity for line in lines), Decimal("0.00"))
        order = Order.objects.create(
            number=_unused_number(),
            status=Order.Status.PLACED,
            email=email,
            phone=phone,
            shipping_address=shipping,
            billing_address=billing,
            shipping_method_code=shipping_method_code,
            shipping_method_name=shipping_method_name,
            subtotal=subtotal,
            shipping_charge=shipping_charge,
            tax_rate=tax_rate,
            tax=tax,
            total=subtotal
            + gift_certificates_total
            + shipping_charge
            + gift_wrap_charge
            + tax
            - discount,
            currency=settings.VIVRE["CURRENCY"],
            ip_address=ip_address,
            idempotency_key=idempotency_key,
            cart=cart,
            gift_certificates_total=gift_certificates_total,
            is_gift=is_gift,
            gift_message=gift_message if is_gift else "",
            gift_wrap=gift_wrap,
            gift_wrap_charge=gift_wrap_charge,
            paid_by_gift_certificates=paid_by_gift_certificates,
            customer=customer,
            discount=discount,
            promotion_code=promotion_code,
        )
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    variant=line.variant,
                    product_name=line.variant.product.name,
                    variant_label=line.variant.label,
                    sku=line.variant.sku,
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                    line_total=line.unit_price * line.quantity,
                )
                for line in lines
            ]
        )
        record_event(order=order, type="orders.order.placed", actor="customer")
    return order


def record_event(*, order: Order, type: str, actor: Actor, data: dict | None = None) -> OrderEvent:
    """Add an entry to the order's history. ``data`` must hold no personal data."""
    if isinstance(actor, str):
        label, user = actor, None
    else:
        label, user = "staff", actor
    return OrderEvent.objects.create(
        order=order, type=type, actor=label[:40], actor_user=user, data=data or {}
    )


def _transition(
    *, order: Order, to: str, actor: Actor, event: str, data: dict | None = None
) -> Order:
    """Move the order to status ``to`` under a row lock and record ``event``.

    Raises ``OrderError(INVALID_TRANSITION)`` if the state machine forbids the move;
    the order is then left unchanged.
    """
    with transaction.atomic():
        current = Order.objects.select_for_update().only("status").get(pk=order.pk).status
        order.status = current
        if not order.can_transition_to(to):
            raise OrderError(
                OrderErrorCode.INVALID_TRANSITION,
                f"Order {order.number} is {order.get_status_display().lower()}; "
                f"it cannot be marked {Order.Status(to).label.lower()}.",
            )
        order.status = to
        order.save(update_fields=["status", "updated_at"])
        record_event(
            order=order,
            type=event,
            actor=actor,
            data={"from": current, "to": to, **(data or {})},
        )
    return order


def mark_authorized(*, order: Order, actor: Actor = "system") -> Order:
    """Record that the order's payment was authorised (placed → authorized)."""
    return _transition(
        order=order, to=Order.Status.AUTHORIZED, actor=actor, event="orders.order.authorized"
    )


def start_fulfilment(*, order: Order, actor: Actor) -> Order:
    """Hand a paid order to the warehouse (authorized → in_fulfilment)."""
    return _transition(
        order=order,
        to=Order.Status.IN_FULFILMENT,
        actor=actor,
        event="orders.order.fulfilment_started",
    )


def mark_partly_shipped(*, order: Order, actor: Actor, data: dict | None = None) -> Order:
    """Record that some, not all, of the order has left the warehouse."""
    return _transition(
        order=order,
        to=Order.Status.PARTLY_SHIPPED,
        actor=actor,
        event="orders.order.partly_shipped",
        data=data,
    )


def mark_shipped(*, order: Order, actor: Actor, data: dict | None = None) -> Order:
    """Record that everything the order holds has left the warehouse."""
    return _transition(
        order=order, to=Order.Status.SHIPPED, actor=actor, event="orders.order.shipped", data=data
    )


def mark_delivered(*, order: Order, actor: Actor) -> Order:
    """Record that the carrier delivered the order (shipped → delivered)."""
    return _transition(
        order=order, to=Order.Status.DELIVERED, actor=actor, event="orders.order.delivered"
    )


def cancel_order(*, order: Order, actor: Actor, reason: str = "") -> Order:
    """Cancel an order of which nothing has shipped yet, and give everything back.

    In one transaction: the order moves to cancelled, its stock returns to the
    shelves, the gift-certificate money it spent goes back to the certificates
    (and the certificates it bought that were not yet delivered are voided), and
    the card authorisation is voided at the processor, last. ``reason`` is a
    short staff note kept in the event; it must not contain personal data.

    Raises ``OrderError`` if the order can no longer be cancelled, and
    ``PaymentError`` (its ``message`` fit for staff) if the processor cannot
    void the hold; then nothing changed.
    """
    from vivre.payments.gateway import PaymentError
    from vivre.payments.giftcertificates import reverse_for_order
    from vivre.payments.services import record_failed_disclosure, void_payment

    try:
        with transaction.atomic():
            _transition(
                order=order,
                to=Order.Status.CANCELLED,
                actor=actor,
                event="orders.order.cancelled",
                data={"reason": reason} if reason else None,
            )
            _release_stock(order)
            reverse_for_order(order=order)
            void_payment(order=order)
    except PaymentError as exc:
        order.refresh_from_db(fields=["status"])
        record_failed_disclosure(exc)
        exc.message = (
            f"The card processor did not release the payment of order {order.number}, "
            "so the order is not cancelled. Please try again in a minute."
        )
        raise
    return order


def _release_stock(order: Order) -> None:
    """Put a cancelled order's items back in stock (variants, then products, in pk order)."""
    from vivre.catalog.models import Product, Variant

    wanted: dict[int, int] = {}
    for line in order.lines.exclude(variant=None):
        wanted[line.variant_id] = wanted.get(line.variant_id, 0) + line.quantity
    if not wanted:
        return
    variants = list(Variant.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
    for variant in variants:
        variant.stock += wanted[variant.pk]
        variant.save(update_fields=["stock", "updated_at"])
    product_ids = sorted({v.product_id for v in variants})
    for product in Product.objects.select_for_update().filter(pk__in=product_ids).order_by("pk"):
        product.refresh_summary()


def request_return(*, order: Order, actor: Actor) -> Order:
    """Record that the customer asked to return a shipped or delivered order."""
    return _transition(
        order=order,
        to=Order.Status.RETURN_REQUESTED,
        actor=actor,
        event="orders.order.return_requested",
    )


def mark_returned(*, order: Order, actor: Actor) -> Order:
    """Record that the returned parcel arrived back (return_requested → returned)."""
    return _transition(
        order=order, to=Order.Status.RETURNED, actor=actor, event="orders.order.returned"
    )


def ip_retention_days() -> int:
    """Return how long an order keeps the IP it was placed from (P11)."""
    return settings.VIVRE["ORDER_IP_RETENTION_DAYS"]


def clear_expired_ips(*, now=None) -> int:
    """Forget the IP address of orders older than the retention limit (P11). Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=ip_retention_days())
    return Order.objects.filter(created_at__lt=cutoff, ip_address__isnull=False).update(
        ip_address=None
    )
