"""A customer's copy of their data (GDPR Art. 15 and 20), derived from the data map.

Nothing here lists models or fields: every governed model whose PersonalData
says how a customer's rows are found contributes those rows, with each declared
personal field, its category and its purposes. A field newly declared in any
model's PersonalData appears in the next export with no change here.
"""

from __future__ import annotations

import datetime
import decimal
import json
import logging
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vivre.orders.models import Order
from vivre.privacy.consent import consent_history
from vivre.privacy.datamap import declared_fields, governed_models, owned_rows, ownership

from .models import DataExport, User

logger = logging.getLogger(__name__)

FORMAT = "vivre-data-export/1"


class ExportError(Exception):
    """An export cannot be prepared or handed out."""


def retention() -> timedelta:
    """Return how long a prepared copy can be downloaded."""
    return timedelta(days=settings.VIVRE.get("EXPORT_RETENTION_DAYS", 7))


def policy_version() -> str:
    """Return the privacy policy's revision date, the version each export is made under."""
    from vivre.storefront.service import privacy_policy_revised

    revised = privacy_policy_revised()
    return revised.isoformat() if revised else ""


def json_value(value):
    """Return ``value`` as JSON can hold it: text for dates, money, ids and addresses."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return str(value)


def _row(model, obj, entries, withheld: dict[str, str]) -> dict:
    fields = {}
    for entry in entries:
        item = {"category": entry.category, "purposes": list(entry.purposes)}
        if entry.field in withheld:
            item["withheld"] = withheld[entry.field]
        else:
            f = model._meta.get_field(entry.field)
            item["value"] = json_value(f.value_from_object(obj))
        fields[entry.field] = item
    return {"id": json_value(obj.pk), "fields": fields}


def personal_records(user: User, *, on_model: Callable[[int, int], None] | None = None) -> dict:
    """Return every row the data map says is ``user``'s, each declared personal field with
    its value (or why it is withheld), category and purposes, keyed by model label.

    ``on_model(done, total)`` is called after each model, for progress.
    """
    rows = owned_rows(user)
    # The account first, then the rest in the data map's order.
    models = sorted((m for m in governed_models() if m in rows), key=lambda m: m is not User)
    records: dict[str, dict] = {}
    for done, model in enumerate(models, start=1):
        entries = declared_fields(model)
        own = ownership(model)
        if entries:
            records[model._meta.label] = {
                "description": (model.__doc__ or "").strip().split("\n")[0],
                "rows": [
                    _row(model, obj, entries, own.not_exported if own else {})
                    for obj in model._base_manager.filter(pk__in=rows[model]).order_by("pk")
                ],
            }
        if on_model:
            on_model(done, len(models))
    return records


def consent_section(user: User) -> list[dict]:
    """Return every choice the customer made about mailings and data use, oldest first."""
    from vivre.privacy.datamap import customer_keys

    history = [record for key in customer_keys(user) for record in consent_history(key)]
    history.sort(key=lambda record: record.pk)
    return [
        {
            "purpose": record.purpose,
            "purpose_label": record.get_purpose_display(),
            "choice": "yes" if record.granted else "no",
            "channel": record.get_channel_display(),
            "recorded_by": record.recorded_by,
            "policy_version": record.policy_version,
            "at": json_value(record.created_at),
        }
        for record in history
    ]


def orders_section(order_ids) -> list[dict]:
    """Return the customer's orders with their lines, as a person reads them."""
    orders = (
        Order.objects.filter(pk__in=order_ids)
        .select_related("shipping_address", "billing_address")
        .prefetch_related("lines")
        .order_by("created_at")
    )
    return [
        {
            "number": order.number,
            "placed_at": json_value(order.created_at),
            "status": order.get_status_display(),
            "email": order.email,
            "phone": order.phone,
            "shipping_address": order.shipping_address.lines,
            "billing_address": order.billing_address.lines,
            "shipping_method": order.shipping_method_name,
            "lines": [
                {
                    "product": line.product_name,
                    "variant": line.variant_label,
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "unit_price": json_value(line.unit_price),
                    "line_total": json_value(line.line_total),
                }
                for line in order.lines.all()
            ],
            "subtotal": json_value(order.subtotal),
            "shipping": json_value(order.shipping_charge),
            "tax": json_value(order.tax),
            "total": json_value(order.total),
            "currency": order.currency,
        }
        for order in orders
    ]


