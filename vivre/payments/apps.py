from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "vivre.payments"
    label = "payments"
