"""Merchandisers keep stock in the admin; listings follow at once."""

import pytest

from vivre.accounts.models import User
from vivre.catalog.testing import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("merch@vivre.example", "x" * 12))
    return client


def test_stock_change_in_the_admin_updates_the_listing_state(staff_client):
    # given a product whose only variant is sold out
    product = make_product(stock=0)
    variant = product.variants.get()
    assert not product.in_stock

    # when a merchandiser sets its stock in the variant list
    response = staff_client.post(
        f"/admin/catalog/variant/{variant.pk}/change/",
        {"product": product.pk, "sku": variant.sku, "colour": variant.colour,
         "colour_hex": variant.colour_hex, "size": "", "price": "80.00",
         "compare_at_price": "", "stock": 7, "is_active": "on", "position": 0},
    )  # fmt: skip

    # then the product is in stock again, at the new price
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.in_stock and str(product.price_from) == "80.00"


@pytest.mark.parametrize(
    "url",
    ["/admin/catalog/product/", "/admin/catalog/variant/", "/admin/catalog/department/",
     "/admin/cart/cart/"],
)  # fmt: skip
def test_admin_lists_open(staff_client, url):
    make_product()
    assert staff_client.get(url).status_code == 200
