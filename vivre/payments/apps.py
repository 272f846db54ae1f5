from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "vivre.payments"
    label = "payments"

    def ready(self):
        from . import gift_certificate_admin  # noqa: F401 - registers the admin
