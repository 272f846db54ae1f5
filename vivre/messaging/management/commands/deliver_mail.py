"""Deliver the outbox synchronously: useful without a worker, and as the recovery sweep."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from vivre.messaging import services


class Command(BaseCommand):
    help = (
        "Requeue messages abandoned in 'sending' by a dead worker, then send every due "
        "queued message now, in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after",
            type=float,
            default=services.SENDING_TIMEOUT.total_seconds(),
            help="Seconds after which a message still 'sending' is taken as abandoned "
            "(default: %(default)s).",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue a delivery task for each due message instead of sending here.",
        )

    def handle(self, *, stale_after, enqueue, verbosity, **options):
        older_than = timedelta(seconds=stale_after)
        if enqueue:
            result = services.sweep(older_than=older_than)
            self.stdout.write(f"requeued {result['requeued']}, queued {result['due']} deliveries")
            return
        requeued = services.requeue_stale(older_than=older_than)
        counts: dict[str, int] = {}
        for pk in services.due_messages().values_list("pk", flat=True):
            state = services.deliver(pk)
            counts[state] = counts.get(state, 0) + 1
        summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "nothing due"
        self.stdout.write(f"requeued {requeued}; {summary}")
