"""URL map of the shop."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them the SVG icon."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("vivre/favicon.svg"))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
    path("account/cards/", include("vivre.payments.card_urls")),
    path("account/", include("vivre.accounts.urls")),
    path("gift-certificates/", include("vivre.payments.gift_certificate_urls")),
    path("", include("vivre.privacy.urls")),
    path("cart/", include("vivre.cart.urls")),
    path("catalogue/", include("vivre.marketing.catalogue_urls")),
    path("contests/", include("vivre.marketing.contest_urls")),
    path("unsubscribe/", include("vivre.marketing.unsubscribe_urls")),
    path("staff/marketing/", include("vivre.marketing.staff_urls")),
    path("checkout/", include("vivre.checkout.urls")),
    path("staff/care/", include("vivre.care.urls")),
    path("staff/fulfilment/", include("vivre.fulfilment.urls")),
    path("staff/mail/", include("vivre.messaging.urls")),
    path("", include("vivre.returns.urls")),
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
