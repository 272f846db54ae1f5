"""Apply every retention rule (run daily from cron or a scheduler)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Forget personal data kept past its retention limit (e.g. cart IPs, P11)."

    def handle(self, *args, **options):
        for path in settings.VIVRE["RETENTION_RULES"]:
            count = import_string(path)()
            self.stdout.write(f"{path}: {count} record(s) cleared")
