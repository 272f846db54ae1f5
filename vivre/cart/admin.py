"""Carts are visible to staff for diagnosing problems (P11); they are not edited."""

from django.contrib import admin

from .models import Cart, CartLine


class CartLineInline(admin.TabularInline):
    model = CartLine
    extra = 0
    can_delete = False
    readonly_fields = ["variant", "quantity", "price_seen", "added_at"]


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "updated_at", "checked_out_at", "ip_address"]
    readonly_fields = ["id", "ip_address", "ip_recorded_at", "checked_out_at", "created_at",
                       "updated_at"]  # fmt: skip
    inlines = [CartLineInline]

    def has_add_permission(self, request):
        return False
