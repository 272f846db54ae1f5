"""Taking payment for an order through the configured processor."""

from __future__ import annotations

from django.views.decorators.debug import sensitive_variables

from vivre.orders.models import Order

from .cards import CardDetails
from .gateway import BillingAddress, PaymentProcessor, get_processor
from .models import Payment


@sensitive_variables("card")
def authorize_payment(
    *, order: Order, card: CardDetails, processor: PaymentProcessor | None = None
) -> Payment:
    """Authorise the order's total on the card and record the hold (brand and last four only).

    Raises ``CardDeclined`` or ``ProcessorUnavailable``; then nothing is recorded.
    If recording fails after the processor said yes, the hold is voided again.
    """
    processor = processor or get_processor()
    authorization = processor.authorize(
        card=card,
        amount=order.total,
        currency=order.currency,
        billing_address=BillingAddress.from_address(order.billing_address),
    )
    try:
        return Payment.objects.create(
            order=order,
            processor=processor.name,
            reference=authorization.reference,
            brand=authorization.brand,
            last4=authorization.last4,
            amount=authorization.amount,
            currency=authorization.currency,
            status=Payment.Status.AUTHORIZED,
        )
    except BaseException:
        processor.void(reference=authorization.reference)
        raise
