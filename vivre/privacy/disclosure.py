"""The disclosure gateway (privacy engine, piece 4): the only way personal data leaves Vivre.

Every payload for someone outside Vivre (the card processor, a carrier, and
later the mail house, a partner or an authority) passes :func:`disclose` before
it is sent. The registry below names each recipient, its role, and the fields it
may receive with each field's data category (P1, P17). A payload holding any
other field is refused whole (:class:`DisclosureRefused`): nothing is recorded
and nothing may be sent. A payload that passes is recorded as a
``DisclosureRecord``: recipient, whose data, the field names and categories,
the basis and the purpose, never a value.

Correspondence (``user.content.private``) can never be registered for anyone
(P13): the registry is checked when this module is imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .consent import subject_key_for_customer, subject_key_for_email
from .datamap import Category, Use
from .models import DisclosureRecord

#: What the amount and currency of a payment are: operational, about no one.
NOT_PERSONAL = "system.operations"


class Role:
    """Why a recipient gets data from Vivre at all."""

    PROCESSOR = "processor"  # processes cards for Vivre
    CARRIER = "carrier"  # delivers parcels for Vivre
    MAIL_HOUSE = "mail_house"  # prints and posts the catalogue for Vivre
    PARTNER = "partner"  # a co-brand partner (P20), or with recorded consent
    AUTHORITY = "authority"  # under a recorded legal request (P18)

    ALL = (PROCESSOR, CARRIER, MAIL_HOUSE, PARTNER, AUTHORITY)


class Purpose:
    """Why a payload is sent (fideslang data uses; authorization is our extension).

    The card number, expiry, CVV, cardholder name and billing address go to the
    processor only to authorise a card; capture, void and refund name the hold
    by the processor's own reference and need none of them.
    """

    CARD_AUTHORIZATION = f"{Use.PAYMENT}.authorization"
    CARD_PAYMENT = Use.PAYMENT
    DELIVERY = Use.FULFILMENT


@dataclass(frozen=True)
class Allowed:
    """A field a recipient may receive: its data category, and for which purposes."""

    category: str
    purposes: frozenset[str] | None = None  # None: any of the recipient's purposes


@dataclass(frozen=True)
class Recipient:
    """Someone outside Vivre who may receive some fields, for some purposes, on some bases."""

    name: str
    role: str
    label: str
    purposes: frozenset[str]
    bases: frozenset[str]
    fields: Mapping[str, Allowed] = field(default_factory=dict)

    def allows(self, path: str, purpose: str) -> bool:
        """Return True if the field at ``path`` may go to this recipient for ``purpose``."""
        allowed = self.fields.get(path)
        return allowed is not None and (allowed.purposes is None or purpose in allowed.purposes)


class DisclosureRefused(Exception):
    """A payload that must not leave: an unknown recipient, purpose, basis or field.

    Nothing was recorded and the caller must send nothing.
    """

    def __init__(self, message: str, *, recipient: str, fields: Iterable[str] = ()):
        super().__init__(message)
        self.message = message
        self.recipient = recipient
        self.fields = sorted(fields)


_AUTH = frozenset({Purpose.CARD_AUTHORIZATION})
_FOLLOW_UP = frozenset({Purpose.CARD_PAYMENT})

REGISTRY: dict[str, Recipient] = {}


def register(recipient: Recipient) -> Recipient:
    """Add a recipient to the registry; refuse correspondence and unknown roles."""
    if recipient.role not in Role.ALL:
        raise ValueError(f"Unknown recipient role {recipient.role!r}.")
    for path, allowed in recipient.fields.items():
        # P13: e-mail and correspondence sent to Vivre never pass the gateway.
        if allowed.category.startswith(Category.PRIVATE_CONTENT):
            raise ValueError(
                f"{recipient.name}.{path}: correspondence ({Category.PRIVATE_CONTENT}) "
                "can never be disclosed (P13)."
            )
        if allowed.purposes is not None and not allowed.purposes <= recipient.purposes:
            raise ValueError(f"{recipient.name}.{path}: a purpose the recipient does not have.")
    REGISTRY[recipient.name] = recipient
    return recipient


register(
    Recipient(
        name="card_processor",
        role=Role.PROCESSOR,
        label="The card processor",
        purposes=_AUTH | _FOLLOW_UP,
        bases=frozenset({DisclosureRecord.Basis.PROCESSOR}),
        fields={
            "card.number": Allowed(Category.CREDIT_CARD, _AUTH),
            "card.exp_month": Allowed(Category.CREDIT_CARD, _AUTH),
            "card.exp_year": Allowed(Category.CREDIT_CARD, _AUTH),
            "card.cvv": Allowed(Category.CREDIT_CARD, _AUTH),
            "card.name": Allowed(Category.NAME, _AUTH),
            "amount": Allowed(NOT_PERSONAL),
            "currency": Allowed(NOT_PERSONAL),
            # Address verification (AVS) compares the street line and ZIP code.
            "billing_address.line1": Allowed(Category.STREET, _AUTH),
            "billing_address.postal_code": Allowed(Category.POSTAL_CODE, _AUTH),
            "billing_address.country": Allowed(Category.COUNTRY, _AUTH),
            # The processor's own id of the hold: it issued it.
            "reference": Allowed(Category.FINANCIAL, _FOLLOW_UP),
        },
    )
)

register(
    Recipient(
        name="carrier",
        role=Role.CARRIER,
        label="The parcel carrier",
        purposes=frozenset({Purpose.DELIVERY}),
        bases=frozenset({DisclosureRecord.Basis.PROCESSOR, DisclosureRecord.Basis.CONTRACT}),
        fields={
            "name": Allowed(Category.NAME),
            "address.line1": Allowed(Category.STREET),
            "address.line2": Allowed(Category.STREET),
            "address.city": Allowed(Category.CITY),
            "address.state": Allowed(Category.STATE),
            "address.postal_code": Allowed(Category.POSTAL_CODE),
            "address.country": Allowed(Category.COUNTRY),
            # So the driver can reach the recipient about a delivery.
            "phone": Allowed(Category.PHONE),
        },
    )
)


#: What an authority may ever be given under a legal request (P18): who someone is,
#: how to reach them, where they live and what they bought. Each request narrows
#: this to the categories its scope names (``vivre.privacy.legal``); correspondence
#: and card data are never here. Paths are ``<table>.<column>``.
AUTHORITY_FIELDS = {
    "accounts_user.full_name": Category.NAME,
    "accounts_user.email": Category.EMAIL,
    "accounts_user.day_phone": Category.PHONE,
    "accounts_user.evening_phone": Category.PHONE,
    "accounts_address.name": Category.NAME,
    "accounts_address.line1": Category.STREET,
    "accounts_address.line2": Category.STREET,
    "accounts_address.city": Category.CITY,
    "accounts_address.state": Category.STATE,
    "accounts_address.postal_code": Category.POSTAL_CODE,
    "accounts_address.country": Category.COUNTRY,
    # The order number only says which order the other fields came from.
    "orders_order.number": NOT_PERSONAL,
    "orders_order.email": Category.EMAIL,
    "orders_order.phone": Category.PHONE,
    "orders_address.name": Category.NAME,
    "orders_address.line1": Category.STREET,
    "orders_address.line2": Category.STREET,
    "orders_address.city": Category.CITY,
    "orders_address.state": Category.STATE,
    "orders_address.postal_code": Category.POSTAL_CODE,
    "orders_address.country": Category.COUNTRY,
    "orders_orderline.product_name": Category.PURCHASE_HISTORY,
    "orders_orderline.variant_label": Category.PURCHASE_HISTORY,
    "orders_orderline.sku": Category.PURCHASE_HISTORY,
    "orders_orderline.quantity": Category.PURCHASE_HISTORY,
}

register(
    Recipient(
        name="authority",
        role=Role.AUTHORITY,
        label="A legal authority",
        purposes=frozenset({Use.LEGAL}),
        bases=frozenset({DisclosureRecord.Basis.LEGAL_OBLIGATION}),
        fields={path: Allowed(category) for path, category in AUTHORITY_FIELDS.items()},
    )
)


def subject_key_for_order(order) -> str:
    """Return whose data an order's payload is: the account's key, else the e-mail's."""
    if getattr(order, "customer_id", None):
        return subject_key_for_customer(order.customer_id)
    return subject_key_for_email(order.email)


