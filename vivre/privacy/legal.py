"""Legal requests (P18): personal data goes to an authority only as far as the law requires.

A Privacy officer records each request: who asked, under what legal basis, their
reference, whose data (an order number or an account e-mail), the data
categories it covers (its scope) and the deadline. Disclosing builds, from the
data map, exactly the customer's (or the order's) fields in those categories,
passes them through the disclosure gateway to the ``authority`` recipient, and
marks the request disclosed. A field outside the scope is refused whole;
correspondence is never registered for anyone. The register then shows what
went out from the gateway's records: fields and categories, never the values.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from vivre.accounts.export import json_value
from vivre.accounts.models import User
from vivre.orders.models import Order

from .consent import subject_key_for_customer
from .datamap import Category, Use, declared_fields, owned_rows
from .disclosure import (
    AUTHORITY_FIELDS,
    NOT_PERSONAL,
    DisclosureRefused,
    check,
    disclose,
    subject_key_for_order,
)
from .models import DisclosureRecord, LegalRequest

RECIPIENT = "authority"
BASIS = DisclosureRecord.Basis.LEGAL_OBLIGATION

#: The categories a request may name, as the form offers them.
SCOPE_CHOICES = [
    (Category.NAME, "Name"),
    (Category.EMAIL, "E-mail address"),
    (Category.PHONE, "Telephone number"),
    (Category.ADDRESS, "Postal address"),
    (Category.PURCHASE_HISTORY, "Order history"),
]
SCOPE_LABELS = dict(SCOPE_CHOICES)


class LegalRequestError(Exception):
    """A request cannot be acted on (not open, or its subject cannot be found)."""


def in_scope(category: str, scope) -> bool:
    """Return True if a field of ``category`` falls under one of the scope's categories."""
    return any(category == key or category.startswith(f"{key}.") for key in scope)


def reference_of(legal_request: LegalRequest) -> str:
    return f"legal request {legal_request.reference}"


def record_request(*, authority, legal_basis, reference, subject_reference, scope, deadline,
                   recorded_by) -> LegalRequest:  # fmt: skip
    """Record a request in the register, open."""
    unknown = set(scope) - set(SCOPE_LABELS)
    if unknown or not scope:
        raise LegalRequestError("A request's scope must name known data categories.")
    return LegalRequest.objects.create(
        authority=authority,
        legal_basis=legal_basis,
        reference=reference,
        subject_reference=subject_reference.strip(),
        scope=[key for key, _ in SCOPE_CHOICES if key in scope],
        deadline=deadline,
        recorded_by=recorded_by,
    )


def find_subject(subject_reference: str):
    """Return ("customer", user) or ("order", order) for a reference, or None."""
    text = (subject_reference or "").strip()
    if not text:
        return None
    if "@" in text:
        user = User.objects.filter(email__iexact=text).first()
        return ("customer", user) if user else None
    order = Order.objects.filter(number__iexact=text).first()
    return ("order", order) if order else None


def _rows(objects, scope) -> dict[str, list[dict]]:
    """Return {table: [{column: value}]} of the scoped, disclosable fields of these rows."""
    payload: dict[str, list[dict]] = {}
    for obj in objects:
        model = type(obj)
        table = model._meta.db_table
        row = {}
        for entry in declared_fields(model):
            path = f"{table}.{entry.field}"
            if path in AUTHORITY_FIELDS and in_scope(entry.category, scope):
                row[entry.field] = json_value(getattr(obj, entry.field))
        if row:
            if f"{table}.number" in AUTHORITY_FIELDS:
                row = {"number": obj.number, **row}
            payload.setdefault(table, []).append(row)
    return payload


def _objects_of_customer(user) -> list:
    objects = []
    for model, pks in owned_rows(user).items():
        if any(path.startswith(f"{model._meta.db_table}.") for path in AUTHORITY_FIELDS):
            objects.extend(model._base_manager.filter(pk__in=pks).order_by("pk"))
    return objects


def _objects_of_order(order) -> list:
    addresses = [a for a in (order.shipping_address, order.billing_address) if a is not None]
    unique = list({a.pk: a for a in addresses}.values())
    return [order, *unique, *order.lines.all().order_by("pk")]


def build_payload(legal_request: LegalRequest) -> tuple[str, dict]:
    """Return (subject key, payload): exactly the subject's data in the request's scope."""
    found = find_subject(legal_request.subject_reference)
    if found is None:
        raise LegalRequestError(
            "No order or account matches this request's subject; check the reference."
        )
    kind, subject = found
    if kind == "customer":
        return subject_key_for_customer(subject.pk), _rows(
            _objects_of_customer(subject), legal_request.scope
        )
    return subject_key_for_order(subject), _rows(_objects_of_order(subject), legal_request.scope)


def check_scope(payload: dict, scope) -> dict[str, str]:
    """Return {field: category} if every field is the authority's and in scope; else refuse."""
    fields = check(recipient=RECIPIENT, payload=payload, purpose=Use.LEGAL, basis=BASIS)
    outside = sorted(
        path for path, category in fields.items()
        if category != NOT_PERSONAL and not in_scope(category, scope)
    )  # fmt: skip
    if outside:
        raise DisclosureRefused(
            f"Outside the request's scope: {', '.join(outside)}.",
            recipient=RECIPIENT,
            fields=outside,
        )
    return fields


def send(legal_request: LegalRequest, *, subject_key: str, payload: dict) -> dict:
    """Check a payload against the request's scope, disclose it, and close the request."""
    with transaction.atomic():
        locked = LegalRequest.objects.select_for_update().get(pk=legal_request.pk)
        if locked.status != LegalRequest.Status.OPEN:
            raise LegalRequestError("This request is no longer open.")
        check_scope(payload, locked.scope)
        sent = disclose(
            recipient=RECIPIENT,
            payload=payload,
            subject_key=subject_key,
            purpose=Use.LEGAL,
            basis=BASIS,
            reference=reference_of(locked),
        )
        locked.status = LegalRequest.Status.DISCLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
    legal_request.refresh_from_db()
    return sent


def disclose_request(legal_request: LegalRequest) -> dict:
    """Build the request's scoped payload, disclose it and return what went out."""
    subject_key, payload = build_payload(legal_request)
    if not payload:
        raise LegalRequestError("We hold nothing in this request's scope for its subject.")
    return send(legal_request, subject_key=subject_key, payload=payload)


def refuse_request(legal_request: LegalRequest, *, note: str) -> LegalRequest:
    """Refuse an open request, with a note of why."""
    with transaction.atomic():
        locked = LegalRequest.objects.select_for_update().get(pk=legal_request.pk)
        if locked.status != LegalRequest.Status.OPEN:
            raise LegalRequestError("This request is no longer open.")
        locked.status = LegalRequest.Status.REFUSED
        locked.closed_at = timezone.now()
        locked.notes = note
        locked.save(update_fields=["status", "closed_at", "notes"])
    legal_request.refresh_from_db()
    return legal_request


def disclosures_for(legal_request: LegalRequest):
    """Return the gateway's records of what went out for this request (no values)."""
    return DisclosureRecord.objects.filter(
        recipient=RECIPIENT, reference=reference_of(legal_request)
    ).order_by("id")
