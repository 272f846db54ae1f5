"""Serve the shop and its background worker together, for local use (`make run`)."""

import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development server and a django-tasks worker side by side."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        # runserver's autoreloader re-runs this command in a child process with
        # RUN_MAIN set; only the outer process starts the worker.
        worker = None
        if os.environ.get("RUN_MAIN") != "true":
            # Mail a previous run left half-sent goes back in the queue.
            call_command("deliver_mail", "--enqueue")
            worker = subprocess.Popen(  # noqa: S603 - our own manage.py
                [sys.executable, "manage.py", "db_worker", "--interval", "1"]
            )
            self.stdout.write(
                self.style.SUCCESS(f"Vivre is at http://{addrport}/  (worker pid {worker.pid})")
            )
            self.stdout.write(
                "Staff: create an account with `.venv/bin/python manage.py createsuperuser`, "
                f"then sign in at http://{addrport}/admin/"
            )
        try:
            call_command("runserver", addrport)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
