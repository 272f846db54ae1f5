"""Create the customer service pages from vivre/storefront/content/*.md (P25).

Only pages that do not exist yet are created, so running it again, or on a shop
whose staff have edited the pages, changes nothing.
"""

from django.db import migrations


def create_pages(apps, schema_editor):
    from vivre.storefront.service import create_missing_pages

    create_missing_pages(apps.get_model("storefront", "Page"))


class Migration(migrations.Migration):
    dependencies = [("storefront", "0001_initial")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
