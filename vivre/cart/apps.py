from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "vivre.cart"
    label = "cart"
