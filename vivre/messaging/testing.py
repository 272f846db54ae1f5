"""A real SMTP server for tests and benchmarks: aiosmtpd on a free local port.

Other apps' tests use it too::

    from vivre.messaging.testing import SMTPSink

    with SMTPSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
        ...
        sink.wait_for(1)
        message = sink.messages[0]          # an email.message.EmailMessage
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port nothing listens on now (aiosmtpd cannot take port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    """One message the sink accepted (or was holding when it was received)."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that records messages, refuses listed recipients, can stall."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    # While set, the reply at `hold_at` ("data": after the message is recorded, before
    # its 250; "rcpt": before the message is sent at all) is withheld: the client hangs
    # mid-send, as it would with a slow server, until `release` is called.
    hold: threading.Event = field(default_factory=threading.Event)
    hold_at: str = "data"
    # Clients waiting in a held reply.
    waiting: int = 0
    count_only: bool = False
    count: int = 0
    # time.monotonic() of the first and last DATA since the last reset (for bench/mail.py).
    first_at: float | None = None
    last_at: float | None = None

    async def _wait_while_held(self, stage: str) -> None:
        if self.hold_at != stage or not self.hold.is_set():
            return
        self.waiting += 1
        while self.hold.is_set():
            await asyncio.sleep(0.05)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such mailbox here"
        await self._wait_while_held("rcpt")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        self.last_at = time.monotonic()
        if self.first_at is None:
            self.first_at = self.last_at
        if not self.count_only:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
        await self._wait_while_held("data")
        return "250 2.0.0 Message accepted for delivery"


class SMTPSink:
    """An aiosmtpd server in a background thread; a context manager."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None, *, count_only=False):
        self.host = host
        self.port = port or free_port(host)
        self.handler = RecordingHandler(count_only=count_only)
        self.controller = Controller(self.handler, hostname=host, port=self.port)

    def __enter__(self) -> SMTPSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.handler.hold.clear()
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.handler.received]

    def refuse(self, address: str) -> None:
        """Answer 550 to RCPT TO for this address."""
        self.handler.refuse.add(address.lower())

    def stall(self, at: str = "data") -> None:
        """Withhold the reply to DATA (or to RCPT TO, ``at="rcpt"``) until `release`."""
        self.handler.hold_at = at
        self.handler.hold.set()

    def release(self) -> None:
        self.handler.hold.clear()

    def wait_for_stalled_client(self, timeout: float = 20.0) -> None:
        """Wait until a client hangs in a withheld reply, or fail."""
        deadline = time.monotonic() + timeout
        while not self.handler.waiting:
            if time.monotonic() > deadline:
                raise AssertionError(f"no client stalled after {timeout}s")
            time.sleep(0.02)

    def wait_for(self, count: int, timeout: float = 20.0) -> None:
        """Wait until the sink has received ``count`` messages, or fail."""
        deadline = time.monotonic() + timeout
        while self.handler.count < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.handler.count} of {count} messages after {timeout}s")
            time.sleep(0.02)
