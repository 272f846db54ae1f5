"""The shop's URLs with the outbox mounted, until vivre/urls.py includes it."""

from django.urls import include, path

from vivre.urls import handler400, handler403, handler404, handler500  # noqa: F401
from vivre.urls import urlpatterns as shop_urlpatterns

urlpatterns = [
    *[p for p in shop_urlpatterns if getattr(p, "namespace", None) != "messaging"],
    path("staff/mail/", include("vivre.messaging.urls")),
]
