"""Links in e-mails point at the configured shop address, not whatever Host was sent."""

from django.test import RequestFactory

from vivre.core.http import site_url


def test_the_configured_site_url_wins_over_the_request_host(settings):
    settings.VIVRE = {**settings.VIVRE, "SITE_URL": "https://shop.vivre.example/"}
    request = RequestFactory().get("/", HTTP_HOST="localhost")

    assert site_url(request) == "https://shop.vivre.example"


def test_without_one_the_request_host_is_used(settings):
    settings.VIVRE = {**settings.VIVRE, "SITE_URL": ""}
    request = RequestFactory().get("/", HTTP_HOST="localhost")

    assert site_url(request) == "http://localhost"
