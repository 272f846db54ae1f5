from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vivre.accounts"
    label = "accounts"
    verbose_name = "Customer accounts"
