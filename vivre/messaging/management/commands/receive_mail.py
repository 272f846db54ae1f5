"""Read mail sent to customer care: opt-out requests are recorded, the rest goes to care.

    manage.py receive_mail --maildir /var/mail/care   # new/ messages, moved to cur/ when done
    manage.py receive_mail message.eml other.eml       # files (``-`` reads one from stdin)

Prints counts only: never an address or a body (P13).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vivre.messaging.inbound import process_inbound


class Command(BaseCommand):
    help = (
        "Process inbound mail to customer care: record opt-outs asked for by known "
        "senders, forward everything else to the care address."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="RFC 5322 message files; - for stdin.")
        parser.add_argument(
            "--maildir",
            help="A Maildir: each message in new/ is processed, then moved to cur/ as seen.",
        )

    def handle(self, *, files, maildir, **options):
        if bool(files) == bool(maildir):
            raise CommandError("Give either --maildir PATH or one or more message files.")
        counts: dict[str, int] = {}
        failed = 0
        for name, read, done in self._sources(files, maildir):
            try:
                outcome = process_inbound(read())
            except Exception as exc:  # one bad message must not stop the rest
                failed += 1
                self.stderr.write(f"{name}: not processed ({type(exc).__name__}); left in place")
                continue
            done()
            counts[outcome] = counts.get(outcome, 0) + 1
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        self.stdout.write(summary or "no messages")
        if failed:
            raise CommandError(f"{failed} message(s) could not be processed.")

    def _sources(self, files, maildir):
        if maildir:
            root = Path(maildir)
            new, cur = root / "new", root / "cur"
            if not new.is_dir() or not cur.is_dir():
                raise CommandError(f"{maildir} is not a Maildir (it needs new/ and cur/).")
            for path in sorted(p for p in new.iterdir() if p.is_file()):
                yield (
                    path.name,
                    path.read_bytes,
                    lambda path=path: os.replace(path, cur / f"{path.name}:2,S"),
                )
            return
        for name in files:
            if name == "-":
                yield "<stdin>", sys.stdin.buffer.read, lambda: None
                continue
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file.")
            yield name, path.read_bytes, lambda: None
