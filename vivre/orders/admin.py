from django.contrib import admin

from .models import Order, OrderEvent, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ["product_name", "variant_label", "sku", "unit_price", "quantity", "line_total"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OrderEventInline(admin.TabularInline):
    """The order's history, oldest first; written only by the order services."""

    model = OrderEvent
    fields = ["created_at", "type", "actor_label", "data"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor_user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="by")
    def actor_label(self, obj):
        return obj.actor_label


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders are records: staff read them here; changes go through services.

    The phone number and IP address are left out on purpose: care sees the phone
    only for an open order issue (P6), and the IP serves diagnostics alone (P11).
    """

    list_display = ["number", "status", "email", "total", "created_at"]
    list_filter = ["status", "shipping_method_code", "created_at"]
    search_fields = ["=number", "email"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderEventInline]
    fields = [
        "number", "status", "email", "shipping_label", "billing_label",
        "shipping_method_name", "subtotal", "shipping_charge", "tax_rate", "tax", "total",
        "currency", "created_at", "updated_at",
    ]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("shipping_address", "billing_address")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Ship to")
    def shipping_label(self, obj):
        return ", ".join(obj.shipping_address.lines)

    @admin.display(description="Bill to")
    def billing_label(self, obj):
        return ", ".join(obj.billing_address.lines)