def _walk(payload: Mapping, prefix: str = "") -> Iterable[tuple[str, object]]:
    """Yield (dotted path, value) for every leaf of a nested payload."""
    for key, value in payload.items():
        if not isinstance(key, str) or not key or "." in key:
            raise DisclosureRefused(
                f"A payload key must be a plain name, not {key!r}.", recipient="", fields=()
            )
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _walk(value, f"{path}.")
        elif isinstance(value, list | tuple | set | frozenset):
            # Items of a list share their path; nested mappings are walked too.
            for item in value:
                if isinstance(item, Mapping):
                    yield from _walk(item, f"{path}.")
                else:
                    yield path, item
            if not value:
                yield path, value
        else:
            yield path, value


def _copy(payload: Mapping) -> dict:
    """Return a copy of the checked payload, so a later change to the original is not sent."""
    return {
        key: (
            _copy(value)
            if isinstance(value, Mapping)
            else [_copy(v) if isinstance(v, Mapping) else v for v in value]
            if isinstance(value, list | tuple)
            else value
        )
        for key, value in payload.items()
    }


def check(*, recipient: str, payload: Mapping, purpose: str, basis: str) -> dict[str, str]:
    """Return {dotted field: category} for a payload that may go; raise ``DisclosureRefused``.

    Records nothing: :func:`disclose` checks and records.
    """
    entry = REGISTRY.get(recipient)
    if entry is None:
        raise DisclosureRefused(
            f"{recipient!r} is not a registered recipient.", recipient=recipient
        )
    if purpose not in entry.purposes:
        raise DisclosureRefused(
            f"{entry.label} receives nothing for the purpose {purpose!r}.", recipient=recipient
        )
    if basis not in entry.bases:
        raise DisclosureRefused(
            f"{entry.label} receives nothing on the basis {basis!r}.", recipient=recipient
        )
    try:
        paths = [path for path, _ in _walk(payload)]
    except DisclosureRefused as exc:
        raise DisclosureRefused(exc.message, recipient=recipient) from None
    refused = sorted({path for path in paths if not entry.allows(path, purpose)})
    if refused:
        raise DisclosureRefused(
            f"{entry.label} may not receive {', '.join(refused)} for {purpose}.",
            recipient=recipient,
            fields=refused,
        )
    return {path: entry.fields[path].category for path in sorted(set(paths))}


