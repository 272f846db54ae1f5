from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "vivre.storefront"
    label = "storefront"
