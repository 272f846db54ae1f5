from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "vivre.marketing"
    label = "marketing"
    verbose_name = "Marketing"

    def ready(self):
        # The mail house prints and posts the catalogue for Vivre (P17): it may
        # receive a name and a postal address through the disclosure gateway, nothing else.
        from .catalogue import register_mail_house

        register_mail_house()
