"""Core: card numbers never reach a log line; every page carries security headers."""

import logging
from decimal import Decimal

import pytest

from vivre.core.logging import RedactCardNumbers, redact
from vivre.core.money import format_usd, to_cents


@pytest.mark.promise("P7")
@pytest.mark.parametrize(
    "text",
    [
        "card 4242424242424242 declined",
        "card 4242 4242 4242 4242 declined",
        "card 4242-4242-4242-4242 declined",
        "amex 378282246310005 ok",
    ],
)
def test_card_numbers_are_removed_from_log_lines(text):
    assert not any(ch.isdigit() for ch in redact(text).split("declined")[0].split("ok")[0][5:])


@pytest.mark.promise("P7")
def test_log_filter_rewrites_the_record(caplog):
    logger = logging.getLogger("vivre.test")
    logger.addFilter(RedactCardNumbers())
    try:
        with caplog.at_level(logging.INFO, logger="vivre.test"):
            logger.info("charging %s for %s", "4000 0000 0000 0002", "$10")
    finally:
        logger.filters.clear()
    assert "4000" not in caplog.text
    assert "[card number removed]" in caplog.text
    assert "$10" in caplog.text


def test_order_numbers_and_prices_are_not_mistaken_for_cards():
    assert redact("order VV-7K3M-9QXT total 1234.50") == "order VV-7K3M-9QXT total 1234.50"


def test_money_rounds_half_up_to_cents():
    assert to_cents(Decimal("1.005")) == Decimal("1.01")
    assert format_usd(Decimal("1234.5")) == "$1,234.50"


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_browsing_sets_no_cookie(client):
    # the cart cookie appears only when something is put in the bag
    for url in ["/", "/search/?q=vase", "/service/shipping/"]:
        assert not client.get(url).cookies


def test_production_settings_pass_the_strict_deploy_check(tmp_path):
    """The production switch turns on everything `check --deploy` asks for."""
    import os
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "VIVRE_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "shop.vivre.example",
        "VIVRE_VAR_DIR": str(tmp_path),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    manage = Path(__file__).resolve().parents[3] / "manage.py"
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(manage), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
