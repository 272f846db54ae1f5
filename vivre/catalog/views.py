"""Catalogue pages: departments, categories, products and search."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from vivre.cart.forms import AddToCartForm

from . import selectors
from .models import Category, Department
from .search import search_products

MAX_QUERY_LENGTH = 100


def _listing_context(request, queryset, sort):
    page = selectors.paginate(
        queryset, page=request.GET.get("page"), page_size=settings.VIVRE["PAGE_SIZE"]
    )
    return {
        "page_obj": page,
        "products": page.object_list,
        "sort": sort,
        "sort_options": selectors.SORT_OPTIONS.values(),
    }


def department(request, department):
    """List a department's products, with its categories as filters."""
    dept = get_object_or_404(Department, slug=department)
    sort = selectors.sort_option(request.GET.get("sort"))
    context = _listing_context(request, selectors.department_listing(dept, sort=sort), sort)
    context.update(
        department=dept,
        categories=list(dept.categories.all()),
        current_department_slug=dept.slug,
    )
    return render(request, "catalog/listing.html", context)


def category(request, department, category):
    """List a category's products."""
    cat = get_object_or_404(
        Category.objects.select_related("department"),
        department__slug=department,
        slug=category,
    )
    sort = selectors.sort_option(request.GET.get("sort"))
    context = _listing_context(request, selectors.category_listing(cat, sort=sort), sort)
    context.update(
        department=cat.department,
        category=cat,
        categories=list(cat.department.categories.all()),
        current_department_slug=cat.department.slug,
    )
    return render(request, "catalog/listing.html", context)


def product_page_context(product, *, form=None, chosen_variant_id=None):
    """Return what the product page shows; also used to re-show it with a cart error."""
    variants = list(product.variants.all())
    buyable = [v for v in variants if v.stock > 0]
    if chosen_variant_id is None and buyable:
        chosen_variant_id = buyable[0].pk
    return {
        "product": product,
        "variants": variants,
        "images": list(product.images.all()),
        "chosen_variant_id": chosen_variant_id,
        "price_varies": len({v.price for v in variants}) > 1,
        "form": form or AddToCartForm(initial={"quantity": 1}),
        "related": selectors.related_products(product),
        "current_department_slug": product.category.department.slug,
        "max_quantity": settings.VIVRE["CART_MAX_QUANTITY"],
    }


def product(request, slug):
    """Show a product with its variants, stock state and the add-to-bag form."""
    found = selectors.product_for_page(slug)
    if found is None:
        raise Http404("No such product")
    chosen = request.GET.get("variant")
    chosen_id = int(chosen) if chosen and chosen.isdigit() else None
    return render(
        request, "catalog/product.html", product_page_context(found, chosen_variant_id=chosen_id)
    )


def search(request):
    """Search product names and descriptions, best matches first."""
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    ids = search_products(query) if query else []
    page = selectors.paginate(
        ids, page=request.GET.get("page"), page_size=settings.VIVRE["PAGE_SIZE"]
    )
    return render(
        request,
        "catalog/search.html",
        {
            "search_query": query,
            "page_obj": page,
            "products": selectors.products_in_order(list(page.object_list)),
            "result_count": len(ids),
        },
    )