def disclose(
    *,
    recipient: str,
    payload: dict,
    subject_key: str,
    purpose: str,
    basis: str,
    reference: str = "",
) -> dict:
    """Check a payload against the recipient's registered fields, record it, and return it.

    Raises ``DisclosureRefused`` (and records nothing) if the recipient, purpose or
    basis is unknown or any field, at any depth, is not registered for them.
    Otherwise writes a ``DisclosureRecord`` in the caller's transaction, with the
    field names and categories and never a value, and returns a copy of the
    payload: exactly what was checked is what may be sent.
    """
    facts = disclosure_facts(
        recipient=recipient,
        payload=payload,
        subject_key=subject_key,
        purpose=purpose,
        basis=basis,
        reference=reference,
    )
    DisclosureRecord.objects.create(**facts)
    return _copy(payload)


def record_facts(facts: Mapping) -> DisclosureRecord:
    """Record again a disclosure whose record rolled back with the caller's transaction.

    ``facts`` are the record's field values (``disclosure_facts`` on a failed
    processor call): the payload went out even though the order did not commit.
    Call it only after that transaction rolled back.
    """
    return DisclosureRecord.objects.create(**facts)


def disclosure_facts(
    *,
    recipient: str,
    payload: Mapping,
    subject_key: str,
    purpose: str,
    basis: str,
    reference: str = "",
) -> dict:
    """Return the values a ``DisclosureRecord`` of this payload holds (no payload values)."""
    fields = check(recipient=recipient, payload=payload, purpose=purpose, basis=basis)
    return {
        "recipient": recipient,
        "subject_key": subject_key,
        "fields": list(fields),
        "categories": sorted(set(fields.values())),
        "basis": basis,
        "purpose": purpose,
        "reference": reference[:200],
    }
