"""Carriers: their tracking numbers and links, and what we tell them about a parcel.

Each carrier is an adapter behind the ``Carrier`` interface; ``get_carrier`` finds
one by its code. ``label_payload`` is the one place customer data leaves for a
carrier (P17): only the recipient's name, shipping address and phone, checked
and recorded by the disclosure gateway (``vivre.privacy.disclosure``).
"""

from __future__ import annotations

import re
import secrets
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings

from vivre.privacy.disclosure import Purpose, disclose, subject_key_for_order
from vivre.privacy.models import DisclosureRecord

if TYPE_CHECKING:  # pragma: no cover
    from vivre.orders.models import Order

    from .models import Shipment


class InvalidTrackingNumber(ValueError):
    """A tracking number that cannot be the carrier's, with a message for staff."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Carrier(ABC):
    """A parcel carrier we hand shipments to."""

    code: str
    name: str

    @abstractmethod
    def tracking_url(self, number: str) -> str:
        """Return the carrier's public page that tracks ``number``."""

    @abstractmethod
    def validate_tracking_number(self, number: str) -> str:
        """Return ``number`` in its canonical form, or raise ``InvalidTrackingNumber``."""

    @abstractmethod
    def generate_tracking_number(self, *, service: str = "standard") -> str:
        """Return a new, valid tracking number for a parcel sent with ``service``."""

    def label_payload(self, order: Order, shipment: Shipment) -> dict:
        """Return what the carrier needs to deliver: name, shipping address and phone (P17).

        Nothing else about the customer or the order goes to a carrier: no e-mail,
        no prices, no items, no payment details. The payload passes the disclosure
        gateway, which refuses any other field and records this disclosure.
        """
        address = order.shipping_address
        payload = {
            "name": address.name,
            "address": {
                "line1": address.line1,
                "line2": address.line2,
                "city": address.city,
                "state": address.state,
                "postal_code": address.postal_code,
                "country": address.country,
            },
            "phone": order.phone,
        }
        return disclose(
            recipient="carrier",
            payload=payload,
            subject_key=subject_key_for_order(order),
            purpose=Purpose.DELIVERY,
            basis=DisclosureRecord.Basis.PROCESSOR,
            reference=f"order {order.number} label {self.code}",
        )


def ups_check_digit(body: str) -> int:
    """Return the UPS check digit of the 15 characters between "1Z" and the check digit.

    Letters count as ``(ord(c) - 63) % 10``; characters in odd positions (1st,
    3rd, …) are added once and those in even positions twice.
    """
    total = 0
    for position, char in enumerate(body, start=1):
        value = int(char) if char.isdigit() else (ord(char) - 63) % 10
        total += value if position % 2 else 2 * value
    return (10 - total % 10) % 10


class UPS(Carrier):
    """United Parcel Service: "1Z" tracking numbers with a check digit."""

    code = "ups"
    name = "UPS"
    # "1Z" + shipper number (6) + service code (2) + package id (7) + check digit.
    # Real numbers carry letters outside the shipper number too (1ZXX3150YW44070023),
    # so all 15 may be letters or digits; the check digit catches typos.
    PATTERN = re.compile(r"^1Z[0-9A-Z]{15}[0-9]$")
    # Our shop's services → UPS service codes: Ground, 2nd Day Air, Next Day Air.
    SERVICE_CODES = {"standard": "03", "express": "02", "overnight": "01"}

    def tracking_url(self, number: str) -> str:
        return f"https://www.ups.com/track?tracknum={quote(number)}"

    def validate_tracking_number(self, number: str) -> str:
        canonical = re.sub(r"[\s-]", "", number or "").upper()
        if not canonical:
            raise InvalidTrackingNumber("Enter a UPS tracking number.")
        if not canonical.startswith("1Z"):
            raise InvalidTrackingNumber('A UPS tracking number starts with "1Z".')
        if len(canonical) != 18:
            raise InvalidTrackingNumber(
                f"A UPS tracking number has 18 characters; this one has {len(canonical)}."
            )
        if not self.PATTERN.match(canonical):
            raise InvalidTrackingNumber(
                'A UPS tracking number is "1Z" followed by 15 letters or digits and a check digit.'
            )
        if ups_check_digit(canonical[2:17]) != int(canonical[17]):
            raise InvalidTrackingNumber(
                "This UPS tracking number's check digit does not match: please check it for a typo."
            )
        return canonical

    def generate_tracking_number(self, *, service: str = "standard") -> str:
        shipper = settings.VIVRE.get("UPS_SHIPPER_NUMBER", "V1VR3A").upper()
        body = f"{shipper}{self.SERVICE_CODES.get(service, '03')}{secrets.randbelow(10**7):07d}"
        return f"1Z{body}{ups_check_digit(body)}"


CARRIERS: dict[str, Carrier] = {carrier.code: carrier for carrier in (UPS(),)}
DEFAULT_CARRIER = UPS.code


def get_carrier(code: str | None = None) -> Carrier:
    """Return the carrier with this code (UPS by default); raise ``KeyError`` if unknown."""
    return CARRIERS[code or DEFAULT_CARRIER]


def carrier_choices() -> list[tuple[str, str]]:
    """Return (code, name) pairs for a carrier select, the default first."""
    return sorted(
        ((c.code, c.name) for c in CARRIERS.values()), key=lambda c: c[0] != DEFAULT_CARRIER
    )
