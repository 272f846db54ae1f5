"""Measure how fast the outbox delivers: 1 and 4 ``db_worker`` processes, real SMTP.

Run with ``.venv/bin/python bench/mail.py`` (SQLite only, about a minute) or add
``--postgres postgres://postgres@127.0.0.1:5432/DBNAME`` to measure a throwaway
PostgreSQL database as well (its outbox and task tables are emptied first). For each
database the script:

1. migrates it (SQLite: a file in a temporary directory) and queues ``--messages``
   e-mails (10,000) through ``send_email``, in one transaction, as the shop would;
2. starts an aiosmtpd sink in this process (it counts, it does not keep messages);
3. lets 1 worker deliver ``--per-run`` of them (1,000), then 4 workers deliver the next
   ``--per-run`` (each ``db_worker --max-tasks per-run/4``), with a queue that is still
   thousands deep; with ``--drain`` the 4 workers then empty the queue;
4. prints messages per second for each run and the ratio 4 workers / 1 worker.

``--full`` instead queues ``--messages`` afresh for each run and lets the workers run
``--batch`` until the queue is empty (several minutes for 10,000 on two cores).

It reports; it is not a test. Every message opens its own SMTP connection (as the
task does in production), and the sink shares the machine with the workers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUEUE = """
import json, time
from django.db import transaction
from vivre.messaging.services import send_email
prefix, n = {prefix!r}, {n}
started = time.monotonic()
with transaction.atomic():
    for i in range(n):
        send_email(to=f"customer{{i}}@example.com", subject=f"Your order V-{{i:06d}} has shipped",
                   template="notice",
                   context={{"heading": "On its way", "paragraphs": ["Two candles, one vase."]}},
                   kind="bench.notice", dedupe_key=f"{{prefix}}:{{i}}")
print(json.dumps({{"seconds": time.monotonic() - started}}))
"""

RESET = """
from vivre.messaging.models import Message
from django_tasks_db.models import DBTaskResult
Message.objects.all().delete(); DBTaskResult.objects.all().delete()
print("{}")
"""

COUNTS = """
import json
from django.db.models import Count
from vivre.messaging.models import Message
print(json.dumps(dict(Message.objects.values_list("state").annotate(n=Count("pk")).order_by())))
"""


def manage(env, *args, timeout=600) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        sys.exit(f"manage.py {args[0]} failed:\n{done.stderr}")
    return done.stdout


def shell(env, code: str) -> dict:
    return json.loads(manage(env, "shell", "-v0", "-c", code).strip().splitlines()[-1])


def run_workers(env, workers: int, extra: list[str]) -> float:
    """Run ``workers`` db_worker processes to completion; return the wall time."""
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "db_worker",
                "--no-startup-delay",
                "--interval",
                "0.2",
                "-v0",
                *extra,
            ],
            env=env,
            cwd=ROOT,
        )
        for _ in range(workers)
    ]
    for proc in procs:
        if proc.wait() != 0:
            sys.exit(f"a worker exited with {proc.returncode}")
    return time.monotonic() - started


def bench_database(label: str, env: dict, args, sink) -> dict[int, float]:
    print(f"\n== {label}", flush=True)
    manage(env, "migrate", "-v0")
    shell(env, RESET)
    rates: dict[int, float] = {}
    steady_rates: dict[int, float] = {}

    def queue(prefix: str):
        seconds = shell(env, QUEUE.format(prefix=prefix, n=args.messages))["seconds"]
        print(
            f"queued {args.messages} messages in {seconds:.1f} s "
            f"({args.messages / seconds:.0f}/s, send_email in one transaction)",
            flush=True,
        )

    if not args.full:
        queue("bench")
    for workers in (1, 4):
        before = sink.handler.count
        sink.handler.first_at = sink.handler.last_at = None
        if args.full:
            shell(env, RESET)
            queue(f"bench{workers}")
            seconds = run_workers(env, workers, ["--batch"])
        else:
            per_worker = max(1, args.per_run // workers)
            seconds = run_workers(env, workers, ["--batch", "--max-tasks", str(per_worker)])
        delivered = sink.handler.count - before
        rates[workers] = delivered / seconds
        span = (sink.handler.last_at or 0) - (sink.handler.first_at or 0)
        steady_rates[workers] = (delivered - 1) / span if span > 0 else 0.0
        steady = f"{steady_rates[workers]:6.0f}"
        print(
            f"{workers} worker{'s' if workers > 1 else ' '}: {delivered:6d} delivered in "
            f"{seconds:6.1f} s = {rates[workers]:6.0f} messages/s "
            f"(first to last reception: {steady}/s)",
            flush=True,
        )
    if args.drain and not args.full:
        before = sink.handler.count
        seconds = run_workers(env, 4, ["--batch"])
        delivered = sink.handler.count - before
        print(
            f"drain:     {delivered:6d} delivered in {seconds:6.1f} s = "
            f"{delivered / seconds:6.0f} messages/s (4 workers)",
            flush=True,
        )
    counts = shell(env, COUNTS)
    print("outbox now:", ", ".join(f"{n} {state}" for state, n in sorted(counts.items())))
    steady_ratio = steady_rates[4] / steady_rates[1] if steady_rates[1] else 0.0
    print(
        f"ratio 4 workers / 1 worker: {rates[4] / rates[1]:.2f} "
        f"(first to last reception: {steady_ratio:.2f})",
        flush=True,
    )
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--per-run", type=int, default=1_000)
    parser.add_argument("--postgres", metavar="URL", help="also measure this throwaway database")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--drain", action="store_true", help="then deliver the rest")
    parser.add_argument("--full", action="store_true", help="deliver the whole queue per run")
    args = parser.parse_args()

    from vivre.messaging.testing import SMTPSink

    print(
        f"{os.cpu_count()} CPUs; the SMTP sink runs in this process; "
        f"{'whole queue per run' if args.full else f'{args.per_run} messages per run'}"
    )
    started = time.monotonic()
    with SMTPSink(count_only=True) as sink, tempfile.TemporaryDirectory() as tmp:
        base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        base.update(
            DJANGO_SETTINGS_MODULE="vivre.settings",
            VIVRE_VAR_DIR=tmp,
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=sink.host,
            EMAIL_PORT=str(sink.port),
            LOG_LEVEL="WARNING",
        )
        if not args.no_sqlite:
            bench_database("SQLite (WAL, file in a temporary directory)", base, args, sink)
        if args.postgres:
            bench_database("PostgreSQL", {**base, "DATABASE_URL": args.postgres}, args, sink)
    print(f"\ntotal {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
