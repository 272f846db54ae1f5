"""Shipping charges and sales tax."""

from decimal import Decimal

import pytest

from vivre.checkout.models import ShippingMethod, TaxRate
from vivre.checkout.pricing import quote, tax_rate_for

pytestmark = pytest.mark.django_db


def test_defaults_offer_three_methods_and_every_state_a_rate(checkout_defaults):
    # given the migrated defaults
    methods = list(ShippingMethod.objects.values_list("code", "price", "free_over"))

    # then Standard is free from $250, and all 50 states and DC have a rate
    assert methods == [
        ("standard", Decimal("9.95"), Decimal("250.00")),
        ("express", Decimal("24.95"), None),
        ("overnight", Decimal("39.95"), None),
    ]
    assert TaxRate.objects.count() == 51
    assert tax_rate_for("NY") == Decimal("0.08875")
    assert tax_rate_for("OR") == Decimal("0")
    assert tax_rate_for("GU") == Decimal("0")  # no rate set: none charged


@pytest.mark.parametrize(
    ("subtotal", "charge"),
    [("249.99", "9.95"), ("250.00", "0.00"), ("1000.00", "0.00"), ("0.01", "9.95")],
)
def test_standard_shipping_is_free_from_250(checkout_defaults, subtotal, charge):
    standard = ShippingMethod.objects.get(code="standard")
    assert quote(subtotal=Decimal(subtotal), method=standard, state="OR").shipping_charge == (
        Decimal(charge)
    )


@pytest.mark.parametrize(
    ("subtotal", "state", "tax"),
    [
        ("100.00", "NY", "8.88"),  # 8.875 rounds half up
        ("200.00", "NY", "17.75"),
        ("10.00", "NJ", "0.66"),  # 0.6625
        ("30.00", "NJ", "1.99"),  # 1.9875
        ("99.99", "CA", "7.25"),  # 7.249275
        ("500.00", "DE", "0.00"),
    ],
)
def test_tax_is_on_merchandise_rounded_half_up(checkout_defaults, subtotal, state, tax):
    express = ShippingMethod.objects.get(code="express")
    result = quote(subtotal=Decimal(subtotal), method=express, state=state)
    assert result.tax == Decimal(tax)
    assert result.total == Decimal(subtotal) + Decimal("24.95") + Decimal(tax)
