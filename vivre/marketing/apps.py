from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "vivre.marketing"
    label = "marketing"
    verbose_name = "Marketing"
