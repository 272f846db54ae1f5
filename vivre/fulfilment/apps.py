from django.apps import AppConfig


class FulfilmentConfig(AppConfig):
    name = "vivre.fulfilment"
    label = "fulfilment"
