"""``manage.py load_demo``: fill the catalogue with the demo departments and products."""

from django.core.management.base import BaseCommand, CommandError

from vivre.catalog.demo import DEMO_PRODUCTS, load_demo_catalogue
from vivre.catalog.models import Product


class Command(BaseCommand):
    help = (
        "Create or update the demo catalogue (idempotent). --products N makes a catalogue "
        "of N products for benchmarks; --if-empty does nothing when products exist."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--products",
            type=int,
            default=DEMO_PRODUCTS,
            help=f"How many products (default {DEMO_PRODUCTS}: the hand-composed demo).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load nothing if the catalogue already has products.",
        )

    def handle(self, *args, products, if_empty, **options):
        if products < 1:
            raise CommandError("--products must be at least 1.")
        if if_empty and Product.objects.exists():
            self.stdout.write("Catalogue already has products; demo not loaded.")
            return
        self.stdout.write(str(load_demo_catalogue(products)))
