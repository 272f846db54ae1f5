"""P5: every e-mail is written to the outbox in the transaction of its event."""

import re
import uuid

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from vivre.messaging.models import Message
from vivre.messaging.services import send_email
from vivre.messaging.tasks import deliver_message

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P5")]


class Boom(Exception):
    pass


def notice(**overrides):
    kwargs = {
        "to": "ada@example.com",
        "subject": "Your order has shipped",
        "template": "notice",
        "context": {"heading": "On its way, Ada O'Brien", "paragraphs": ["Fish & chips"]},
        "kind": "test.notice",
        "dedupe_key": "test.notice:1",
    }
    return send_email(**{**kwargs, **overrides})


def test_rolled_back_event_leaves_no_message_and_no_task(django_capture_on_commit_callbacks):
    # given an event whose transaction fails after the mail was written
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        notice()
        raise Boom
    # then
    assert not Message.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert callbacks == []


def test_committed_event_stores_one_message_and_queues_its_delivery(
    django_capture_on_commit_callbacks,
):
    # when
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = notice(order_id=uuid.UUID(int=7))
    # then
    stored = Message.objects.get()
    assert stored == message
    assert stored.state == Message.State.QUEUED
    assert stored.attempts == 0
    assert stored.order_id == uuid.UUID(int=7)
    assert stored.kind == "test.notice"
    assert re.fullmatch(rf"<{stored.pk}@vivre\.example>", stored.message_id)
    task = DBTaskResult.objects.get()
    assert task.task_path == deliver_message.module_path
    assert task.args_kwargs["args"] == [str(stored.pk)]


def test_no_task_is_queued_before_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        notice()
        assert not DBTaskResult.objects.exists()
    assert len(callbacks) == 1


def test_same_dedupe_key_returns_the_stored_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            first = notice()
        with transaction.atomic():
            second = notice(subject="Something else")
    assert first.pk == second.pk
    assert second.subject == "Your order has shipped"
    assert Message.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    assert len(callbacks) == 1


def test_bodies_carry_the_brand_postal_address_and_care_contact(settings):
    with transaction.atomic():
        message = notice()
    address = settings.VIVRE["POSTAL_ADDRESS"]
    for body in (message.text_body, message.html_body):
        assert address in body
        assert settings.VIVRE["CARE_EMAIL"] in body
        assert "VIVRE" in body.upper()
    # the text part is not HTML-escaped; the HTML part is
    assert "Ada O'Brien" in message.text_body
    assert "Fish & chips" in message.text_body
    assert "Fish &amp; chips" in message.html_body
    assert "O&#x27;Brien" in message.html_body


def test_subject_cannot_smuggle_a_header():
    with transaction.atomic():
        message = notice(subject="Hi\r\nBcc: eve@example.com")
    assert message.subject == "Hi Bcc: eve@example.com"


def test_message_id_uses_the_sender_domain(settings):
    settings.DEFAULT_FROM_EMAIL = "Vivre Shop <orders@shop.example.org>"
    with transaction.atomic():
        message = notice()
    assert message.message_id == f"<{message.pk}@shop.example.org>"


def test_str_carries_no_personal_data():
    with transaction.atomic():
        message = notice()
    assert "ada" not in str(message)
