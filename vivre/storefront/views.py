"""Home page and the designed error pages."""

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from vivre.catalog import selectors
from vivre.catalog.fragments import cached_fragment
from vivre.catalog.models import Department, Product


def _department_tiles(departments):
    """Pair each department with one featured product whose artwork represents it."""
    art = {}
    for pid, dept_id in (
        Product.objects.live()
        .filter(is_featured=True)
        .order_by("name")
        .values_list("id", "category__department_id")
    ):
        art.setdefault(dept_id, pid)
    return [{"department": d, "product_id": art.get(d.pk)} for d in departments]


def home(request):
    """Show the edit: featured pieces, new arrivals and the departments."""

    def build():
        featured = selectors.featured_products(8)
        return render_to_string(
            "storefront/_home_content.html",
            {
                "hero": featured[:2],
                "featured": featured,
                "new_arrivals": selectors.new_arrivals(8),
                "tiles": _department_tiles(Department.objects.all()),
            },
        )

    content = mark_safe(cached_fragment("home", build))  # noqa: S308 - rendered template
    return render(request, "storefront/home.html", {"content": content})


def _error(request, status, title, text):
    return render(
        request,
        "storefront/error.html",
        {"title": title, "text": text, "status": status},
        status=status,
    )


def page_not_found(request, exception=None):
    return _error(
        request,
        404,
        "We couldn’t find that page",
        "It may have moved, or the piece may no longer be in the collection.",
    )


def server_error(request):
    return render(request, "500.html", status=500)


def bad_request(request, exception=None):
    return _error(request, 400, "That request didn’t look right", "Please go back and try again.")


def csrf_failure(request, reason=""):
    """A form sent without its CSRF token (or with a stale one) gets the shop's 403 page."""
    return permission_denied(request)


def permission_denied(request, exception=None):
    return _error(
        request,
        403,
        "That page is not open to you",
        "If you think this is a mistake, please get in touch.",
    )
