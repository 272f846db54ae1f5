"""URL map of the shop."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("cart/", include("vivre.cart.urls")),
    path("checkout/", include("vivre.checkout.urls")),
    path("", include("vivre.catalog.urls")),
    path("", include("vivre.storefront.urls")),
]

if settings.VIVRE_BENCH:
    from vivre.core.bench_views import bare

    urlpatterns += [path("_bench/bare/", bare)]

handler404 = "vivre.storefront.views.page_not_found"
handler500 = "vivre.storefront.views.server_error"
handler400 = "vivre.storefront.views.bad_request"
handler403 = "vivre.storefront.views.permission_denied"
