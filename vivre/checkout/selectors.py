"""Reads for the checkout pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from vivre.accounts.models import Address
from vivre.cart.models import Cart, GiftCertificateItem
from vivre.cart.selectors import CartReview
from vivre.core.phone import format_phone
from vivre.marketing import promotions
from vivre.marketing.models import Promotion
from vivre.orders.models import Order
from vivre.orders.selectors import order_for_idempotency_key
from vivre.payments import giftcertificates
from vivre.payments.models import GiftCertificate

from .models import CheckoutDetails, ShippingMethod
from .pricing import Quote, left_to_pay, quote
from .seen import SeenBasket
from .services import ADDRESS_FIELDS, address_values, same_address, seen_basket


@dataclass(frozen=True)
class ShippingOption:
    method: ShippingMethod
    charge: Decimal


@dataclass(frozen=True)
class AppliedCertificate:
    """A gift certificate applied to this checkout, and what it would pay now."""

    certificate: GiftCertificate
    amount: Decimal

    @property
    def hint(self) -> str:
        return self.certificate.code_hint


@dataclass(frozen=True)
class AppliedPromotion:
    """The promotion code applied to this checkout: what it takes off now, or why it can't.

    ``problem`` is the shopper-facing reason when the code no longer applies (it
    ran out, expired, or the bag fell below its minimum spend); the discount is
    then 0 and the order cannot be placed until the code is removed.
    """

    promotion: Promotion
    discount: Decimal
    problem: str = ""

    @property
    def code(self) -> str:
        return self.promotion.code


@dataclass(frozen=True)
class CheckoutSummary:
    """A bag priced for review: its lines, the charges, and what the shopper is shown."""

    review: CartReview
    method: ShippingMethod | None
    quote: Quote
    certificates: tuple[GiftCertificateItem, ...] = ()
    applied: tuple[AppliedCertificate, ...] = ()
    gift_wrap: bool = False
    promotion: AppliedPromotion | None = None

    @property
    def seen(self) -> SeenBasket:
        return seen_basket(
            lines=[(r.line.variant_id, r.quantity, r.unit_price) for r in self.review.lines],
            shipping_method=self.method.code if self.method else "",
            total=self.quote.total,
        )

    @property
    def is_empty(self) -> bool:
        """True when the bag holds neither goods nor gift certificates."""
        return not self.review.lines and not self.certificates

    @property
    def certificates_only(self) -> bool:
        """True when the bag holds gift certificates and nothing to ship."""
        return not self.review.lines and bool(self.certificates)

    @property
    def paid_by_certificates(self) -> Decimal:
        return sum((a.amount for a in self.applied), Decimal("0.00"))

    @property
    def to_pay(self) -> Decimal:
        """What the card is charged: the total less the applied certificates, never below 0."""
        return left_to_pay(self.quote.total, self.paid_by_certificates)


def get_checkout_details(cart: Cart | None) -> CheckoutDetails | None:
    """Return the step-1 details kept with this bag, or None."""
    if cart is None:
        return None
    return CheckoutDetails.objects.select_related("shipping_method").filter(cart=cart).first()


def shipping_options(subtotal: Decimal) -> list[ShippingOption]:
    """Return the active shipping methods with what each costs for this subtotal."""
    return [
        ShippingOption(method=m, charge=m.charge_for(subtotal))
        for m in ShippingMethod.objects.filter(active=True)
    ]


def certificate_items(cart: Cart | None) -> list[GiftCertificateItem]:
    """Return the gift certificates in the bag, in the order they were added."""
    if cart is None:
        return []
    return list(GiftCertificateItem.objects.filter(cart=cart))


def checkout_summary(
    *,
    review: CartReview,
    details: CheckoutDetails | None,
    certificates: list[GiftCertificateItem] | None = None,
    applied_ids: list[uuid.UUID] | None = None,
    promotion_id: int | None = None,
    customer_key: str = "",
) -> CheckoutSummary:
    """Return the bag's charges for the shipping method and state chosen at step 1.

    ``certificates`` are the gift certificates in the bag (bought, no tax or
    shipping); ``applied_ids`` the certificates applied to pay, each taking what
    it holds of what is still owed, in order. A certificate no longer usable is
    left out. ``promotion_id`` is the promotion code applied (checked for
    ``customer_key``): its discount comes off the merchandise before tax.
    """
    ships = bool(review.lines)
    method = details.shipping_method if details and ships else None
    if method is not None and not method.active:
        method = None
    gift_wrap = bool(details and ships and details.is_gift and details.gift_wrap)
    applied_promotion = applied_promotion_for(
        promotion_id, subtotal=review.subtotal, customer_key=customer_key
    )
    charges = quote(
        subtotal=review.subtotal,
        method=method,
        state=details.ship_state if details and ships else None,
        gift_certificates_total=sum((c.amount for c in certificates or []), Decimal("0.00")),
        gift_wrap=gift_wrap,
        discount=applied_promotion.discount if applied_promotion else Decimal("0.00"),
    )
    applied = []
    owed = charges.total
    for certificate in usable_applied_certificates(applied_ids or []):
        amount = min(giftcertificates.balance(certificate), owed)
        if amount > 0:
            applied.append(AppliedCertificate(certificate=certificate, amount=amount))
            owed -= amount
    return CheckoutSummary(
        review=review,
        method=method,
        quote=charges,
        certificates=tuple(certificates or ()),
        applied=tuple(applied),
        gift_wrap=gift_wrap,
        promotion=applied_promotion,
    )


def applied_promotion_for(
    promotion_id: int | None, *, subtotal: Decimal, customer_key: str
) -> AppliedPromotion | None:
    """Return the applied code with its discount on ``subtotal``, or why it no longer applies.

    None when no code is applied, or the code was deleted since.
    """
    if promotion_id is None:
        return None
    promotion = Promotion.objects.filter(pk=promotion_id).first()
    if promotion is None:
        return None
    try:
        promotions.check(promotion, subtotal=subtotal, customer_key=customer_key)
    except promotions.PromotionError as error:
        return AppliedPromotion(
            promotion=promotion, discount=Decimal("0.00"), problem=error.message
        )
    return AppliedPromotion(
        promotion=promotion, discount=promotions.discount_for(promotion, subtotal)
    )


def usable_applied_certificates(ids: list[uuid.UUID]) -> list[GiftCertificate]:
    """Return the active certificates among ``ids``, in the order given (unknown ids dropped)."""
    found = GiftCertificate.objects.filter(pk__in=ids, status=GiftCertificate.Status.ACTIVE)
    by_id = {c.pk: c for c in found}
    return [by_id[i] for i in ids if i in by_id]


def prefixed(prefix: str, values: dict) -> dict[str, str]:
    """Return address values as checkout form fields: ``name`` → ``ship_name``."""
    return {f"{prefix}{f}": values.get(f, "") for f in ADDRESS_FIELDS}


def unprefixed(prefix: str, data) -> dict[str, str]:
    """Return the ``ship_``/``bill_`` fields of form data as an ``ADDRESS_FIELDS`` dict."""
    return {f: data.get(f"{prefix}{f}", "") or "" for f in ADDRESS_FIELDS}


def address_book(customer) -> list[Address]:
    """Return the customer's saved addresses, defaults first."""
    return list(Address.objects.filter(user=customer))


