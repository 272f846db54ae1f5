"""Taking payment for an order: authorise at order, capture at shipment, void, refund.

Every processor call is built as a dict and passes the disclosure gateway
(``vivre.privacy.disclosure.disclose``, P17) before the processor sees it; the
processor receives exactly what passed. Each service writes its rows first and
calls the processor last, so a processor that says no, or does not answer, rolls
back everything and leaves nothing recorded as captured or refunded.

A disclosure record is written in the caller's transaction. When a processor
call fails inside a transaction that then rolls back, the payload still went
out: the exception carries ``disclosure_facts`` and the outermost caller records
them again with :func:`record_failed_disclosure` once it is outside any transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from vivre.core.money import CENT, format_usd
from vivre.messaging.services import send_email
from vivre.orders.models import Order
from vivre.privacy.disclosure import (
    Purpose,
    disclose,
    disclosure_facts,
    record_facts,
    subject_key_for_order,
)
from vivre.privacy.models import DisclosureRecord

from .cards import CardDetails
from .gateway import BillingAddress, PaymentError, PaymentProcessor, get_processor
from .models import Payment, Refund

RECIPIENT = "card_processor"
REASON_MAX = 200
# An order's money is captured at its first shipment; before that, nothing can go back.
SHIPPED_STATUSES = frozenset(
    {
        Order.Status.PARTLY_SHIPPED,
        Order.Status.SHIPPED,
        Order.Status.DELIVERED,
        Order.Status.RETURN_REQUESTED,
        Order.Status.RETURNED,
    }
)


class RefundError(Exception):
    """A refund that was refused; nothing was refunded. ``field`` names the form field."""

    def __init__(self, message: str, *, field: str | None = "amount"):
        super().__init__(message)
        self.message = message
        self.field = field


@sensitive_variables("payload", "sent")
def _send(*, order: Order, operation: str, purpose: str, payload: dict, call: Callable):
    """Pass ``payload`` through the disclosure gateway, then hand what passed to ``call``."""
    facts = {
        "recipient": RECIPIENT,
        "payload": payload,
        "subject_key": subject_key_for_order(order),
        "purpose": purpose,
        "basis": DisclosureRecord.Basis.PROCESSOR,
        "reference": f"order {order.number} {operation}",
    }
    sent = disclose(**facts)
    try:
        return call(sent)
    except PaymentError as exc:
        if transaction.get_connection().in_atomic_block:
            # The record may roll back with the caller; the payload went out anyway.
            exc.disclosure_facts = disclosure_facts(**facts)
        raise


def record_failed_disclosure(exc: BaseException) -> None:
    """Record a failed processor call's disclosure whose record rolled back.

    Call it outside any transaction, after catching the ``PaymentError`` that
    ``_send`` marked; it does nothing for an exception without facts, or inside
    a transaction (the outermost caller records it).
    """
    facts = getattr(exc, "disclosure_facts", None)
    if facts and not transaction.get_connection().in_atomic_block:
        record_facts(facts)
        exc.disclosure_facts = None


def _release(*, order: Order, processor: PaymentProcessor, reference: str) -> None:
    _send(
        order=order,
        operation="void",
        purpose=Purpose.CARD_PAYMENT,
        payload={"reference": reference},
        call=lambda sent: processor.void(reference=sent["reference"]),
    )


def void_authorization(
    *, order: Order, reference: str, processor: PaymentProcessor | None = None
) -> None:
    """Release a hold whose Payment row rolled back (an order that did not commit).

    Passes the disclosure gateway like every processor call; best effort: an
    outage is swallowed, and the hold lapses at the processor on its own.
    """
    try:
        _release(order=order, processor=processor or get_processor(), reference=reference)
    except PaymentError as exc:
        record_failed_disclosure(exc)


@sensitive_variables("card", "payload")
def authorize_payment(
    *,
    order: Order,
    card: CardDetails,
    processor: PaymentProcessor | None = None,
    saved_card=None,
    amount: Decimal | None = None,
) -> Payment | None:
    """Authorise ``amount`` on the card and record the hold (brand and last four only).

    ``amount`` defaults to what gift certificates left to pay
    (``order.total - order.paid_by_gift_certificates``); when that is nothing,
    the card is not sent anywhere and no Payment is made (returns None).
    ``saved_card`` is the vaulted card it came from, if any.

    Raises ``CardDeclined`` or ``ProcessorUnavailable``; then nothing is recorded.
    If recording fails after the processor said yes, the hold is voided again.
    """
    processor = processor or get_processor()
    if amount is None:
        amount = order.total - order.paid_by_gift_certificates
    if amount < 0 or amount > order.total:
        raise ValueError(f"Cannot authorise {amount} on an order of {order.total}.")
    if amount == 0:
        return None
    billing = order.billing_address
    payload = {
        "card": {
            "number": card.number,
            "exp_month": card.exp_month,
            "exp_year": card.exp_year,
            "cvv": card.cvv,
            "name": card.name,
        },
        "amount": amount,
        "currency": order.currency,
        "billing_address": {
            "line1": billing.line1,
            "postal_code": billing.postal_code,
            "country": billing.country,
        },
    }
    authorization = _send(
        order=order,
        operation="authorize",
        purpose=Purpose.CARD_AUTHORIZATION,
        payload=payload,
        call=lambda sent: processor.authorize(
            card=CardDetails(**sent["card"]),
            amount=sent["amount"],
            currency=sent["currency"],
            billing_address=BillingAddress(**sent["billing_address"]),
        ),
    )
    try:
        with transaction.atomic():
            return Payment.objects.create(
                order=order,
                processor=processor.name,
                reference=authorization.reference,
                brand=authorization.brand,
                last4=authorization.last4,
                amount=authorization.amount,
                currency=authorization.currency,
                status=Payment.Status.AUTHORIZED,
                saved_card=saved_card,
            )
    except BaseException:
        void_authorization(order=order, reference=authorization.reference, processor=processor)
        raise


def _event(*, order: Order, type: str, actor, data: dict) -> None:
    from vivre.orders.services import record_event

    record_event(order=order, type=type, actor=actor or "system", data=data)


def capture_payment(*, order: Order, processor: PaymentProcessor | None = None) -> None:
    """Capture the order's authorised card payment, in full (at its first shipment).

    Does nothing if there is no authorised payment (paid by gift certificates,
    or already captured). Raises ``ProcessorUnavailable`` or ``ProcessorRefused``;
    then nothing is recorded as captured.
    """
    processor = processor or get_processor()
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .filter(order_id=order.pk, status=Payment.Status.AUTHORIZED)
            .order_by("created_at")
            .first()
        )
        if payment is None:
            return
        payment.status = Payment.Status.CAPTURED
        payment.captured_amount = payment.amount
        payment.captured_at = timezone.now()
        payment.save(update_fields=["status", "captured_amount", "captured_at", "updated_at"])
        _event(
            order=order,
            type="payments.payment.captured",
            actor="system",
            data={"payment": str(payment.pk), "amount": str(payment.amount)},
        )
        _send(
            order=order,
            operation="capture",
            purpose=Purpose.CARD_PAYMENT,
            payload={"reference": payment.reference, "amount": payment.amount},
            call=lambda sent: processor.capture(reference=sent["reference"], amount=sent["amount"]),
        )


def void_payment(*, order: Order, processor: PaymentProcessor | None = None) -> None:
    """Release the order's authorised card payment (the order was cancelled before shipping).

    Does nothing if there is no authorised payment. Raises ``ProcessorUnavailable``;
    then the payment stays authorised.
    """
    processor = processor or get_processor()
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .filter(order_id=order.pk, status=Payment.Status.AUTHORIZED)
            .first()
        )
        if payment is None:
            return
        payment.status = Payment.Status.VOIDED
        payment.voided_at = timezone.now()
        payment.save(update_fields=["status", "voided_at", "updated_at"])
        _event(
            order=order,
            type="payments.payment.voided",
            actor="system",
            data={"payment": str(payment.pk)},
        )
        _release(order=order, processor=processor, reference=payment.reference)


@dataclass(frozen=True)
class Refundable:
    """What may still go back on an order: in all, and of that to the card."""

    total: Decimal
    to_card: Decimal


def _card_payment(order: Order, *, lock: bool = False) -> Payment | None:
    payments = Payment.objects.filter(
        order_id=order.pk, status__in=[Payment.Status.CAPTURED, Payment.Status.REFUNDED]
    )
    if lock:
        payments = payments.select_for_update()
    return payments.order_by("created_at").first()


def refundable(order: Order, *, payment: Payment | None = None) -> Refundable:
    """Return what may still be refunded on the order.

    What was paid (the captured card payment, plus gift-certificate money once
    the order shipped) less every refund so far; to the card, no more than it
    was charged and not yet given back.
    """
    payment = payment or _card_payment(order)
    captured = payment.captured_amount if payment else Decimal("0")
    paid = captured
    if order.status in SHIPPED_STATUSES:
        paid += order.paid_by_gift_certificates
    refunded = Refund.objects.filter(order_id=order.pk).aggregate(s=Sum("amount"))["s"] or 0
    total = max(paid - refunded, Decimal("0"))
    card_left = captured - payment.refunded_amount if payment else Decimal("0")
    return Refundable(total=total, to_card=min(card_left, total))


def _checked_amount(amount) -> Decimal:
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        raise RefundError("Enter an amount such as 25.00.") from None
    if not value.is_finite():
        raise RefundError("Enter an amount such as 25.00.")
    if value <= 0:
        raise RefundError("A refund must be more than $0.00.")
    if value != value.quantize(CENT):
        raise RefundError("Enter the amount in dollars and cents, such as 25.00.")
    return value.quantize(CENT)


def _checked_reason(reason) -> str:
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise RefundError("Say why, in a few words: the customer sees it.", field="reason")
    if len(reason) > REASON_MAX:
        raise RefundError(
            f"Keep the reason to {REASON_MAX} characters; it has {len(reason)}.", field="reason"
        )
    return reason


def refund(
    *,
    order: Order,
    amount,
    method: str,
    reason: str,
    actor_user=None,
    processor: PaymentProcessor | None = None,
    notify: bool = True,
) -> Refund:
    """Give money back on an order, to the card it was paid with or as gift-certificate credit.

    Never more than :func:`refundable` allows; to the card, never more than was
    captured and not yet refunded. The order and its payment rows are locked, so
    two refunds at once cannot exceed what was paid. Records a ``Refund`` with
    the reason, an order event, and (unless ``notify`` is False, when the caller
    sends its own) the "refund issued" e-mail. Raises ``RefundError`` for bad
    input or over the limit, ``ProcessorUnavailable``/``ProcessorRefused`` when
    the processor does not refund; then nothing is refunded or recorded.
    """
    amount = _checked_amount(amount)
    reason = _checked_reason(reason)
    if method not in Refund.Method.values:
        raise RefundError("Choose how to refund.", field="method")
    processor = processor or get_processor()
    try:
        with transaction.atomic():
            order = (
                Order.objects.select_for_update(of=("self",))
                .select_related("billing_address")
                .get(pk=order.pk)
            )
            payment = _card_payment(order, lock=True)
            limits = refundable(order, payment=payment)
            if limits.total <= 0:
                raise RefundError(
                    "Nothing on this order can be refunded: nothing has been charged yet, "
                    "or it was all given back."
                )
            if amount > limits.total:
                raise RefundError(
                    f"At most {format_usd(limits.total)} can be refunded on this order."
                )
            if method == Refund.Method.CARD:
                made = _refund_to_card(
                    order=order,
                    payment=payment,
                    amount=amount,
                    reason=reason,
                    limit=limits.to_card,
                    actor_user=actor_user,
                    processor=processor,
                )
            else:
                made = _refund_as_credit(
                    order=order, amount=amount, reason=reason, actor_user=actor_user
                )
            if notify:
                _send_refund_email(order=order, refund=made)
    except PaymentError as exc:
        record_failed_disclosure(exc)
        raise
    return made


def _refund_to_card(
    *, order, payment, amount, reason, limit, actor_user, processor: PaymentProcessor
) -> Refund:
    if payment is None or amount > limit:
        raise RefundError(
            f"At most {format_usd(limit)} can go back to the card; "
            "give the rest as gift-certificate credit."
        )
    payment.refunded_amount += amount
    if payment.refunded_amount == payment.captured_amount:
        payment.status = Payment.Status.REFUNDED
    payment.save(update_fields=["refunded_amount", "status", "updated_at"])
    made = Refund.objects.create(
        order=order,
        payment=payment,
        method=Refund.Method.CARD,
        amount=amount,
        reason=reason,
        created_by=actor_user,
    )
    _event(
        order=order,
        type="payments.refund.issued",
        actor=actor_user,
        data={"refund": str(made.pk), "method": made.method, "amount": str(amount)},
    )
    # Last: if the processor says no, everything above rolls back.
    made.processor_reference = _send(
        order=order,
        operation="refund",
        purpose=Purpose.CARD_PAYMENT,
        payload={"reference": payment.reference, "amount": amount},
        call=lambda sent: processor.refund(reference=sent["reference"], amount=sent["amount"]),
    )
    made.save(update_fields=["processor_reference", "updated_at"])
    return made


def _refund_as_credit(*, order, amount, reason, actor_user) -> Refund:
    from .giftcertificates import issue_credit

    certificate = issue_credit(
        order=order,
        amount=amount,
        recipient_name=order.billing_address.name,
        recipient_email=order.email,
    )
    made = Refund.objects.create(
        order=order,
        gift_certificate=certificate,
        method=Refund.Method.GIFT_CERTIFICATE,
        amount=amount,
        reason=reason,
        created_by=actor_user,
    )
    _event(
        order=order,
        type="payments.refund.issued",
        actor=actor_user,
        data={"refund": str(made.pk), "method": made.method, "amount": str(amount)},
    )
    return made


def _send_refund_email(*, order: Order, refund: Refund) -> None:
    """Tell the customer what came back, how, and why (plain values, no card number)."""
    payment = refund.payment
    send_email(
        to=order.email,
        subject=f"Your refund for Vivre order {order.number}",
        template="refund_issued",
        context={
            "name": order.billing_address.name,
            "order_number": order.number,
            "amount": format_usd(refund.amount),
            "to_card": refund.method == Refund.Method.CARD,
            "card": str(payment) if payment else "",
            "reason": refund.reason,
        },
        kind="payment.refund",
        dedupe_key=f"payment.refund:{refund.pk}",
        order_id=order.pk,
    )
