from django.urls import path

from . import art, views

app_name = "catalog"
urlpatterns = [
    path("d/<slug:department>/", views.department, name="department"),
    path("d/<slug:department>/<slug:category>/", views.category, name="category"),
    path("p/<slug:slug>/", views.product, name="product"),
    path("search/", views.search, name="search"),
    path("art/<int:product_id>/<str:name>.svg", art.product_art, name="art"),
]