def get_customer_address(customer, address_id) -> Address | None:
    """Return one of the customer's own saved addresses, or None (another's id included)."""
    return Address.objects.filter(user=customer, pk=address_id).first()


def account_checkout_initial(customer, *, book: list[Address], ship_to: Address | None) -> dict:
    """Return step-1 values from the account: e-mail, a phone, and saved addresses.

    The shipping address is ``ship_to`` or else the default shipping address; the
    billing address the default billing one, unless it is the same place (then
    "billing is the same as shipping" is ticked).
    """
    ship = ship_to or next((a for a in book if a.is_default_shipping), None)
    bill = next((a for a in book if a.is_default_billing), None)
    initial = {
        "email": customer.email,
        "phone": format_phone(customer.day_phone or customer.evening_phone),
        "billing_same": True,
    }
    if ship is not None:
        initial |= prefixed("ship_", address_values(ship))
    if bill is not None and (
        ship is None or not same_address(address_values(bill), address_values(ship))
    ):
        initial |= prefixed("bill_", address_values(bill))
        initial["billing_same"] = False
    return initial


def placed_order_for_key(*, key: uuid.UUID, customer, cart_id: uuid.UUID | None) -> Order | None:
    """Return the order a review form with this key already placed for this shopper, or None.

    A signed-in customer's bag is found by their account, so their order is
    found by it too; a guest's by the cart cookie.
    """
    if customer is not None:
        return Order.objects.filter(idempotency_key=key, customer=customer).first()
    return order_for_idempotency_key(key=key, cart_id=cart_id)
