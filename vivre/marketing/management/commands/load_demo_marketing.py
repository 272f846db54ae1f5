"""``manage.py load_demo_marketing``: an open contest and a promotion code for the demo."""

from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.utils import timezone

from vivre.marketing.models import Contest, Promotion

DEMO_CODE = "WELCOME10"
DEMO_CONTEST = "a-weekend-in-hudson"


class Command(BaseCommand):
    help = "Create the demo contest and promotion code if they are missing (idempotent)."

    def handle(self, *args, **options):
        now = timezone.now()
        promotion, made_code = Promotion.objects.get_or_create(
            code=DEMO_CODE,
            defaults={
                "description": "10% off a first order of $100 or more",
                "kind": Promotion.Kind.PERCENT,
                "value": Decimal("10"),
                "minimum_spend": Decimal("100"),
                "starts_at": now,
                "max_uses_per_customer": 1,
            },
        )
        _, made_contest = Contest.objects.get_or_create(
            slug=DEMO_CONTEST,
            defaults={
                "title": "A weekend in Hudson",
                "rules": (
                    "Open to residents of the United States aged 18 or over. One entry per "
                    "e-mail address. One winner, drawn at random after the closing date and "
                    "told by e-mail."
                ),
                "prize": "Two nights at an inn in Hudson, New York, and a linen throw",
                "opens_at": now - timedelta(days=1),
                "closes_at": now + timedelta(days=30),
                "asks_zip": Contest.Ask.OPTIONAL,
                "asks_age_band": Contest.Ask.OPTIONAL,
                "promotion": promotion,
            },
        )
        self.stdout.write(
            f"Promotion code {DEMO_CODE}: {'created' if made_code else 'already there'}; "
            f"contest /contests/{DEMO_CONTEST}/: {'created' if made_contest else 'already there'}"
        )
