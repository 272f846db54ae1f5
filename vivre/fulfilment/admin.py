from django.contrib import admin

from .models import Shipment, ShipmentLine


class ShipmentLineInline(admin.TabularInline):
    model = ShipmentLine
    fields = ["order_line", "quantity"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    """Shipments are records: staff ship and add tracking numbers in the back office."""

    list_display = ["order", "carrier", "status", "tracking_number", "shipped_at"]
    list_filter = ["carrier", "status", "shipped_at"]
    search_fields = ["=order__number", "=tracking_number"]
    list_select_related = ["order"]
    fields = ["order", "carrier", "status", "tracking_number", "shipped_at", "created_at"]
    readonly_fields = fields
    inlines = [ShipmentLineInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
