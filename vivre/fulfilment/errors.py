"""Why a shipment could not be recorded, with a message fit for warehouse staff."""

from __future__ import annotations

from enum import Enum


class FulfilmentErrorCode(Enum):
    ORDER_NOT_SHIPPABLE = "order_not_shippable"
    NOTHING_TO_SHIP = "nothing_to_ship"
    UNKNOWN_LINE = "unknown_line"
    BAD_QUANTITY = "bad_quantity"
    OVER_SHIPPED = "over_shipped"
    UNKNOWN_CARRIER = "unknown_carrier"
    INVALID_TRACKING_NUMBER = "invalid_tracking_number"
    DUPLICATE_TRACKING_NUMBER = "duplicate_tracking_number"
    HAS_TRACKING_NUMBER = "has_tracking_number"
    NOT_IN_TRANSIT = "not_in_transit"


# The HTTP status a page shows each error with.
HTTP_STATUS = {
    FulfilmentErrorCode.ORDER_NOT_SHIPPABLE: 409,
    FulfilmentErrorCode.DUPLICATE_TRACKING_NUMBER: 409,
    FulfilmentErrorCode.HAS_TRACKING_NUMBER: 409,
    FulfilmentErrorCode.NOT_IN_TRANSIT: 409,
}


class FulfilmentError(Exception):
    """A shipment change that was refused; nothing was recorded and no e-mail queued.

    ``field`` names the form field the message belongs to ("tracking_number",
    "line_<id>"), or is None for the form as a whole.
    """

    def __init__(self, code: FulfilmentErrorCode, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, 400)
