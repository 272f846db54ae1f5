"""The shipping methods and the sales tax table a new shop starts with.

Tax rates are combined state and average local rates, for a demo shop; staff
keep them current in the admin.
"""

from decimal import Decimal

from django.db import migrations

SHIPPING_METHODS = [
    # code, name, description, price, free over, position
    ("standard", "Standard", "4–6 business days", "9.95", "250.00", 1),
    ("express", "Express", "2 business days", "24.95", None, 2),
    ("overnight", "Overnight", "Next business day", "39.95", None, 3),
]

TAX_RATES = {
    "AL": "0.09240", "AK": "0.01820", "AZ": "0.08370", "AR": "0.09450", "CA": "0.07250",
    "CO": "0.07810", "CT": "0.06350", "DE": "0", "DC": "0.06000", "FL": "0.07020",
    "GA": "0.07380", "HI": "0.04500", "ID": "0.06030", "IL": "0.08860", "IN": "0.07000",
    "IA": "0.06940", "KS": "0.08650", "KY": "0.06000", "LA": "0.09550", "ME": "0.05500",
    "MD": "0.06000", "MA": "0.06250", "MI": "0.06000", "MN": "0.08040", "MS": "0.07060",
    "MO": "0.08410", "MT": "0", "NE": "0.06970", "NV": "0.08240", "NH": "0",
    "NJ": "0.06625", "NM": "0.07620", "NY": "0.08875", "NC": "0.07000", "ND": "0.07040",
    "OH": "0.07240", "OK": "0.08990", "OR": "0", "PA": "0.06340", "RI": "0.07000",
    "SC": "0.07490", "SD": "0.06110", "TN": "0.09550", "TX": "0.08200", "UT": "0.07190",
    "VT": "0.06360", "VA": "0.05770", "WA": "0.09380", "WV": "0.06550", "WI": "0.05430",
    "WY": "0.05440",
}  # fmt: skip


def create_defaults(apps, schema_editor):
    ShippingMethod = apps.get_model("checkout", "ShippingMethod")
    TaxRate = apps.get_model("checkout", "TaxRate")
    for code, name, description, price, free_over, position in SHIPPING_METHODS:
        ShippingMethod.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "price": Decimal(price),
                "free_over": Decimal(free_over) if free_over else None,
                "position": position,
            },
        )
    for state, rate in TAX_RATES.items():
        TaxRate.objects.get_or_create(state=state, defaults={"rate": Decimal(rate)})


class Migration(migrations.Migration):
    dependencies = [("checkout", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
