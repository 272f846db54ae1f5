"""Extra headers stored with a message go out with it (List-Unsubscribe, RFC 8058)."""

import pytest
from django.core.management import call_command

from vivre.messaging.models import Message
from vivre.messaging.services import build_email, send_email

pytestmark = pytest.mark.django_db

UNSUBSCRIBE = {
    "List-Unsubscribe": "<https://shop.example/unsubscribe/abc/>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}


def notice(**overrides):
    kwargs = {
        "to": "ada@example.com",
        "subject": "News from Vivre",
        "template": "notice",
        "context": {"heading": "Hello", "paragraphs": ["New linen."]},
        "kind": "test.notice",
        "dedupe_key": "test.headers:1",
    }
    return send_email(**{**kwargs, **overrides})


def test_headers_are_stored_with_the_message():
    # when
    message = notice(headers=UNSUBSCRIBE)
    # then
    assert Message.objects.get(pk=message.pk).headers == UNSUBSCRIBE


def test_without_headers_nothing_extra_is_stored_or_sent():
    # when
    message = notice()
    # then
    assert message.headers == {}
    assert "List-Unsubscribe" not in build_email(message).extra_headers


@pytest.mark.promise("P16")
def test_headers_reach_the_smtp_server(smtp_server):
    # given
    notice(headers=UNSUBSCRIBE)
    # when
    call_command("deliver_mail")
    # then
    smtp_server.wait_for(1)
    received = smtp_server.messages[0]
    assert received["List-Unsubscribe"] == "<https://shop.example/unsubscribe/abc/>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["Message-ID"] == Message.objects.get().message_id


@pytest.mark.parametrize(
    "headers",
    [
        {"List-Unsubscribe": "<https://a.example/>\r\nBcc: eve@example.com"},
        {"Bcc": "eve@example.com"},
        {"Message-ID": "<forged@example.com>"},
        {"Bad Name": "x"},
    ],
)
def test_a_line_break_or_a_reserved_header_is_refused(headers):
    # when / then
    with pytest.raises(ValueError):
        notice(headers=headers)
    assert not Message.objects.exists()


def test_a_stored_reserved_header_cannot_override_the_message_id():
    # given a message whose headers were changed behind the outbox's back
    message = notice()
    Message.objects.filter(pk=message.pk).update(headers={"Message-ID": "<forged@x>", "X-A": "1"})
    message.refresh_from_db()
    # when
    email = build_email(message)
    # then
    assert email.extra_headers["Message-ID"] == message.message_id
    assert email.extra_headers["X-A"] == "1"
