"""Care actions: open and resolve an order issue, reveal the phone number for one (P6)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from vivre.core.phone import format_phone
from vivre.orders.models import Order
from vivre.privacy.access import read_personal
from vivre.privacy.datamap import Use

from .errors import CareError, IssueNotOpen
from .models import OrderIssue

SUMMARY_MAX = 2000


def open_issue(*, order: Order, actor, summary: str) -> OrderIssue:
    """Open an issue on ``order`` with the associate's summary of the problem.

    Raises ``CareError`` for an empty or over-long summary.
    """
    summary = summary.strip()
    if not summary:
        raise CareError("Describe the issue in a sentence or two.")
    if len(summary) > SUMMARY_MAX:
        raise CareError(f"Keep the summary under {SUMMARY_MAX} characters.")
    return OrderIssue.objects.create(order=order, opened_by=actor, summary=summary)


def resolve_issue(*, issue: OrderIssue, actor) -> OrderIssue:
    """Mark an open issue resolved; from then on it no longer opens the phone number.

    Raises ``CareError`` if the issue is already resolved.
    """
    with transaction.atomic():
        locked = OrderIssue.objects.select_for_update().get(pk=issue.pk)
        if not locked.is_open:
            raise CareError("This issue is already resolved.")
        locked.status = OrderIssue.Status.RESOLVED
        locked.resolved_at = timezone.now()
        locked.resolved_by = actor
        locked.save(update_fields=["status", "resolved_at", "resolved_by"])
    return locked


def reveal_phone(*, issue: OrderIssue, actor) -> str:
    """Return the order's phone number, formatted, for calling about ``issue``.

    Only an open issue is a reason to see it: raises ``IssueNotOpen`` otherwise.
    The read is recorded in the privacy access log with the actor and the issue;
    the issue row is locked meanwhile, so a concurrent resolve cannot slip between
    the check and the read.
    """
    with transaction.atomic():
        locked = OrderIssue.objects.select_for_update().select_related("order").get(pk=issue.pk)
        if not locked.is_open:
            raise IssueNotOpen(
                "This issue is resolved. The phone number is shown only while an issue "
                "on the order is open."
            )
        raw = read_personal(
            locked.order,
            "phone",
            purpose=Use.CUSTOMER_CARE,
            actor=actor,
            reason=f"order issue {locked.pk}",
        )
    return format_phone(raw)
