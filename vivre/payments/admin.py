from django.contrib import admin

from .models import Payment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Authorisations as the processor reported them; read-only."""

    list_display = ["order", "brand", "last4", "amount", "status", "processor", "created_at"]
    list_filter = ["status", "brand", "processor"]
    search_fields = ["=order__number", "=reference"]
    list_select_related = ["order"]
    fields = ["order", "processor", "reference", "brand", "last4", "amount", "currency",
              "status", "created_at"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
