"""Gift certificates in the admin: read-only, never a code (only its last four), the
balance computed from the ledger."""

from django.contrib import admin
from django.utils.html import format_html_join

from vivre.core.money import format_usd

from . import giftcertificates
from .models import GiftCertificate


@admin.register(GiftCertificate)
class GiftCertificateAdmin(admin.ModelAdmin):
    """Certificates as the ledger sees them. Changing money goes through the services."""

    list_display = ["__str__", "kind", "status", "amount", "balance", "deliver_on", "order"]
    list_filter = ["kind", "status"]
    search_fields = ["=order__number", "=code_hint"]
    list_select_related = ["order"]
    # Who it is for and the message are the recipient's: not shown here.
    fields = ["kind", "status", "code_hint", "amount", "balance", "currency", "order",
              "deliver_on", "delivered_at", "created_at", "ledger"]  # fmt: skip
    readonly_fields = fields

    @admin.display(description="balance")
    def balance(self, obj):
        return format_usd(giftcertificates.balance(obj))

    @admin.display(description="ledger entries")
    def ledger(self, obj):
        entries = obj.entries.select_related("transaction").order_by("id")
        return format_html_join(
            "\n",
            "<div>{} · {} · {}</div>",
            (
                (
                    entry.transaction.created_at.strftime("%Y-%m-%d %H:%M"),
                    entry.transaction.get_kind_display(),
                    format_usd(entry.amount),
                )
                for entry in entries
            ),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
