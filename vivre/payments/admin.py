"""Payments and refunds in the admin: read-only. Money moves only through the services
(capture at shipment, void on cancel, refunds from the care console), so that every
processor call passes the disclosure gateway and every refund is e-mailed."""

from django.contrib import admin

from .models import Payment, Refund


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    """Authorisations as the processor reported them, with what was captured and refunded."""

    list_display = ["order", "brand", "last4", "amount", "captured_amount", "refunded_amount",
                    "status", "processor", "created_at"]  # fmt: skip
    list_filter = ["status", "brand", "processor"]
    search_fields = ["=order__number", "=reference"]
    list_select_related = ["order"]
    fields = ["order", "processor", "reference", "brand", "last4", "amount", "currency",
              "status", "captured_amount", "captured_at", "refunded_amount", "voided_at",
              "created_at"]  # fmt: skip
    readonly_fields = fields


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    """Money given back: how much, how, why, and by whom."""

    list_display = ["order", "amount", "method", "reason", "created_by", "created_at"]
    list_filter = ["method"]
    search_fields = ["=order__number", "=processor_reference"]
    list_select_related = ["order", "created_by"]
    fields = ["order", "payment", "gift_certificate", "method", "amount", "reason",
              "processor_reference", "created_by", "created_at"]  # fmt: skip
    readonly_fields = fields
