"""The demo catalogue: its shape, its realism, and that loading it twice changes nothing."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Min
from django.utils import timezone

from vivre.catalog import demo
from vivre.catalog.art import MOTIFS
from vivre.catalog.models import Category, Department, Product, ProductImage, Variant
from vivre.catalog.search import search_products


def _remove_demo():
    slugs = [spec.slug for spec in demo.DEPARTMENTS]
    Product.objects.filter(category__department__slug__in=slugs).delete()
    Category.objects.filter(department__slug__in=slugs).delete()
    Department.objects.filter(slug__in=slugs).delete()


@pytest.fixture(scope="module")
def demo_catalogue(django_db_setup, django_db_blocker):
    """Load the demo once for the module, and take it away afterwards."""
    with django_db_blocker.unblock():
        out = StringIO()
        call_command("load_demo", stdout=out)
        try:
            yield out.getvalue()
        finally:
            _remove_demo()


def _snapshot():
    return {
        "departments": sorted(Department.objects.values_list("id", "slug")),
        "categories": sorted(Category.objects.values_list("id", "slug")),
        "products": sorted(
            Product.objects.values_list("id", "slug", "name", "created_at", "price_from")
        ),
        "variants": sorted(Variant.objects.values_list("id", "sku", "price", "stock")),
        "images": sorted(ProductImage.objects.values_list("id", "product_id", "alt_text")),
    }


def test_load_demo_prints_a_one_line_summary(demo_catalogue):
    # then
    assert demo_catalogue.count("\n") == 1
    assert f"{demo.DEMO_PRODUCTS} products" in demo_catalogue


@pytest.mark.django_db
def test_demo_has_six_departments_of_three_to_five_categories(demo_catalogue):
    # when
    departments = Department.objects.annotate(n=Count("categories"))

    # then
    assert departments.count() >= 6
    assert all(3 <= d.n <= 5 for d in departments)


@pytest.mark.django_db
def test_demo_has_over_320_products_with_distinct_names(demo_catalogue):
    # when
    names = list(Product.objects.values_list("name", flat=True))

    # then
    assert len(names) >= 320
    assert len(set(names)) == len(names)


@pytest.mark.django_db
def test_every_product_has_a_variant_an_image_with_alt_text_and_a_drawn_motif(demo_catalogue):
    # when
    products = Product.objects.annotate(variant_count=Count("variants", distinct=True))

    # then
    assert all(1 <= p.variant_count <= 4 for p in products)
    assert not Product.objects.filter(images__isnull=True).exists()
    assert not ProductImage.objects.filter(alt_text="").exists()
    assert set(Product.objects.values_list("art_motif", flat=True)) <= set(MOTIFS)
    assert len(set(Product.objects.values_list("art_motif", flat=True))) >= 12
    assert ProductImage.objects.filter(angle="front").count() == Product.objects.count()


@pytest.mark.django_db
def test_copy_reads_like_a_boutique_not_a_placeholder(demo_catalogue):
    # when
    text = " ".join(Product.objects.values_list("description", flat=True)).lower()
    alt = ProductImage.objects.filter(angle="front").values_list("alt_text", flat=True)

    # then
    assert "lorem" not in text and "ipsum" not in text
    assert Product.objects.filter(details__contains="Care:").count() == Product.objects.count()
    assert all(", front view" in a and " in " in a for a in alt)


@pytest.mark.django_db
def test_prices_are_realistic_and_sales_are_real_reductions(demo_catalogue):
    # when
    prices = list(Variant.objects.values_list("price", "compare_at_price"))

    # then
    assert all(Decimal(18) <= price <= Decimal(1400) for price, _ in prices)
    on_sale = [(price, was) for price, was in prices if was is not None]
    assert on_sale and all(was > price for price, was in on_sale)


@pytest.mark.django_db
def test_most_variants_are_in_stock_a_few_are_low_or_sold_out(demo_catalogue):
    # when
    stock = list(Variant.objects.values_list("stock", flat=True))

    # then
    sold_out = sum(1 for s in stock if s == 0)
    low = sum(1 for s in stock if 1 <= s <= 3)
    assert 0 < sold_out < len(stock) * 0.15
    assert 0 < low < len(stock) * 0.2


@pytest.mark.django_db
def test_variants_have_swatches_and_unique_skus(demo_catalogue):
    # then
    assert not Variant.objects.filter(colour_hex="").exists()
    assert Variant.objects.filter(size="").exists() and Variant.objects.exclude(size="").exists()
    assert Variant.objects.values("sku").distinct().count() == Variant.objects.count()


@pytest.mark.django_db
def test_about_twelve_products_are_featured(demo_catalogue):
    # then
    assert 10 <= Product.objects.filter(is_featured=True).count() <= 14


@pytest.mark.django_db
def test_new_arrivals_are_spread_over_the_last_four_months(demo_catalogue):
    # when
    dates = list(Product.objects.values_list("created_at", flat=True))
    now = timezone.now()

    # then
    assert min(dates) >= now - timedelta(days=demo.NEW_ARRIVAL_WINDOW_DAYS + 1)
    assert max(dates) - min(dates) > timedelta(days=90)


@pytest.mark.django_db
def test_summary_fields_match_the_variants(demo_catalogue):
    # when
    products = Product.objects.annotate(low=Min("variants__price"))

    # then
    for product in products:
        assert product.price_from == product.low
        assert product.in_stock == product.variants.filter(stock__gt=0).exists()


@pytest.mark.django_db
def test_loading_again_leaves_the_same_rows(demo_catalogue):
    # given
    before = _snapshot()

    # when
    call_command("load_demo", stdout=StringIO())

    # then
    assert _snapshot() == before


@pytest.mark.django_db
def test_if_empty_loads_nothing_when_products_exist(demo_catalogue):
    # given
    Product.objects.filter(slug=Product.objects.first().slug).update(name="Kept As Edited")
    out = StringIO()

    # when
    call_command("load_demo", "--if-empty", stdout=out)

    # then
    assert Product.objects.filter(name="Kept As Edited").exists()
    assert "not loaded" in out.getvalue()


@pytest.mark.django_db
def test_products_option_makes_a_catalogue_of_that_size(demo_catalogue):
    # given
    _remove_demo()

    # when
    call_command("load_demo", "--products", "400", stdout=StringIO())

    # then
    assert Product.objects.count() == 400
    assert Product.objects.filter(variants__isnull=True).count() == 0
    assert Product.objects.values("slug").distinct().count() == 400


@pytest.mark.django_db
def test_a_small_catalogue_still_spans_every_department(demo_catalogue):
    # given
    _remove_demo()

    # when
    call_command("load_demo", "--products", "40", stdout=StringIO())

    # then
    assert Product.objects.count() == 40
    assert Product.objects.values("category__department").distinct().count() == 6


@pytest.mark.django_db
def test_bulk_loaded_products_are_in_the_search_index(demo_catalogue):
    # given
    expected = set(
        Product.objects.filter(description__icontains="cashmere").values_list("id", flat=True)
    ) | set(Product.objects.filter(name__icontains="cashmere").values_list("id", flat=True))

    # when
    found = set(search_products("cashmere", limit=10_000))

    # then
    assert expected and found == expected


def test_the_catalogue_is_the_same_on_every_run():
    # when
    first, second = demo.catalogue(demo.DEMO_PRODUCTS + 20), demo.catalogue(demo.DEMO_PRODUCTS + 20)

    # then
    assert [(d.slug, d.description, d.art_seed) for d in first] == [
        (d.slug, d.description, d.art_seed) for d in second
    ]
    assert len({d.slug for d in first}) == len(first)
