"""Deliver gift certificates whose date has come (the recovery sweep, from cron)."""

from django.core.management.base import BaseCommand

from vivre.payments.giftcertificates import deliver_due_certificates


class Command(BaseCommand):
    help = "E-mail every gift certificate whose delivery date has come but is still waiting."

    def handle(self, **options):
        delivered = deliver_due_certificates()
        self.stdout.write(f"{delivered} gift certificate(s) delivered")
