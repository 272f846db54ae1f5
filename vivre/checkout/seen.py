"""What the shopper saw on the review page, carried in a signed hidden field.

The server never prices an order from the form: it prices from the locked
catalogue rows. This record only lets ``place_order`` refuse to charge when what
it would charge differs from what the shopper was shown (another tab changed the
bag, a price moved, or someone edited the hidden field).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core import signing

SALT = "vivre.checkout.seen-basket"


@dataclass(frozen=True)
class SeenLine:
    variant_id: int
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class SeenBasket:
    lines: tuple[SeenLine, ...]
    shipping_method: str
    total: Decimal

    def sign(self) -> str:
        """Return the record as a signed token for the review form."""
        payload = {
            "l": [[line.variant_id, line.quantity, str(line.unit_price)] for line in self.lines],
            "s": self.shipping_method,
            "t": str(self.total),
        }
        return signing.dumps(payload, salt=SALT, compress=True)

    @classmethod
    def from_token(cls, token: str) -> SeenBasket:
        """Return the record in a token; raise ``signing.BadSignature`` if it was altered."""
        payload = signing.loads(token, salt=SALT)
        try:
            return cls(
                lines=tuple(
                    SeenLine(variant_id=int(v), quantity=int(q), unit_price=Decimal(p))
                    for v, q, p in payload["l"]
                ),
                shipping_method=str(payload["s"]),
                total=Decimal(payload["t"]),
            )
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise signing.BadSignature("Malformed basket record.") from exc
