"""The access log in the admin: readable, never editable."""

from django.contrib import admin

from .models import AccessRecord


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject_type", "subject_id", "field", "purpose", "actor_label"]
    list_filter = ["subject_type", "field", "purpose"]
    search_fields = ["subject_id", "actor_label", "reason"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AccessRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
