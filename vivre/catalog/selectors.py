"""Reads of the catalogue for the shop's pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, Prefetch, QuerySet, When

from .models import Product, ProductImage, Variant

# The columns a product card needs; listings load nothing else.
CARD_FIELDS = ("id", "slug", "name", "price_from", "in_stock", "is_featured", "created_at")


@dataclass(frozen=True)
class SortOption:
    key: str
    label: str
    ordering: tuple[str, ...]


SORT_OPTIONS = {
    option.key: option
    for option in (
        SortOption("featured", "Featured", ("-is_featured", "name", "id")),
        SortOption("newest", "Newest", ("-created_at", "id")),
        SortOption("price-asc", "Price: low to high", ("price_from", "name", "id")),
        SortOption("price-desc", "Price: high to low", ("-price_from", "name", "id")),
        SortOption("name", "Name: A to Z", ("name", "id")),
    )
}
DEFAULT_SORT = "featured"


def sort_option(key: str | None) -> SortOption:
    """Return the sort named by ``key``, or the default for an unknown one."""
    return SORT_OPTIONS.get(key or DEFAULT_SORT, SORT_OPTIONS[DEFAULT_SORT])


def product_cards() -> QuerySet[Product]:
    """Return live products with just the fields a product card shows."""
    return Product.objects.live().only(*CARD_FIELDS)


def paginate(queryset, *, page: str | int | None, page_size: int) -> Page:
    """Return the requested page, falling back to the first or last page on bad input."""
    return Paginator(queryset, page_size).get_page(page)


def department_listing(department_id: int, *, sort: SortOption) -> QuerySet[Product]:
    """Return a department's live products in the chosen order."""
    return product_cards().filter(category__department_id=department_id).order_by(*sort.ordering)


def category_listing(category_id: int, *, sort: SortOption) -> QuerySet[Product]:
    """Return a category's live products in the chosen order."""
    return product_cards().filter(category_id=category_id).order_by(*sort.ordering)


def featured_products(limit: int = 8) -> list[Product]:
    """Return featured products for the home page."""
    return list(product_cards().filter(is_featured=True, in_stock=True).order_by("name")[:limit])


def new_arrivals(limit: int = 8) -> list[Product]:
    """Return the newest products."""
    return list(product_cards().order_by("-created_at", "id")[:limit])


def product_for_page(slug: str) -> Product | None:
    """Return a live product with its category, variants and images, in three queries."""
    return (
        Product.objects.live()
        .select_related("category__department")
        .prefetch_related(
            Prefetch("variants", queryset=Variant.objects.filter(is_active=True)),
            Prefetch("images", queryset=ProductImage.objects.all()),
        )
        .filter(slug=slug)
        .first()
    )


def related_products(product: Product, limit: int = 4) -> list[Product]:
    """Return other products from the same category, for "you may also like"."""
    return list(
        product_cards()
        .filter(category_id=product.category_id, in_stock=True)
        .exclude(pk=product.pk)
        .order_by("-is_featured", "name")[:limit]
    )


def products_in_order(ids: list[int]) -> list[Product]:
    """Return the products with these ids, in the order given (search results)."""
    if not ids:
        return []
    ranking = Case(*[When(pk=pk, then=i) for i, pk in enumerate(ids)], output_field=IntegerField())
    return list(product_cards().filter(pk__in=ids).order_by(ranking))
