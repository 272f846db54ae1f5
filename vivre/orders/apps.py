from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "vivre.orders"
    label = "orders"
