"""Write the data map as a fideslang dataset in YAML (for Fides and auditors)."""

from pathlib import Path

import yaml
from django.core.management.base import BaseCommand

from vivre.privacy.datamap import as_fides_dataset


class Command(BaseCommand):
    help = "Write the data map as fideslang YAML to --output, or to standard output."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args, output=None, **options):
        text = yaml.safe_dump(as_fides_dataset(), sort_keys=False, allow_unicode=True)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Data map written to {output}")
        else:
            self.stdout.write(text, ending="")
