"""URL map of the shop."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("cart/", include("vivre.cart.urls")),
    path("checkout/", include("vivre.checkout.urls")),
    path("", include("vivre.catalog.urls")),
    path("", include("vivre.storefront.urls")),
]

handler404 = "vivre.storefront.views.page_not_found"
handler500 = "vivre.storefront.views.server_error"
handler400 = "vivre.storefront.views.bad_request"
handler403 = "vivre.storefront.views.permission_denied"
