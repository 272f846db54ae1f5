from django.contrib import admin

from .models import ShippingMethod, TaxRate


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "price", "free_over", "description", "position", "active"]
    list_editable = ["price", "free_over", "position", "active"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ["state", "rate"]
    list_editable = ["rate"]
    search_fields = ["state"]
