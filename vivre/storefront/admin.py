from django import forms
from django.contrib import admin

from .models import Page


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "position", "revised_on", "updated_at"]
    list_display_links = ["title"]
    list_editable = ["position"]
    search_fields = ["title", "slug", "summary", "body"]
    ordering = ["position", "title"]
    readonly_fields = ["updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary"]}),
        ("Text", {"fields": ["body"]}),
        ("Publishing", {"fields": ["position", "revised_on", "updated_at"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = forms.Textarea(
                attrs={
                    "rows": 32,
                    "cols": 100,
                    "spellcheck": "true",
                    "style": "font-family: ui-monospace, Menlo, monospace; width: 100%;",
                }
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
