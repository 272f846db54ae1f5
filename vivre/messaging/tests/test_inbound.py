"""Opting out by e-mail to customer care (P16, P23), and everything else routed to care (P13)."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from vivre.accounts.models import User
from vivre.messaging.inbound import IGNORED, OPTED_OUT, ROUTED, process_inbound
from vivre.messaging.models import Message
from vivre.orders.testing import make_order
from vivre.privacy.consent import (
    Channel,
    Purpose,
    current_preferences,
    record_consent,
    subject_key_for_customer,
    subject_key_for_email,
)
from vivre.privacy.models import ConsentRecord

pytestmark = pytest.mark.django_db

BODY_SECRET = "my tulip bulbs arrived crushed"


def eml(
    *,
    sender="Ada Lovelace <ada@example.com>",
    subject="Unsubscribe",
    body="Please take me off your list.\n",
    message_id="<m1@mail.example.com>",
    extra="",
    html=False,
) -> bytes:
    """Return a real RFC 5322 message, CRLF line endings, as a mail server stores it."""
    headers = [
        f"From: {sender}",
        f"To: {settings.VIVRE['CARE_EMAIL']}",
        f"Subject: {subject}",
        "Date: Wed, 25 Nov 2026 09:15:00 -0500",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
        f"Content-Type: text/{'html' if html else 'plain'}; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    if extra:
        headers.append(extra)
    text = "\r\n".join(headers) + "\r\n\r\n" + body.replace("\n", "\r\n")
    return text.encode()


def account(email="ada@example.com", *purposes) -> User:
    user = User.objects.create_user(email, password="pw-for-tests-1")
    for purpose in purposes:
        record_consent(
            subject_key=subject_key_for_customer(user.pk), purpose=purpose, granted=True,
            channel=Channel.REGISTRATION,
        )  # fmt: skip
    return user


def vivre_logs(caplog) -> str:
    """Return what Vivre's own loggers wrote (the test SMTP server logs its traffic)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("vivre"))


def ledger_of(key: str):
    return list(ConsentRecord.objects.filter(subject_key=key).order_by("id"))


@pytest.mark.promise("P16", "P23")
def test_an_unsubscribe_mail_from_a_customer_opts_every_key_out_and_is_acknowledged(
    smtp_server, caplog
):
    # given a customer who said yes to both kinds of mail
    user = account("ada@example.com", Purpose.VIVRE_MAILINGS, Purpose.PARTNER_OFFERS)
    caplog.set_level(logging.DEBUG)
    # when they write "Unsubscribe" to care, from their address in another case
    outcome = process_inbound(eml(sender="Ada <Ada@Example.com>", body=f"{BODY_SECRET}\n"))
    # then both purposes are off, on the account's key and the address's key
    assert outcome == OPTED_OUT
    for key in (subject_key_for_customer(user.pk), subject_key_for_email("ada@example.com")):
        prefs = current_preferences(key)
        assert prefs[Purpose.VIVRE_MAILINGS] is False
        assert prefs[Purpose.PARTNER_OFFERS] is False
        newest = ledger_of(key)[-2:]
        assert {r.purpose for r in newest} == {Purpose.VIVRE_MAILINGS, Purpose.PARTNER_OFFERS}
        assert all(r.channel == Channel.EMAIL and not r.granted for r in newest)
        assert all(r.recorded_by == "care-inbox" for r in newest)
    # and an acknowledgement goes out through the outbox, marked as automatic
    call_command("deliver_mail")
    smtp_server.wait_for(1)
    ack = smtp_server.messages[0]
    assert ack["To"] == "Ada@Example.com".lower()
    assert ack["Auto-Submitted"] == "auto-replied"
    assert "no more mailings" in ack["Subject"]
    # and nothing forwarded to care, nothing personal in the logs
    assert not Message.objects.filter(kind="care.inbound").exists()
    assert "Inbound care mail" in vivre_logs(caplog)
    assert "ada@example.com" not in vivre_logs(caplog).lower()
    assert BODY_SECRET not in vivre_logs(caplog)


@pytest.mark.promise("P23")
@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Question", "STOP\n\nThanks"),
        ("Re: Your autumn catalogue", "Hello,\nplease remove me from your mailing list.\n"),
        ("", "I want to opt-out of all e-mails."),
        ("Opt out", ""),
        ("stop sending me mail", "x"),
    ],
)
def test_a_guest_known_by_an_order_may_ask_in_the_subject_or_first_lines(subject, body):
    # given someone who ordered as a guest and said yes at checkout
    make_order(email="guest@example.com")
    key = subject_key_for_email("guest@example.com")
    record_consent(
        subject_key=key, purpose=Purpose.VIVRE_MAILINGS, granted=True, channel=Channel.CHECKOUT
    )
    # when
    outcome = process_inbound(eml(sender="guest@example.com", subject=subject, body=body))
    # then
    assert outcome == OPTED_OUT
    assert current_preferences(key)[Purpose.VIVRE_MAILINGS] is False
    assert Message.objects.filter(kind="care.opt_out_ack", to_address="guest@example.com").exists()


@pytest.mark.promise("P23")
def test_an_html_only_mail_is_read_too():
    account("ada@example.com", Purpose.VIVRE_MAILINGS)
    html = "<html><body><p>Please <b>unsubscribe</b> me.</p></body></html>"
    raw = eml(subject="Hello", body=html, html=True)
    assert process_inbound(raw) == OPTED_OUT