def build_document(user: User, *, on_progress: Callable[[int], None] | None = None) -> dict:
    """Return the whole export of ``user`` as a JSON-ready document.

    ``on_progress(percent)`` is told how far the work has gone (up to 95).
    """

    def step(done: int, total: int) -> None:
        if on_progress:
            on_progress(5 + int(80 * done / max(total, 1)))

    records = personal_records(user, on_model=step)
    consent = consent_section(user)
    if on_progress:
        on_progress(90)
    order_ids = [row["id"] for row in records.get(Order._meta.label, {}).get("rows", [])]
    return {
        "format": FORMAT,
        "generated_at": json_value(timezone.now()),
        "policy_version": policy_version(),
        "about": (
            "Everything Vivre holds about you, as its data map declares it: each record "
            "with every personal field, what kind of data it is (category) and what it is "
            "used for (purposes), then your privacy choices and your orders."
        ),
        "records": records,
        "consent_history": consent,
        "orders": orders_section(order_ids),
    }


def request_export(*, user: User, site_url: str = "") -> tuple[DataExport, bool]:
    """Start preparing a copy of ``user``'s data, or return the one already under way.

    Returns (export, created). One export at a time: while one is queued or
    running, asking again returns it. The task is queued after commit;
    ``site_url`` (the shop's address, e.g. ``https://vivre.example/``) makes the
    link in the "ready" e-mail.
    """
    from .tasks import build_export

    with transaction.atomic():
        # Lock the account row so two clicks cannot both start an export.
        User.objects.select_for_update().filter(pk=user.pk).first()
        pending = DataExport.objects.filter(
            user=user, status__in=[DataExport.Status.QUEUED, DataExport.Status.RUNNING]
        ).first()
        if pending is not None:
            return pending, False
        export = DataExport.objects.create(user=user, expires_at=timezone.now() + retention())
        transaction.on_commit(lambda: build_export.enqueue(str(export.pk), site_url), robust=True)
    return export, True


def run_export(export_id, site_url: str = "") -> str:
    """Build the document of one queued export, recording progress; return its status.

    Called by the ``build_export`` task. Progress and status are written as it
    goes (each in its own short transaction) so the customer's page can show them.
    """
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None:
        return "missing"
    if export.status not in (DataExport.Status.QUEUED, DataExport.Status.RUNNING):
        return export.status
    rows = DataExport.objects.filter(pk=export.pk)
    rows.update(status=DataExport.Status.RUNNING, progress=5)

    def progress(percent: int) -> None:
        rows.update(progress=min(max(percent, 0), 99))

    try:
        document = build_document(export.user, on_progress=progress)
        content = json.dumps(document, indent=2, ensure_ascii=False)
    except Exception:
        # The reason goes to the log by id only; the page offers a new request.
        logger.exception("Data export %s failed", export.pk)
        rows.update(status=DataExport.Status.FAILED, finished_at=timezone.now())
        return DataExport.Status.FAILED
    now = timezone.now()
    rows.update(
        status=DataExport.Status.READY,
        progress=100,
        content=content,
        finished_at=now,
        expires_at=now + retention(),
    )
    _tell_customer(export, site_url)
    return DataExport.Status.READY


def _tell_customer(export: DataExport, site_url: str) -> None:
    """E-mail the customer that their copy is ready (a link, never the data)."""
    from django.urls import reverse

    from vivre.messaging.services import send_email

    user = export.user
    with transaction.atomic():
        send_email(
            to=user.email,
            subject="Your copy of your Vivre data is ready",
            template="account_export_ready",
            context={
                "name": user.get_short_name(),
                "privacy_url": site_url.rstrip("/") + reverse("accounts:privacy"),
                "expires_at": timezone.now() + retention(),
            },
            kind="accounts.export_ready",
            dedupe_key=f"accounts.export_ready:{export.pk}",
        )


def is_expired(export: DataExport, *, now=None) -> bool:
    """Return True once a copy may no longer be downloaded."""
    return export.expires_at <= (now or timezone.now())


def download_name(export: DataExport) -> str:
    """Return the file name a copy downloads as: vivre-data-YYYY-MM-DD.json."""
    made = timezone.localtime(export.finished_at or export.created_at)
    return f"vivre-data-{made:%Y-%m-%d}.json"


def exports_for(user: User) -> list[DataExport]:
    """Return the customer's exports, newest first, without their (large) content."""
    return list(DataExport.objects.filter(user=user).defer("content").order_by("-created_at"))


def forget_expired_exports(now=None) -> int:
    """Delete every prepared copy past its ``expires_at``; return how many (a retention rule)."""
    now = now or timezone.now()
    deleted, _ = DataExport.objects.filter(expires_at__lte=now).delete()
    return deleted
