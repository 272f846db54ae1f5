"""The outbox screen, the local mailbox and the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from vivre.messaging.models import Message
from vivre.messaging.services import send_email

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_user(
        "clerk", password="a long password 1", is_staff=True
    )
    client.force_login(user)
    return client


@pytest.fixture
def message():
    with transaction.atomic():
        return send_email(
            to="ada@example.com",
            subject="Your order has shipped",
            template="notice",
            context={"heading": "On its way", "paragraphs": ["<script>alert(1)</script>"]},
            kind="order.shipped",
            dedupe_key="view:1",
        )


def test_outbox_lists_state_attempts_and_last_error(staff_client, message):
    Message.objects.filter(pk=message.pk).update(attempts=2, last_error="SMTPConnectError: down")
    response = staff_client.get("/staff/mail/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Your order has shipped" in body
    assert "SMTPConnectError: down" in body
    assert '<a href="/staff/mail/" aria-current="page">Outbox</a>' in body
    assert f"/staff/mail/{message.pk}/" in body


def test_outbox_filters_by_state(staff_client, message):
    assert (
        "Your order has shipped" not in staff_client.get("/staff/mail/?state=sent").content.decode()
    )
    assert (
        "Your order has shipped" in staff_client.get("/staff/mail/?state=queued").content.decode()
    )


def test_outbox_is_for_staff_only(client, message):
    assert client.get("/staff/mail/").status_code == 302
    user = get_user_model().objects.create_user("shopper", password="a long password 1")
    client.force_login(user)
    assert client.get("/staff/mail/").status_code == 403
    assert client.get(f"/staff/mail/{message.pk}/").status_code == 403
    assert client.get(f"/staff/mail/{message.pk}/html/").status_code == 403


def test_mailbox_shows_the_text_and_frames_the_html_safely(staff_client, message):
    page = staff_client.get(f"/staff/mail/{message.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "&lt;script&gt;" in body and "<script>alert" not in body
    assert f'src="/staff/mail/{message.pk}/html/" sandbox' in body
    framed = staff_client.get(f"/staff/mail/{message.pk}/html/")
    assert framed.status_code == 200
    assert "sandbox" in framed["Content-Security-Policy"]
    assert "script-src" not in framed["Content-Security-Policy"]  # default-src 'none'
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert b"&lt;script&gt;" in framed.content


def test_mailbox_is_closed_in_production(staff_client, message, settings):
    settings.PRODUCTION = True
    assert staff_client.get(f"/staff/mail/{message.pk}/").status_code == 404
    assert staff_client.get(f"/staff/mail/{message.pk}/html/").status_code == 404
    body = staff_client.get("/staff/mail/").content.decode()
    assert f"/staff/mail/{message.pk}/" not in body


def test_admin_lists_searches_and_retries(
    admin_client, message, django_capture_on_commit_callbacks
):
    Message.objects.filter(pk=message.pk).update(state=Message.State.FAILED, attempts=6)
    listing = admin_client.get("/admin/messaging/message/", {"q": "ada@example.com"})
    assert listing.status_code == 200
    assert "Your order has shipped" in listing.content.decode()
    assert admin_client.get(f"/admin/messaging/message/{message.pk}/change/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/messaging/message/",
            {"action": "retry_now", "_selected_action": [str(message.pk)]},
        )
    message.refresh_from_db()
    assert message.state == Message.State.QUEUED
    assert message.attempts == 0
