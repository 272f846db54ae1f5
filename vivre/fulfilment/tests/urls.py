"""The shop's URLs with the fulfilment back office mounted where the lead mounts it."""

from django.urls import include, path

from vivre.urls import urlpatterns as shop_urlpatterns

urlpatterns = [
    path("staff/fulfilment/", include("vivre.fulfilment.urls")),
    *[p for p in shop_urlpatterns if getattr(p, "namespace", None) != "fulfilment"],
]
