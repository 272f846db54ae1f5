"""The shop's URL map, plus the care console if the shop does not mount it yet."""

from django.urls import include, path

from vivre.urls import handler400, handler403, handler404, handler500  # noqa: F401
from vivre.urls import urlpatterns as shop_urlpatterns

mounted = any(getattr(p, "namespace", None) == "care" for p in shop_urlpatterns)
urlpatterns = [
    *([] if mounted else [path("staff/care/", include("vivre.care.urls"))]),
    *shop_urlpatterns,
]