@pytest.mark.promise("P13", "P23")
def test_an_unknown_sender_is_routed_to_care_and_nothing_is_recorded(smtp_server, caplog):
    caplog.set_level(logging.DEBUG)
    # when a stranger asks to unsubscribe
    outcome = process_inbound(eml(sender="stranger@example.net", body=f"{BODY_SECRET}\n"))
    # then it goes to care as it is, and the ledger is untouched
    assert outcome == ROUTED
    assert not ConsentRecord.objects.exists()
    call_command("deliver_mail")
    smtp_server.wait_for(1)
    forwarded = smtp_server.messages[0]
    assert forwarded["To"] == settings.VIVRE["CARE_EMAIL"]
    assert forwarded["Auto-Submitted"] == "auto-generated"
    text = forwarded.get_body(preferencelist=("plain",)).get_content()
    assert "stranger@example.net" in text
    assert BODY_SECRET in text
    assert Message.objects.get().kind == "care.inbound"
    assert "stranger@example.net" not in vivre_logs(caplog)
    assert BODY_SECRET not in vivre_logs(caplog)


@pytest.mark.promise("P13", "P23")
@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Where is my order?", "It has not arrived.\n"),
        # The words only in quoted text, or deep in the body, are not a request.
        ("Re: Order VV-1234", "Thanks!\n\n> To unsubscribe, reply STOP\n"),
        ("Return", "Line one\nLine two\nLine three\nLine four: unsubscribe\n"),
        ("Question", "It should be non-stop fun? stopwatch"),
    ],
)
def test_anything_else_from_a_customer_is_routed_to_care(subject, body):
    user = account("ada@example.com", Purpose.VIVRE_MAILINGS)
    before = ConsentRecord.objects.count()
    outcome = process_inbound(eml(subject=subject, body=body))
    assert outcome == ROUTED
    assert ConsentRecord.objects.count() == before
    assert current_preferences(subject_key_for_customer(user.pk))[Purpose.VIVRE_MAILINGS]
    assert Message.objects.filter(kind="care.inbound").count() == 1


@pytest.mark.promise("P23")
def test_auto_replies_never_opt_anyone_out_and_our_own_mail_is_ignored():
    account("ada@example.com", Purpose.VIVRE_MAILINGS)
    auto = eml(subject="Out of office: unsubscribe", extra="Auto-Submitted: auto-replied")
    assert process_inbound(auto) == ROUTED
    assert current_preferences(subject_key_for_email("ada@example.com")) == dict.fromkeys(
        Purpose.values, False
    )
    own = eml(sender=settings.VIVRE["CARE_EMAIL"], subject="Customer mail: stop",
              message_id="<m2@vivre.example>")  # fmt: skip
    assert process_inbound(own) == IGNORED
    assert Message.objects.filter(kind="care.opt_out_ack").count() == 0


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage with no headers at all",
        b"From: <<<>>>\r\nSubject: =?utf-8?b?!!!?=\r\n\r\nunsubscribe",
        b"From: a@example.com, b@example.com\r\nSubject: unsubscribe\r\n\r\n",
        b"From: ada@example.com\r\nContent-Type: text/plain; charset=bogus-42\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!notbase64",
    ],
)
def test_malformed_mail_never_crashes_and_goes_to_care(raw):
    account("ada@example.com")
    assert process_inbound(raw) in (ROUTED, OPTED_OUT)
    assert Message.objects.count() == 1


def test_the_same_message_processed_twice_is_acknowledged_once():
    account("ada@example.com", Purpose.VIVRE_MAILINGS)
    raw = eml()
    assert process_inbound(raw) == OPTED_OUT
    assert process_inbound(raw) == OPTED_OUT
    assert Message.objects.filter(kind="care.opt_out_ack").count() == 1


@pytest.mark.promise("P23")
def test_receive_mail_reads_a_maildir_and_moves_what_it_did(tmp_path, capsys):
    account("ada@example.com", Purpose.VIVRE_MAILINGS)
    for sub in ("new", "cur", "tmp"):
        (tmp_path / sub).mkdir()
    (tmp_path / "new" / "1.eml").write_bytes(eml())
    (tmp_path / "new" / "2.eml").write_bytes(
        eml(subject="Hello", body="A question.", message_id="<m3@mail.example.com>")
    )
    # when
    call_command("receive_mail", "--maildir", str(tmp_path))
    # then
    out = capsys.readouterr().out
    assert "1 opted_out" in out and "1 routed" in out
    assert "ada@example.com" not in out
    assert list((tmp_path / "new").iterdir()) == []
    assert sorted(p.name for p in (tmp_path / "cur").iterdir()) == ["1.eml:2,S", "2.eml:2,S"]
    assert not current_preferences(subject_key_for_email("ada@example.com"))[Purpose.VIVRE_MAILINGS]


def test_receive_mail_reads_files_and_refuses_bad_arguments(tmp_path, capsys):
    path = tmp_path / "m.eml"
    path.write_bytes(eml(sender="nobody@example.org"))
    call_command("receive_mail", str(path))
    assert "1 routed" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("receive_mail")
    with pytest.raises(CommandError):
        call_command("receive_mail", str(tmp_path / "missing.eml"))
    with pytest.raises(CommandError):
        call_command("receive_mail", "--maildir", str(tmp_path))
