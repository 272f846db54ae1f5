from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "vivre.tracking"
    label = "tracking"
    verbose_name = "Visitor tracking (only with consent)"
