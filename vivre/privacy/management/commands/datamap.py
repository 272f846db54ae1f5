"""Print the data map: every personal-data field, its category and purposes."""

import json

from django.core.management.base import BaseCommand

from vivre.privacy.datamap import as_fides_dataset, data_map


class Command(BaseCommand):
    help = "Print the data map as a table, or as a fideslang dataset (--fides, JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--fides", action="store_true", help="fideslang Dataset as JSON")

    def handle(self, *args, fides=False, **options):
        if fides:
            self.stdout.write(json.dumps(as_fides_dataset(), indent=2))
            return
        for entry in data_map():
            self.stdout.write(f"{entry.label:<40} {entry.category:<36} {', '.join(entry.purposes)}")
