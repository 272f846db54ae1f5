from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vivre.core"
    label = "core"

    def ready(self):
        from .logging import install_record_factory

        install_record_factory()
