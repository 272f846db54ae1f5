from django.contrib import admin, messages
from django.db import transaction

from . import services
from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox, read-only: a message changes only through delivery or "retry now"."""

    list_display = ["created_at", "kind", "to_address", "subject_line", "state", "attempts"]
    list_filter = ["state", "kind"]
    search_fields = ["to_address", "subject_line", "=message_id", "=dedupe_key"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["retry_now"]
    fields = [
        "id",
        "kind",
        "state",
        "to_address",
        "subject_line",
        "message_id",
        "dedupe_key",
        "order_id",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "created_at",
        "updated_at",
        "text_body",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry now (queued or failed messages)")
    def retry_now(self, request, queryset):
        retried = 0
        with transaction.atomic():
            for message in queryset.filter(
                state__in=[Message.State.QUEUED, Message.State.FAILED]
            ).select_for_update():
                services.retry_now(message=message)
                retried += 1
        self.message_user(request, f"{retried} message(s) queued for delivery.", messages.SUCCESS)
