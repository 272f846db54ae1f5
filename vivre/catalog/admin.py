"""Back office for merchandisers: the catalogue and its stock."""

from django.contrib import admin

from .models import Category, Department, Product, ProductImage, Variant


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CategoryInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "slug", "position"]
    list_filter = ["department"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ["sku", "colour", "colour_hex", "size", "price", "compare_at_price", "stock",
              "is_active", "position"]  # fmt: skip


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["position", "angle", "variant", "alt_text"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "price_from", "in_stock", "is_featured", "is_active",
                    "created_at"]  # fmt: skip
    list_filter = ["is_active", "is_featured", "in_stock", "category__department"]
    list_select_related = ["category__department"]
    search_fields = ["name", "slug", "variants__sku"]
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ["price_from", "in_stock", "created_at", "updated_at"]
    inlines = [VariantInline, ProductImageInline]
    list_per_page = 50

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Listings read the summary; keep it true after variants were edited.
        form.instance.refresh_summary()


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    """Stock at a glance: merchandisers adjust quantities straight from the list."""

    list_display = ["sku", "product", "colour", "size", "price", "stock", "is_active"]
    list_editable = ["stock", "price", "is_active"]
    list_filter = ["is_active", "product__category__department"]
    list_select_related = ["product"]
    search_fields = ["sku", "product__name"]
    raw_id_fields = ["product"]
    list_per_page = 100

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.product.refresh_summary()
