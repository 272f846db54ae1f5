from django.urls import path

from . import service_views, views

app_name = "storefront"
urlpatterns = [
    path("", views.home, name="home"),
    path("service/", service_views.service_index, name="service-index"),
    path("service/<slug:slug>/", service_views.service_page, name="service-page"),
]
