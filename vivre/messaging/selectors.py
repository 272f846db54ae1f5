"""Reads of the outbox for the staff screens."""

from django.db.models import Count, QuerySet

from .models import Message


def outbox(*, state: str | None = None) -> QuerySet[Message]:
    """Return the outbox, newest first, optionally of one state (bodies deferred)."""
    messages = Message.objects.defer("text_body", "html_body").order_by("-created_at")
    if state in Message.State.values:
        messages = messages.filter(state=state)
    return messages


def outbox_counts() -> dict[str, int]:
    """Return how many messages are in each state."""
    counts = dict(Message.objects.values_list("state").annotate(n=Count("pk")).order_by())
    return {state: counts.get(state, 0) for state in Message.State.values}
