"""The ledgers in the admin: readable, never editable."""

from django.contrib import admin

from .models import AccessRecord, ConsentRecord


class ReadOnlyLedgerAdmin(admin.ModelAdmin):
    """A ledger is appended to by the shop, never by hand."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyLedgerAdmin):
    list_display = ["created_at", "subject_key", "purpose", "granted", "channel", "recorded_by"]
    list_filter = ["purpose", "granted", "channel"]
    search_fields = ["subject_key", "recorded_by"]
    date_hierarchy = "created_at"


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyLedgerAdmin):
    list_display = ["created_at", "subject_type", "subject_id", "field", "purpose", "actor_label"]
    list_filter = ["subject_type", "field", "purpose"]
    search_fields = ["subject_id", "actor_label", "reason"]
    date_hierarchy = "created_at"
