from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "vivre.checkout"
    label = "checkout"
