"""P5: delivery over real SMTP (aiosmtpd) with retries, back-off and permanent failures."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vivre.messaging import services
from vivre.messaging.models import Message
from vivre.messaging.services import deliver, send_email
from vivre.messaging.tasks import deliver_message

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P5")]


def queue_notice(to="ada@example.com", key="test.notice:1"):
    with transaction.atomic():
        return send_email(
            to=to,
            subject="Your order has shipped",
            template="notice",
            context={"heading": "On its way", "paragraphs": ["Two candles, one vase."]},
            kind="order.shipped",
            dedupe_key=key,
        )


def run_queued_tasks():
    """Run every queued delivery task that is due, as the worker would."""
    ran = 0
    for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
        result.task.call(*result.task_result.args, **result.task_result.kwargs)
        result.delete()
        ran += 1
    return ran


def test_delivers_text_and_html_with_the_stable_message_id(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_notice()
    # when the queued task runs
    assert run_queued_tasks() == 1
    # then
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    [received] = smtp_server.received
    assert received.rcpt_tos == ["ada@example.com"]
    mail = received.message
    assert mail["Message-ID"] == message.message_id
    assert mail["Subject"] == "Your order has shipped"
    assert "care@vivre.example" in mail["From"]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for part in (text, html):
        assert settings.VIVRE["POSTAL_ADDRESS"] in part
        assert "Two candles, one vase." in part
    assert html.lstrip().startswith("<!DOCTYPE html>")


def test_same_dedupe_key_twice_delivers_once(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_notice()
        queue_notice()
    run_queued_tasks()
    assert len(smtp_server.received) == 1


def test_a_second_task_for_a_sent_message_sends_nothing(smtp_server):
    message = queue_notice()
    assert deliver(message.pk) == Message.State.SENT
    assert deliver(message.pk) == Message.State.SENT
    assert deliver_message.call(str(message.pk)) == Message.State.SENT
    assert len(smtp_server.received) == 1


def test_server_down_requeues_with_back_off_then_delivers(settings, no_smtp_server):
    # given a message and no SMTP server listening
    message = queue_notice()
    before = timezone.now()
    # when
    state = deliver(message.pk)
    # then it waits for a later attempt, and a task is queued for then
    message.refresh_from_db()
    assert state == Message.State.QUEUED
    assert message.state == Message.State.QUEUED
    assert message.attempts == 1
    assert message.next_attempt_at >= before + services.BACKOFF[0]
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()
    retry = DBTaskResult.objects.get()
    assert retry.run_after == message.next_attempt_at
    assert not DBTaskResult.objects.ready().exists()
    # and it is not sent before it is due
    assert deliver(message.pk) == Message.State.QUEUED
    message.refresh_from_db()
    assert message.attempts == 1

    # when the server is up and the retry is due
    from vivre.messaging.testing import SMTPSink

    with SMTPSink(port=no_smtp_server) as sink:
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        DBTaskResult.objects.update(run_after=timezone.now() - timedelta(seconds=1))
        run_queued_tasks()
    # then
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert message.attempts == 2
    assert message.last_error == ""
    assert [m["Message-ID"] for m in sink.messages] == [message.message_id]


def test_back_off_grows_and_the_last_attempt_fails(no_smtp_server):
    message = queue_notice()
    waits = []
    for _ in range(services.MAX_ATTEMPTS):
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        started = timezone.now()
        deliver(message.pk)
        message.refresh_from_db()
        if message.next_attempt_at:
            waits.append(message.next_attempt_at - started)
    assert message.state == Message.State.FAILED
    assert message.attempts == services.MAX_ATTEMPTS
    assert message.last_error
    assert waits == sorted(waits)
    assert len(waits) == services.MAX_ATTEMPTS - 1


def test_refused_recipient_fails_at_once_without_retry(smtp_server):
    # given
    smtp_server.refuse("nobody@example.com")
    message = queue_notice(to="nobody@example.com")
    # when
    state = deliver(message.pk)
    # then
    message.refresh_from_db()
    assert state == message.state == Message.State.FAILED
    assert message.attempts == 1
    assert message.next_attempt_at is None
    assert "550" in message.last_error
    assert not DBTaskResult.objects.exists()
    assert smtp_server.received == []


def test_retry_now_gives_a_failed_message_a_new_chance(
    smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse("late@example.com")
    message = queue_notice(to="late@example.com")
    deliver(message.pk)
    smtp_server.handler.refuse.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_now(message=Message.objects.get(pk=message.pk))
    run_queued_tasks()
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert len(smtp_server.received) == 1


def test_stale_sending_message_is_requeued_and_resent_with_the_same_message_id(smtp_server):
    # given a message a dead worker left in "sending"
    message = queue_notice()
    long_ago = timezone.now() - services.SENDING_TIMEOUT - timedelta(seconds=1)
    Message.objects.filter(pk=message.pk).update(
        state=Message.State.SENDING, attempts=1, updated_at=long_ago
    )
    # a live worker's message is left alone
    other = queue_notice(key="test.notice:2")
    Message.objects.filter(pk=other.pk).update(state=Message.State.SENDING, attempts=1)
    # when
    result = services.sweep(enqueue=False)
    # then
    assert result == {"requeued": 1, "due": 1}
    assert deliver(message.pk) == Message.State.SENT
    assert [m["Message-ID"] for m in smtp_server.messages] == [message.message_id]
    message.refresh_from_db()
    assert message.attempts == 2
    assert Message.objects.get(pk=other.pk).state == Message.State.SENDING


def test_deliver_mail_command_sends_everything_due(smtp_server):
    from django.core.management import call_command

    for n in range(3):
        queue_notice(key=f"test.notice:{n}")
    call_command("deliver_mail")
    assert Message.objects.filter(state=Message.State.SENT).count() == 3
    assert len(smtp_server.received) == 3


def test_sweep_queues_a_task_for_a_message_whose_enqueue_was_lost(smtp_server):
    # given a committed message whose on_commit enqueue never ran (the process died)
    message = queue_notice()
    assert not DBTaskResult.objects.exists()
    # when the periodic sweep runs as a task
    assert services_sweep_task() == {"requeued": 0, "due": 1}
    # then the queued task delivers it
    assert run_queued_tasks() == 1
    message.refresh_from_db()
    assert message.state == Message.State.SENT


def services_sweep_task():
    from vivre.messaging.tasks import sweep_outbox

    return sweep_outbox.call()


def test_deliver_mail_enqueue_only_queues(smtp_server):
    from io import StringIO

    from django.core.management import call_command

    queue_notice()
    out = StringIO()
    call_command("deliver_mail", "--enqueue", stdout=out)
    assert "queued 1 deliveries" in out.getvalue()
    assert smtp_server.received == []
    assert DBTaskResult.objects.count() == 1


def test_malformed_address_fails_at_once(smtp_server):
    message = queue_notice(to="ada@example.com\nBcc: eve@example.com")
    assert deliver(message.pk) == Message.State.FAILED
    assert smtp_server.received == []
