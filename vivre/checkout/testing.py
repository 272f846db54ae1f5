"""Helpers for tests that go through the checkout."""

import importlib

from django.apps import apps


def ensure_checkout_defaults() -> None:
    """Recreate the migrated shipping methods and tax table if they are missing.

    A transactional test (``transaction=True``, ``live_server``) flushes every
    table when it ends, including the rows a data migration made. This calls
    that migration's own function again. It changes nothing if the rows are there.
    """
    migration = importlib.import_module("vivre.checkout.migrations.0002_default_shipping_and_tax")
    migration.create_defaults(apps, None)
