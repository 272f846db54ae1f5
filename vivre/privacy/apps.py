from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "vivre.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        from . import checks  # noqa: F401  (registers the data-map check)
