"""The print catalogue: requests (P8, P22), postal opt-outs, and the mail-house export (P17).

A request holds a name and a US postal address, nothing else. The requester's
choice about further mailings by post goes to the consent ledger under the
address's keyed hash (:func:`postal_key`), never into the request row.

The mail house (a processor that prints and posts for Vivre) receives, through
the disclosure gateway, every request not yet fulfilled (the catalogue asked
for, and nothing more) plus the earlier requesters whose current choice is yes
and who are not suppressed. Each exported person gets a ``DisclosureRecord``.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vivre.privacy.consent import Channel, Purpose, record_consent
from vivre.privacy.datamap import Category, Use
from vivre.privacy.disclosure import Allowed, Recipient, Role, disclose, register
from vivre.privacy.models import ConsentRecord, DisclosureRecord, Suppression
from vivre.privacy.suppression import Reason, suppress_key

from .models import CatalogueRequest

MAIL_HOUSE = "mail_house"
#: The only fields that leave for the mail house, in CSV column order.
EXPORT_FIELDS = ("name", "line1", "line2", "city", "state", "postal_code")
CSV_HEADER = ("name", "address_line_1", "address_line_2", "city", "state", "zip")
DEFAULT_RETENTION_DAYS = 400

_CHUNK = 500


def register_mail_house() -> Recipient:
    """Register the mail house with the disclosure gateway: name and postal address only."""
    return register(
        Recipient(
            name=MAIL_HOUSE,
            role=Role.MAIL_HOUSE,
            label="The mail house",
            purposes=frozenset({Use.MARKETING_POSTAL}),
            bases=frozenset({DisclosureRecord.Basis.PROCESSOR}),
            fields={
                "name": Allowed(Category.NAME),
                "line1": Allowed(Category.STREET),
                "line2": Allowed(Category.STREET),
                "city": Allowed(Category.CITY),
                "state": Allowed(Category.STATE),
                "postal_code": Allowed(Category.POSTAL_CODE),
            },
        )
    )


# --- the postal key -----------------------------------------------------------------

_NOT_WORD = re.compile(r"[\W_]+")


def _normalize(text: str) -> str:
    """Fold case, punctuation and spacing, so "11 Mercer St." and "11 mercer st" agree."""
    return " ".join(_NOT_WORD.sub(" ", (text or "").casefold()).split())


def postal_key(*, name: str, line1: str, postal_code: str) -> str:
    """Return the ledger and suppression key of a person at a postal address.

    A keyed hash (HMAC with the site's secret) of the normalized name, street line
    and 5-digit ZIP code: the ledger never holds the address in clear.
    """
    zip5 = re.sub(r"\D", "", postal_code or "")[:5]
    message = "\x1f".join(("postal", _normalize(name), _normalize(line1), zip5)).encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"postal:{digest[:48]}"


def key_of(request: CatalogueRequest) -> str:
    return postal_key(name=request.name, line1=request.line1, postal_code=request.postal_code)


# --- requests and choices -------------------------------------------------------------


def request_catalogue(
    *, values: dict, further_mailings: bool, policy_version: str = ""
) -> CatalogueRequest:
    """Record a catalogue request and the requester's choice about further mailings (P22).

    ``values`` are the address form's cleaned values; only the name and address
    fields are read. Both a yes and a no are written to the ledger.
    """
    fields = {name: values.get(name, "") for name in EXPORT_FIELDS}
    with transaction.atomic():
        request = CatalogueRequest.objects.create(**fields)
        record_consent(
            subject_key=key_of(request),
            purpose=Purpose.VIVRE_MAILINGS,
            granted=bool(further_mailings),
            channel=Channel.CATALOGUE_REQUEST,
            recorded_by="self",
            policy_version=policy_version,
        )
    return request


def opt_out_by_post(
    *, name: str, line1: str, postal_code: str, recorded_by: str, policy_version: str = ""
) -> str:
    """Take a person at an address off the postal mailing list, as told to staff (P16, P23).

    Records a "no" in the ledger (channel phone, by the staff member), suppresses
    the address's key, and deletes the requests already fulfilled for it: they were
    kept only for further mailings. A request not yet sent is still honoured.
    Returns the postal key.
    """
    key = postal_key(name=name, line1=line1, postal_code=postal_code)
    with transaction.atomic():
        record_consent(
            subject_key=key,
            purpose=Purpose.VIVRE_MAILINGS,
            granted=False,
            channel=Channel.PHONE,
            recorded_by=recorded_by,
            policy_version=policy_version,
        )
        suppress_key(key, Reason.UNSUBSCRIBED)
        zip5 = re.sub(r"\D", "", postal_code or "")[:5]
        done = CatalogueRequest.objects.filter(
            exported_at__isnull=False, postal_code__startswith=zip5
        )
        CatalogueRequest.objects.filter(pk__in=[r.pk for r in done if key_of(r) == key]).delete()
    return key


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def mailable_keys(keys) -> set[str]:
    """Return those of ``keys`` that may get mailings by post now.

    The newest ledger choice for Vivre's mailings must be yes, and if the key is
    suppressed, that choice must be newer than the suppression.
    """
    keys = sorted(set(keys))
    newest: dict[str, tuple[bool, datetime]] = {}
    suppressed: dict[str, datetime] = {}
    for chunk in _chunks(keys):
        records = ConsentRecord.objects.filter(
            subject_key__in=chunk, purpose=Purpose.VIVRE_MAILINGS
        ).order_by("id")
        for key, granted, created in records.values_list("subject_key", "granted", "created_at"):
            newest[key] = (granted, created)
        rows = Suppression.objects.filter(email_key__in=chunk).order_by("id")
        for key, created in rows.values_list("email_key", "created_at"):
            suppressed[key] = created
    return {
        key
        for key, (granted, created) in newest.items()
        if granted and (key not in suppressed or created > suppressed[key])
    }


def may_mail_by_post(key: str) -> bool:
    """Return True if the person behind ``key`` may get further mailings by post now."""
    return key in mailable_keys([key])


# --- the staff page and the export ----------------------------------------------------


@dataclass(frozen=True)
class Counts:
    waiting: int  # requests not yet sent to the mail house
    on_list: int  # people whose current choice is yes to mailings by post


def counts() -> Counts:
    """Return how many requests wait and how many people are on the postal mailing list."""
    waiting = CatalogueRequest.objects.filter(exported_at__isnull=True).count()
    keys = {key_of(r) for r in CatalogueRequest.objects.only(*EXPORT_FIELDS).iterator()}
    return Counts(waiting=waiting, on_list=len(mailable_keys(keys)))


@dataclass
class Export:
    """What one export sends: the checked payloads, and how many were new requests."""

    rows: list[dict]
    new_requests: int
    at: datetime

    def csv(self) -> str:
        return mailing_list_csv(self.rows)


def _payload(request: CatalogueRequest) -> dict:
    return {name: getattr(request, name) for name in EXPORT_FIELDS}


def export_for_mail_house(*, now: datetime | None = None) -> Export:
    """Build the mail house's list, pass every row through the gateway, mark new requests.

    Includes every request not yet exported (the catalogue asked for, whatever the
    choice about further mailings), then, once per person, earlier requesters who
    may still be mailed by post. Runs in one transaction: if the gateway refuses a
    row, nothing is marked or recorded and nothing may be sent.
    """
    now = now or timezone.now()
    reference = f"catalogue export {now.isoformat(timespec='seconds')}"
    with transaction.atomic():
        new = list(
            CatalogueRequest.objects.select_for_update()
            .filter(exported_at__isnull=True)
            .order_by("created_at", "id")
        )
        chosen: dict[str, CatalogueRequest] = {}
        for request in new:
            chosen.setdefault(key_of(request), request)
        earlier: dict[str, CatalogueRequest] = {}
        for request in CatalogueRequest.objects.filter(exported_at__isnull=False).order_by(
            "-created_at", "-id"
        ):
            earlier.setdefault(key_of(request), request)
        for key in mailable_keys(earlier.keys() - chosen.keys()):
            chosen[key] = earlier[key]
        rows = [
            disclose(
                recipient=MAIL_HOUSE,
                payload=_payload(request),
                subject_key=key,
                purpose=Use.MARKETING_POSTAL,
                basis=DisclosureRecord.Basis.PROCESSOR,
                reference=reference,
            )
            for key, request in chosen.items()
        ]
        for chunk in _chunks([r.pk for r in new]):
            CatalogueRequest.objects.filter(pk__in=chunk).update(exported_at=now)
    return Export(rows=rows, new_requests=len(new), at=now)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Return a CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def mailing_list_csv(rows: list[dict]) -> str:
    """Return the mail house's CSV: a header and name and address columns, nothing else."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow([_cell(row.get(name, "")) for name in EXPORT_FIELDS])
    return out.getvalue()


# --- retention ----------------------------------------------------------------------


def forget_old_catalogue_requests(*, now: datetime | None = None) -> int:
    """Delete fulfilled requests past the retention period that no mailing still needs.

    A request exported more than ``CATALOGUE_REQUEST_RETENTION_DAYS`` ago is deleted
    unless its person may still be mailed by post and it is their newest request
    (which then keeps the address). Requests not yet exported are always kept.
    Returns how many were deleted.
    """
    now = now or timezone.now()
    days = settings.VIVRE.get("CATALOGUE_REQUEST_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    cutoff = now - timedelta(days=days)
    newest_per_key: dict[str, object] = {}
    for request in CatalogueRequest.objects.order_by("-created_at", "-id").only(
        *EXPORT_FIELDS, "created_at"
    ):
        newest_per_key.setdefault(key_of(request), request.pk)
    old = list(
        CatalogueRequest.objects.filter(exported_at__lt=cutoff).only(*EXPORT_FIELDS, "exported_at")
    )
    keys = {key_of(r): None for r in old}
    keep = mailable_keys(keys)
    doomed = [r.pk for r in old if key_of(r) not in keep or newest_per_key.get(key_of(r)) != r.pk]
    deleted = 0
    for chunk in _chunks(doomed):
        count, _ = CatalogueRequest.objects.filter(pk__in=chunk).delete()
        deleted += count
    return deleted
