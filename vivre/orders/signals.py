"""Facts about orders that other apps may react to."""

from django.dispatch import Signal

#: Sent after the transaction that placed and authorised an order commits.
#: Carries ``order_id`` (a UUID) only, never personal data.
order_placed = Signal()
