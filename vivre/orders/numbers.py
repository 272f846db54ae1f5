"""Order numbers customers can read out on the phone: ``VV-7K3M-9QXT``."""

import secrets

# No 0/O, 1/I/L or U/V confusion when read aloud or copied by hand.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
PREFIX = "VV"


def new_order_number() -> str:
    """Return a random order number (29⁸ ≈ 5 × 10¹¹ possibilities)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{chars[:4]}-{chars[4:]}"
