"""Record the privacy policy as it stands as version 2026-11, in force from today (P2, P19).

Its text is the privacy-policy service page's (or its Markdown file's, if the page
does not exist), and its uses and recipients are what Vivre does and registers today.
"""

from django.db import migrations
from django.utils import timezone

VERSION = "2026-11"
USES = [
    ("essential.service", "Providing the shop and your account"),
    ("essential.service.payment_processing", "Taking payment for your orders"),
    ("essential.service.notifications.email", "E-mails about your orders"),
    ("essential.service.operations.support", "Answering your questions (customer care)"),
    ("essential.service.operations", "Packing and delivering your orders"),
    ("essential.service.security", "Keeping accounts and the shop secure"),
    ("analytics.reporting.system", "Keeping the site working (error reports)"),
    ("essential.fraud_detection", "Preventing fraud"),
    ("essential.legal_obligation", "Meeting our legal obligations"),
    ("marketing.communications.email", "News and offers by e-mail"),
    ("marketing.communications.postal", "Our printed catalogue by post"),
    ("personalize.content", "Suggestions based on what you bought"),
    ("analytics.reporting", "Analytics about how the site is used"),
]
RECIPIENTS = [
    ("card_processor", "The card processor"),
    ("carrier", "The parcel carrier"),
    ("mail_house", "The mail house"),
    ("authority", "Authorities, when the law requires it (P18)"),
]


def policy_text(apps) -> str:
    Page = apps.get_model("storefront", "Page")
    page = Page.objects.filter(slug="privacy-policy").first()
    if page is not None:
        return page.body
    try:
        from vivre.storefront.service import read_page_source

        return read_page_source("privacy-policy").body
    except (OSError, ValueError):
        return "Our privacy policy."


def create(apps, schema_editor):
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    if PolicyVersion.objects.filter(version=VERSION).exists():
        return
    PolicyVersion.objects.create(
        version=VERSION,
        text=policy_text(apps),
        uses=[{"use": use, "description": text} for use, text in USES],
        recipients=[{"recipient": name, "description": text} for name, text in RECIPIENTS],
        summary="The policy as first published, with its versions recorded from now on.",
        published_at=timezone.now(),
        effective_on=timezone.localdate(),
        published_by="",
    )


def remove(apps, schema_editor):
    apps.get_model("privacy", "PolicyVersion").objects.filter(version=VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0005_policy_versions_and_legal_requests"),
        ("storefront", "0002_service_pages"),
    ]

    operations = [migrations.RunPython(create, remove)]
