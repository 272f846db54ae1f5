from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "vivre.returns"
    label = "returns"
