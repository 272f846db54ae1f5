from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "vivre.catalog"
    label = "catalog"
