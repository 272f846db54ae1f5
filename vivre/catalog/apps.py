from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CatalogConfig(AppConfig):
    name = "vivre.catalog"
    label = "catalog"

    def ready(self):
        from .search import ensure_search_index

        # A SQLite migration that rebuilds catalog_product drops the FTS triggers;
        # put them back after every migrate so new products stay searchable.
        post_migrate.connect(
            lambda using, **kwargs: ensure_search_index(using), sender=self, weak=False
        )
