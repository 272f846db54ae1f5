"""What every page needs: the store's details, departments for the menu, the bag count."""

from django.conf import settings
from django.core.cache import cache

from vivre.cart.selectors import cart_count_for_request
from vivre.catalog.models import Department

from .service import SERVICE_LINKS, privacy_policy_revised


def _departments():
    departments = cache.get("nav_departments")
    if departments is None:
        departments = list(Department.objects.values("slug", "name"))
        cache.set("nav_departments", departments, 60)
    return departments


def shop(request):
    """Add the store settings, navigation, service links and bag count to the context."""
    return {
        "store": settings.VIVRE,
        "nav_departments": _departments(),
        "service_links": SERVICE_LINKS,
        "cart_count": cart_count_for_request(request),
        "policy_revised": privacy_policy_revised(),
    }
