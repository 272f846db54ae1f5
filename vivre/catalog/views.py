"""Catalogue pages: departments, categories, products and search."""

import hashlib

from django.conf import settings
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from vivre.cart.forms import AddToCartForm

from . import selectors
from .fragments import cached_fragment, catalog_version
from .models import Category, Department
from .search import search_products
from .templatetags.catalog_tags import product_grid

MAX_QUERY_LENGTH = 100
# Stands in for the visitor's CSRF token in a cached product page body.
CSRF_PLACEHOLDER = "__vivre_csrf_token__"


def _page_number(request) -> int:
    """Return the requested page as a number; the paginator settles out-of-range ones."""
    raw = request.GET.get("page", "")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


def _listing(request, *, key: str, queryset, context, sort, version: str) -> str:
    """Return the listing's HTML (filters, grid, pagination), cached per catalogue version.

    ``queryset`` and ``context`` are callables, so a cache hit builds neither.
    """
    page_number = _page_number(request)

    def build():
        page = selectors.paginate(
            queryset(), page=page_number, page_size=settings.VIVRE["PAGE_SIZE"]
        )
        return render_to_string(
            "catalog/_listing_content.html",
            {
                **context(),
                "page_obj": page,
                "products": page.object_list,
                "sort": sort,
                "sort_options": selectors.SORT_OPTIONS.values(),
            },
        )

    html = cached_fragment(f"{key}:{sort.key}:{page_number}", build, version=version)
    return mark_safe(html)  # noqa: S308 - a rendered template


def _shelf(department: str, category: str | None, *, version: str) -> dict | None:
    """Return the department (and category) named in the URL as plain values, or None."""

    def build():
        dept = Department.objects.filter(slug=department).values().first()
        if dept is None:
            return False
        shelf = {
            "department": dept,
            "categories": list(
                Category.objects.filter(department_id=dept["id"]).values("id", "slug", "name")
            ),
            "category": None,
        }
        if category is not None:
            shelf["category"] = next(
                (
                    c
                    for c in Category.objects.filter(
                        department_id=dept["id"], slug=category
                    ).values()
                ),
                None,
            )
            if shelf["category"] is None:
                return False
        return shelf

    return cached_fragment(f"shelf:{department}:{category}", build, version=version) or None


def _shelf_page(request, department: str, category: str | None = None):
    """Render a department's or a category's listing page."""
    version = catalog_version()
    shelf = _shelf(department, category, version=version)
    if shelf is None:
        raise Http404("No such department or category")
    sort = selectors.sort_option(request.GET.get("sort"))
    if shelf["category"] is None:
        key_id = shelf["department"]["id"]
        key, listing = f"department:{key_id}", selectors.department_listing
    else:
        key_id = shelf["category"]["id"]
        key, listing = f"category:{key_id}", selectors.category_listing
    content = _listing(
        request,
        key=key,
        queryset=lambda: listing(key_id, sort=sort),
        context=lambda: shelf,
        sort=sort,
        version=version,
    )
    return render(
        request,
        "catalog/listing.html",
        {
            "department": shelf["department"],
            "category": shelf["category"],
            "content": content,
            "current_department_slug": department,
        },
    )


def department(request, department):
    """List a department's products, with its categories as filters."""
    return _shelf_page(request, department)


def category(request, department, category):
    """List a category's products."""
    return _shelf_page(request, department, category)


def product_bundle(slug: str, *, version: str | None = None) -> dict | None:
    """Return the product, its variants, images and related grid, cached per catalogue version."""

    def build():
        found = selectors.product_for_page(slug)
        if found is None:
            return False  # cached too: a miss is an answer
        related = selectors.related_products(found)
        return {
            "product": found,
            "variants": list(found.variants.all()),
            "images": list(found.images.all()),
            "related_html": product_grid(related) if related else "",
        }

    return cached_fragment(f"product:{slug}", build, version=version) or None


def product_page_context(bundle: dict, *, form=None, chosen_variant_id=None) -> dict:
    """Return what the product page shows; also used to re-show it with a cart error."""
    variants = bundle["variants"]
    buyable = [v for v in variants if v.stock > 0]
    if chosen_variant_id is None and buyable:
        chosen_variant_id = buyable[0].pk
    product = bundle["product"]
    return {
        **bundle,
        "chosen_variant_id": chosen_variant_id,
        "price_varies": len({v.price for v in variants}) > 1,
        "form": form or AddToCartForm(initial={"quantity": 1}),
        "current_department_slug": product.category.department.slug,
        "max_quantity": settings.VIVRE["CART_MAX_QUANTITY"],
    }


def product(request, slug):
    """Show a product with its variants, stock state and the add-to-bag form."""
    version = catalog_version()
    chosen = request.GET.get("variant")
    chosen_id = int(chosen) if chosen and chosen.isdigit() and len(chosen) < 12 else None
    if chosen_id is not None:
        bundle = product_bundle(slug, version=version)
        if bundle is None:
            raise Http404("No such product")
        context = product_page_context(bundle, chosen_variant_id=chosen_id)
        return render(request, "catalog/product.html", context)

    def build():
        bundle = product_bundle(slug, version=version)
        if bundle is None:
            return False
        found = bundle["product"]
        return {
            # Plain values only: unpickling model instances on every view costs more
            # than rendering the page head.
            "product": {"name": found.name},
            "meta_description": Truncator(found.description).chars(160),
            "department_slug": found.category.department.slug,
            # The usual view (default option, no errors); the visitor's CSRF token
            # is put in on the way out.
            "body": render_to_string(
                "catalog/_product_body.html",
                {**product_page_context(bundle), "csrf_token": CSRF_PLACEHOLDER},
            ),
        }

    page = cached_fragment(f"product-page:{slug}", build, version=version)
    if not page:
        raise Http404("No such product")
    return render(
        request,
        "catalog/product.html",
        {
            "product": page["product"],
            "meta_description": page["meta_description"],
            "content": mark_safe(page["body"].replace(CSRF_PLACEHOLDER, get_token(request))),  # noqa: S308
            "current_department_slug": page["department_slug"],
        },
    )


def search(request):
    """Search product names and descriptions, best matches first."""
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    page_number = _page_number(request)

    def build():
        ids = search_products(query) if query else []
        page = selectors.paginate(ids, page=page_number, page_size=settings.VIVRE["PAGE_SIZE"])
        return render_to_string(
            "catalog/_search_content.html",
            {
                "search_query": query,
                "page_obj": page,
                "products": selectors.products_in_order(list(page.object_list)),
                "result_count": len(ids),
            },
        )

    digest = hashlib.blake2b(query.lower().encode(), digest_size=12).hexdigest()
    content = mark_safe(cached_fragment(f"search:{digest}:{page_number}", build))  # noqa: S308
    return render(request, "catalog/search.html", {"search_query": query, "content": content})
