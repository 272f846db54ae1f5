from django.urls import path

from . import order_status, service_views, views

app_name = "storefront"
urlpatterns = [
    path("", views.home, name="home"),
    path("orders/", order_status.order_lookup, name="order-lookup"),
    path("orders/<str:number>/", order_status.order_status, name="order-status"),
    path("service/", service_views.service_index, name="service-index"),
    path("service/<slug:slug>/", service_views.service_page, name="service-page"),
]
