"""Test-wide settings: real Chromium for browser tests, the promise marker."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's live
# server and ORM are used from that same thread in browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium: Playwright cannot download its own browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium"),
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) that Django's mail connection delivers to.

    Mail leaves through the outbox: after the code under test commits, run
    ``call_command("deliver_mail")`` (what the worker does) and read ``sink.messages``.
    """
    from vivre.messaging.testing import SMTPSink

    with SMTPSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = sink.host
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield sink


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Hash test passwords cheaply: Argon2 costs ~0.1 s a hash by design.

    ``test_passwords.py`` proves the shop's own setting hashes with Argon2; a test
    marked ``argon2`` keeps the real hashers.
    """
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _card_keys_of_this_test(settings, tmp_path_factory):
    """Give each test its own card-vault key file, never the developer's ``var/`` one."""
    settings.VIVRE = {
        **settings.VIVRE,
        "CARD_KEYS": "",
        "CARD_KEY_FILE": str(tmp_path_factory.mktemp("card-keys") / "card_keys.json"),
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the menu and policy date are cached)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _migrated_defaults(request):
    """Give every database test the rows that data migrations create.

    Transactional tests (``live_server``, threads) flush every table when they end,
    including the service pages, shipping methods, tax rates and staff roles that migrations
    made (and the first privacy-policy version); whatever test runs next would otherwise
    find them gone.
    """
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if not (marker or "db" in names or "transactional_db" in names):
        yield
        return
    if "transactional_db" in names or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("db")
    from vivre.checkout.models import ShippingMethod
    from vivre.checkout.testing import ensure_checkout_defaults
    from vivre.storefront.models import Page
    from vivre.storefront.service import create_missing_pages

    if not ShippingMethod.objects.exists():
        ensure_checkout_defaults()
    if not Page.objects.exists():
        create_missing_pages(Page)
    from django.contrib.auth.models import Group

    from vivre.core.staff import Role

    if not Group.objects.exists():
        Group.objects.bulk_create([Group(name=name) for name in Role.ALL])
    from vivre.privacy.models import PolicyVersion

    if not PolicyVersion.objects.exists():
        import importlib

        from django.apps import apps

        first = importlib.import_module("vivre.privacy.migrations.0006_first_policy_version")
        first.create(apps, None)
    yield


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL row locks")
        for item in items:
            if "postgres_only" in item.keywords:
                item.add_marker(skip)
