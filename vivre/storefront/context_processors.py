"""What every page needs: the store's details, departments for the menu, the bag count."""

from functools import cache as memoize

from django.conf import settings
from django.core.cache import cache
from django.templatetags.static import static

from vivre.cart.selectors import cart_count_for_request
from vivre.catalog.models import Department

from .service import SERVICE_LINKS, privacy_policy_revised


def _departments():
    departments = cache.get("nav_departments")
    if departments is None:
        departments = list(Department.objects.values("slug", "name"))
        cache.set("nav_departments", departments, 60)
    return departments


@memoize
def _asset_urls() -> dict[str, str]:
    """Resolve the layout's static URLs once per process (hashed names in production)."""
    return {
        "css": static("vivre/vivre.css"),
        "favicon": static("vivre/favicon.svg"),
        "font_serif": static("vivre/fonts/cormorant-garamond-latin-500-normal.woff2"),
        "font_sans": static("vivre/fonts/inter-latin-400-normal.woff2"),
    }


def shop(request):
    """Add the store settings, navigation, service links and bag count to the context."""
    return {
        "store": settings.VIVRE,
        "assets": _asset_urls(),
        "nav_departments": _departments(),
        "service_links": SERVICE_LINKS,
        "cart_count": cart_count_for_request(request),
        "policy_revised": privacy_policy_revised(),
    }
