"""Failures show the shop's own pages, never a stack trace."""

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@override_settings(ROOT_URLCONF="vivre.storefront.tests.urls_boom", DEBUG=False)
@pytest.mark.promise("P26")
def test_a_crash_shows_the_designed_500_page_and_nothing_of_the_error(caplog):
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    text = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in text
    assert "RuntimeError" not in text and "4242" not in text
    # the log keeps the error for us, without the card-shaped number
    assert "4242 4242" not in caplog.text


def test_unknown_page_is_the_designed_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()
