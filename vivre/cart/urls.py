from django.urls import path

from . import views

app_name = "cart"
urlpatterns = [
    path("", views.cart_detail, name="detail"),
    path("add/", views.add, name="add"),
    path("lines/<int:line_id>/", views.update, name="update"),
    path("lines/<int:line_id>/remove/", views.remove, name="remove"),
    path(
        "gift-certificates/<int:item_id>/remove/",
        views.remove_certificate,
        name="remove_certificate",
    ),
]
