"""Changes to orders: recording a new one, and forgetting old IP addresses (P11)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Address, Order, OrderLine
from .numbers import new_order_number


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
) -> Order:
    """Record a placed order with address snapshots and lines that copy today's names and prices.

    Takes the caller's stock and payment decisions as given: ``place_order`` in
    the checkout app locks, checks and charges around it.
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
            total=subtotal + shipping_charge + tax,
            currency=settings.VIVRE["CURRENCY"],
            ip_address=ip_address,
            idempotency_key=idempotency_key,
            cart=cart,
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
    return order


def mark_authorized(*, order: Order) -> Order:
    """Record that the order's payment was authorised."""
    order.status = Order.Status.AUTHORIZED
    order.save(update_fields=["status", "updated_at"])
    return order


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
