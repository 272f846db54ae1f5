"""P5: a worker killed mid-send loses no message; the re-send keeps its Message-ID.

A real ``manage.py db_worker`` process delivers to a real SMTP server (aiosmtpd)
that stops answering mid-send: after receiving the message, before its 250 reply
(the worst case), or before the message was transmitted. The test SIGKILLs the
worker there, runs the recovery sweep, and checks the outcome from both sides.
The worker runs in its own process, so it needs a database another process can
see: PostgreSQL's test database, or on SQLite a throwaway file database.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from vivre.messaging.testing import SMTPSink

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.promise("P5")]

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")

QUEUE = """
import json
from django.db import transaction
from vivre.messaging.services import send_email
with transaction.atomic():
    m = send_email(to="ada@example.com", subject="Your order has shipped",
                   template="notice", context={"heading": "On its way", "paragraphs": []},
                   kind="order.shipped", dedupe_key="killed-worker:1")
print(json.dumps({"id": str(m.pk), "message_id": m.message_id}))
"""

STATE = """
import json
from vivre.messaging.models import Message
m = Message.objects.get()
print(json.dumps({"state": m.state, "attempts": m.attempts, "message_id": m.message_id,
                  "count": Message.objects.count()}))
"""


@pytest.fixture
def worker_env(tmp_path):
    """Environment for subprocesses that share this test's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "vivre.settings"
    env["VIVRE_VAR_DIR"] = str(tmp_path)
    env.pop("DATABASE_URL", None)
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        # pytest-django's SQLite test database lives in this process's memory.
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, MANAGE, "migrate", "-v0"], env=env, check=True, timeout=120
        )
    return env


def manage(env, *args, timeout=60) -> str:
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, MANAGE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def shell(env, code: str) -> dict:
    return json.loads(manage(env, "shell", "-v0", "-c", code).strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("stall_at", "receptions"),
    [
        # The server holds the message and withholds its 250. A real MTA would discard
        # it when the connection drops; the sink keeps it to show both copies match.
        ("data", 2),
        # The worker dies before the message was transmitted: it arrives once.
        ("rcpt", 1),
    ],
)
def test_worker_killed_mid_send_ends_sent_once_with_one_message_id(
    worker_env, stall_at, receptions
):
    with SMTPSink() as sink:
        env = {
            **worker_env,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": sink.host,
            "EMAIL_PORT": str(sink.port),
        }
        # given a committed message with its delivery task queued
        queued = shell(env, QUEUE)
        # and a server that stops answering in the middle of the send
        sink.stall(at=stall_at)
        worker = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, MANAGE, "db_worker", "--no-startup-delay", "--interval", "0.1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            sink.wait_for_stalled_client(timeout=30)
            # when the worker is killed while it waits for the server's reply
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
        sink.release()

        # then the message is not lost: it is still "sending", one attempt made
        after_kill = shell(env, STATE)
        assert after_kill["state"] == "sending"
        assert after_kill["attempts"] == 1
        # and the sweep of a live system leaves it alone while it may still be in flight
        assert "requeued 0" in manage(env, "deliver_mail")

        # when recovery runs after the timeout (0 s here)
        out = manage(env, "deliver_mail", "--stale-after", "0")
        # then it was sent again, once, with the same Message-ID
        assert "requeued 1; 1 sent" in out
        final = shell(env, STATE)
        assert final == {
            "state": "sent",
            "attempts": 2,
            "message_id": queued["message_id"],
            "count": 1,
        }
        assert len(sink.received) == receptions
        assert {m["Message-ID"] for m in sink.messages} == {queued["message_id"]}
        # and another sweep sends nothing more
        assert "nothing due" in manage(env, "deliver_mail", "--stale-after", "0")
        assert len(sink.received) == receptions
