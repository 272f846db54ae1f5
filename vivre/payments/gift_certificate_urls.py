"""Gift certificate pages, mounted at /gift-certificates/."""

from django.urls import path

from . import gift_certificate_views as views

app_name = "gift_certificates"
urlpatterns = [
    path("", views.buy, name="buy"),
    path("balance/", views.balance, name="balance"),
]
