"""What care services refuse, with messages an associate can act on."""

from django.core.exceptions import PermissionDenied


class CareError(ValueError):
    """A care action that cannot be done as asked (bad input or wrong state)."""


class IssueNotOpen(PermissionDenied):
    """The phone number was asked for without an open issue on the order (P6)."""
