"""My Account → Saved cards, mounted at /account/cards/."""

from django.urls import path

from . import card_views

app_name = "cards"

urlpatterns = [
    path("", card_views.card_list, name="list"),
    path("<uuid:card_id>/delete/", card_views.card_delete, name="delete"),
]
