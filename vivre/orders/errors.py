"""Why an order could not change, with a message fit for staff and shoppers."""

from __future__ import annotations

from enum import Enum


class OrderErrorCode(Enum):
    INVALID_TRANSITION = "invalid_transition"


class OrderError(Exception):
    """A change to an order that was refused; the order is left as it was."""

    def __init__(self, code: OrderErrorCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
