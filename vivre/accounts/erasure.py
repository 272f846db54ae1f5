"""Closing an account: the right to erasure (GDPR Art. 17), driven by the data map.

``erase_customer`` finds every row the data map says is the customer's and does
what each model's PersonalData declares: delete it, anonymize it (orders stay
for the tax records without who bought, docs/decisions/0003-erasure-keeps-orders.md)
or keep it (the pseudonymous consent and access ledgers). Then the account goes,
and the address survives only as a keyed hash on the suppression list.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from vivre.privacy.datamap import (
    Erasure,
    anonymized_values,
    declared_fields,
    governed_models,
    owned_rows,
    ownership,
)
from vivre.privacy.suppression import Reason, suppress

from .models import User

logger = logging.getLogger(__name__)


class ErasureRefused(Exception):
    """The account cannot be closed this way; nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ErasureReport:
    """How many rows of each model were deleted, anonymized or kept (labels to counts)."""

    deleted: dict[str, int] = field(default_factory=dict)
    anonymized: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanItem:
    """One kind of record and what closing the account does to it (for the close page)."""

    label: str
    name: str
    description: str
    erasure: str
    reason: str
    retained: tuple[str, ...]


def erasure_plan() -> list[PlanItem]:
    """Return what closing an account does to each kind of record, from the data map."""
    plan = []
    for model in governed_models():
        own = ownership(model)
        if own is None or not own.is_owned or not declared_fields(model):
            continue
        plan.append(
            PlanItem(
                label=model._meta.label,
                name=str(model._meta.verbose_name_plural).capitalize(),
                description=(model.__doc__ or "").strip().split("\n")[0].replace("``", ""),
                erasure=own.erasure,
                reason=own.erasure_reason,
                retained=tuple(
                    f"{model._meta.get_field(name).verbose_name}: {why}"
                    for name, why in own.retain.items()
                ),
            )
        )
    order = {Erasure.DELETE: 0, Erasure.ANONYMIZE: 1, Erasure.KEEP: 2}
    return sorted(plan, key=lambda item: (order.get(item.erasure, 3), item.name))


def _forget_sign_in_attempts(email: str) -> int:
    """Delete django-axes' records of failed sign-ins under this address (outside the map)."""
    from vivre.accounts.throttling import hashed_username

    hashed = hashed_username(None, {"username": email})
    removed = 0
    for name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        try:
            model = apps.get_model("axes", name)
        except LookupError:
            continue
        removed += model.objects.filter(username__in=[hashed, email]).delete()[0]
    return removed


def erase_customer(user: User) -> ErasureReport:
    """Close ``user``'s account and erase their personal data, in one transaction.

    Every owned row is deleted, anonymized or kept as the data map declares; the
    user row goes last; the address is put on the suppression list. Sends no
    e-mail. Raises ``ErasureRefused`` (and changes nothing) for a staff account or
    when a row that must stay still points at the account.
    """
    if user.is_staff or user.is_superuser:
        raise ErasureRefused(
            "Staff accounts are closed by an administrator, so that the work they did "
            "stays accountable."
        )
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    report = ErasureReport()
    email = user.email
    try:
        with transaction.atomic():
            # Lock the account: a second "close" waits here, then finds nothing left.
            if not user_model.objects.select_for_update().filter(pk=user.pk).exists():
                raise ErasureRefused("This account is already closed.")
            # A snapshot before anything changes: blanking an order's customer and
            # e-mail would hide the rows found through them.
            rows = owned_rows(user)
            deletions = []
            for model, pks in rows.items():
                own = ownership(model)
                label = model._meta.label
                if own.erasure == Erasure.ANONYMIZE:
                    # QuerySet.update: order address snapshots refuse save().
                    model._base_manager.filter(pk__in=pks).update(**anonymized_values(model))
                    report.anonymized[label] = len(pks)
                elif own.erasure == Erasure.DELETE:
                    deletions.append((model, pks))
                else:
                    report.kept[label] = len(pks)
            # The account itself last, once nothing it owns still points at it.
            deletions.sort(key=lambda item: item[0] is user_model)
            for model, pks in deletions:
                report.deleted[model._meta.label] = model._base_manager.filter(pk__in=pks).delete()[
                    0
                ]
            _forget_sign_in_attempts(email)
            suppress(email, Reason.ERASED)
    except (ProtectedError, RestrictedError) as error:
        found = getattr(error, "protected_objects", None) or error.restricted_objects
        blocking = sorted({obj._meta.label for obj in found})
        logger.warning("Account erasure refused: still referenced by %s", ", ".join(blocking))
        raise ErasureRefused(
            "Something we must keep still points at this account; customer care will "
            "close it for you."
        ) from error
    logger.info(
        "Closed a customer account: %d row(s) deleted, %d anonymized, %d kept",
        sum(report.deleted.values()),
        sum(report.anonymized.values()),
        sum(report.kept.values()),
    )
    return report
