"""The order confirmation e-mail (P5): what was bought, what it cost, where it goes."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from vivre.core.money import format_usd
from vivre.messaging.services import send_email
from vivre.orders.models import Order


def _context(order: Order, *, certificates, payment) -> dict:
    site = settings.VIVRE.get("SITE_URL", "").rstrip("/")
    ships = order.lines.exists()
    return {
        "order_number": order.number,
        "items": [
            {
                "name": line.product_name,
                "variant": line.variant_label,
                "quantity": line.quantity,
                "unit_price": format_usd(line.unit_price),
                "total": format_usd(line.line_total),
            }
            for line in order.lines.all()
        ],
        "certificates": [
            {
                "amount": format_usd(item.amount),
                "recipient": item.recipient_name,
                "deliver_on": item.deliver_on,
            }
            for item in certificates
        ],
        "subtotal": format_usd(order.subtotal),
        "promotion_code": order.promotion_code,
        "discount": f"−{format_usd(order.discount)}" if order.discount else "",
        "gift_certificates_total": format_usd(order.gift_certificates_total)
        if order.gift_certificates_total
        else "",
        "ships": ships,
        "shipping_method": order.shipping_method_name,
        "shipping_charge": format_usd(order.shipping_charge),
        "gift_wrap_charge": format_usd(order.gift_wrap_charge) if order.gift_wrap else "",
        "tax": format_usd(order.tax),
        "total": format_usd(order.total),
        "paid_by_gift_certificates": format_usd(order.paid_by_gift_certificates)
        if order.paid_by_gift_certificates
        else "",
        # Brand and last four only (P7): "Visa •••• 4242".
        "card": str(payment) if payment is not None else "",
        "card_amount": format_usd(payment.amount) if payment is not None else "",
        "is_gift": order.is_gift,
        "gift_message": order.gift_message,
        "address_lines": order.shipping_address.lines if ships else [],
        "status_url": f"{site}{reverse('storefront:order-lookup')}" if site else "",
    }


def send_order_confirmation(*, order: Order, certificates=(), payment=None) -> None:
    """Write the confirmation to the outbox in the order's transaction (sent after commit)."""
    send_email(
        to=order.email,
        subject=f"Thank you: your Vivre order {order.number}",
        template="order_confirmation",
        context=_context(order, certificates=certificates, payment=payment),
        kind="order.confirmation",
        dedupe_key=f"order.confirmation:{order.pk}",
        order_id=order.pk,
    )
