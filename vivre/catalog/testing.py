"""Helpers that make catalogue rows for tests."""

from decimal import Decimal
from itertools import count

from .models import Category, Department, Product, Variant

_seq = count(1)


def make_department(**kwargs) -> Department:
    n = next(_seq)
    return Department.objects.create(
        **{"slug": f"dept-{n}", "name": f"Department {n}", "position": n, **kwargs}
    )


def make_category(department: Department | None = None, **kwargs) -> Category:
    n = next(_seq)
    return Category.objects.create(
        department=department or make_department(),
        **{"slug": f"cat-{n}", "name": f"Category {n}", "position": n, **kwargs},
    )


def make_product(
    category: Category | None = None,
    *,
    price: str | Decimal = "100.00",
    stock: int = 10,
    variants: int = 1,
    **kwargs,
) -> Product:
    """Create an active product with ``variants`` variants, each at ``price`` with ``stock``."""
    n = next(_seq)
    product = Product.objects.create(
        category=category or make_category(),
        **{
            "slug": f"product-{n}",
            "name": f"Product {n}",
            "description": f"A description of product {n}.",
            **kwargs,
        },
    )
    for i in range(variants):
        Variant.objects.create(
            product=product,
            sku=f"SKU-{n}-{i}",
            colour=["Ivory", "Ink", "Brass", "Sage"][i % 4],
            colour_hex=["#f4efe6", "#1d1d1b", "#b08d57", "#9caf88"][i % 4],
            price=Decimal(price),
            stock=stock,
            position=i,
        )
    product.refresh_summary()
    return product
