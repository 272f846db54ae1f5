"""Queue a batch for every campaign still sending (the recovery sweep, from cron)."""

from django.core.management.base import BaseCommand

from vivre.marketing.campaign_tasks import sweep_campaigns


class Command(BaseCommand):
    help = (
        "Queue the next batch of every campaign that is still sending, in case the worker "
        "that carried it died. Safe to run at any time: nobody is mailed twice."
    )

    def handle(self, **options):
        queued = sweep_campaigns.call()
        self.stdout.write(f"{queued} campaign(s) queued")
