from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "vivre.care"
    label = "care"
    verbose_name = "Customer care"
