"""Why a checkout could not go through, with a message fit for the shopper."""

from __future__ import annotations

from enum import Enum


class CheckoutErrorCode(Enum):
    EMPTY_CART = "empty_cart"
    DETAILS_MISSING = "details_missing"
    SOLD_OUT = "sold_out"
    PRICE_CHANGED = "price_changed"
    CART_CHANGED = "cart_changed"
    ALREADY_PLACED = "already_placed"
    KEY_REUSED = "key_reused"
    CARD_DECLINED = "card_declined"
    # No usable card for what is left to pay (certificates emptied meanwhile, or a
    # saved card that is not the customer's).
    CARD_NEEDED = "card_needed"
    # The promotion code applied to the bag ran out or ended meanwhile.
    PROMOTION_UNAVAILABLE = "promotion_unavailable"
    PROCESSOR_UNAVAILABLE = "processor_unavailable"


# The HTTP status a page shows each error with.
HTTP_STATUS = {
    CheckoutErrorCode.EMPTY_CART: 409,
    CheckoutErrorCode.DETAILS_MISSING: 409,
    CheckoutErrorCode.SOLD_OUT: 409,
    CheckoutErrorCode.PRICE_CHANGED: 409,
    CheckoutErrorCode.CART_CHANGED: 409,
    CheckoutErrorCode.ALREADY_PLACED: 409,
    CheckoutErrorCode.KEY_REUSED: 409,
    CheckoutErrorCode.CARD_DECLINED: 402,
    CheckoutErrorCode.CARD_NEEDED: 402,
    CheckoutErrorCode.PROMOTION_UNAVAILABLE: 409,
    CheckoutErrorCode.PROCESSOR_UNAVAILABLE: 503,
}


class CheckoutError(Exception):
    """An order that was not placed. Nothing was charged and no stock moved."""

    def __init__(self, code: CheckoutErrorCode, message: str, changes: list[str] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.changes = changes or []

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]
