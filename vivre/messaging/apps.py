from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "vivre.messaging"
    label = "messaging"
