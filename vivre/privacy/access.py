"""Purpose-bound access: reads of personal data that name their purpose and reader.

``read_personal`` is the one way screens and services read a field the data map
calls sensitive. It refuses a purpose the field's declaration does not list, and
writes an ``AccessRecord`` for every read of a sensitive category, before the
value is handed out, so no read goes unrecorded::

    phone = read_personal(
        order, "phone", purpose=Use.CUSTOMER_CARE, actor=request.user,
        reason=f"order issue {issue.pk}",
    )
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models

from .datamap import Category, FieldEntry, declared_fields
from .models import AccessRecord

#: Categories whose every read is recorded: phone numbers, card and other financial
#: data, private content (correspondence), demographics. A key matches itself and
#: everything below it in the fideslang tree.
SENSITIVE_CATEGORIES = (
    Category.PHONE,
    Category.FINANCIAL,
    Category.PRIVATE_CONTENT,
    "user.demographic",
)


class PurposeNotAllowed(PermissionDenied):
    """A read named a purpose the data map does not allow for that field."""


def is_sensitive(category: str) -> bool:
    """Return True if reads of ``category`` must be recorded."""
    return any(category == key or category.startswith(f"{key}.") for key in SENSITIVE_CATEGORIES)


def field_entry(model: type[models.Model], field: str) -> FieldEntry | None:
    """Return the data-map entry of ``model.field``, or None if it is not declared personal."""
    return next((e for e in declared_fields(model) if e.field == field), None)


def _actor(actor: Any) -> tuple[str, int | None]:
    if isinstance(actor, str) and actor.strip():
        return actor.strip()[:150], None
    if getattr(actor, "is_authenticated", False):
        return actor.get_username()[:150], actor.pk
    raise ValueError("A read of personal data must name its actor: a signed-in user or a process.")


def read_personal(obj: models.Model, field: str, *, purpose: str, actor: Any, reason: str = ""):
    """Return ``obj.field`` for ``purpose``, recording the read if the field is sensitive.

    ``actor`` is the staff ``User`` reading, or a label such as "system" for a
    process. Raises ``PurposeNotAllowed`` if the field is not declared personal
    or ``purpose`` is not among its declared purposes; nothing is recorded then.
    """
    model = type(obj)
    entry = field_entry(model, field)
    if entry is None:
        raise PurposeNotAllowed(
            f"{model._meta.label}.{field} is not declared personal data; "
            "read it directly, not through read_personal."
        )
    if purpose not in entry.purposes:
        raise PurposeNotAllowed(
            f"{entry.label} may not be read for {purpose!r}; "
            f"its declared purposes are {', '.join(entry.purposes)}."
        )
    actor_label, actor_id = _actor(actor)
    if is_sensitive(entry.category):
        AccessRecord.objects.create(
            subject_type=model._meta.label,
            subject_id=str(obj.pk),
            field=field,
            category=entry.category,
            purpose=purpose,
            actor_label=actor_label,
            actor_id=actor_id,
            reason=reason[:200],
        )
    return getattr(obj, field)


def access_log_for(subject: models.Model) -> models.QuerySet[AccessRecord]:
    """Return the recorded reads of ``subject``'s sensitive fields, newest first."""
    return AccessRecord.objects.filter(
        subject_type=type(subject)._meta.label, subject_id=str(subject.pk)
    ).order_by("-created_at", "-id")
