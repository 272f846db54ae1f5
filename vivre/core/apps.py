from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vivre.core"
    label = "core"
