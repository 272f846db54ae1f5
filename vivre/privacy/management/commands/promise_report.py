"""Run the promise-marked tests and report, for each promise P1-P26, its code and tests.

``make promises`` runs this. The tests run in a subprocess with this process's
environment (so the same database settings); the result is printed and stored
as JSON for the staff page ``/staff/privacy/promises/``. Exits non-zero when a
promise has no passing test (MISSING) or a failing one.
"""

import os
import subprocess  # noqa: S404 (runs our own test suite)
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from vivre.privacy import promises


def run_promise_tests(junit_path: Path) -> int:
    """Run ``pytest -m promise`` writing JUnit XML to ``junit_path``; return its exit code."""
    command = [
        sys.executable, "-m", "pytest", "-m", "promise", "-q", "-p", "no:cacheprovider",
        "-p", "vivre.privacy.promises", f"--junitxml={junit_path}",
    ]  # fmt: skip
    return subprocess.call(command, cwd=settings.BASE_DIR, env=os.environ.copy())  # noqa: S603


class Command(BaseCommand):
    help = "Run the promise-marked tests and report each promise's code and tests."

    def add_arguments(self, parser):
        parser.add_argument(
            "--junit", help="Read this JUnit XML file instead of running the tests."
        )

    def handle(self, *args, junit=None, **options):
        if junit:
            xml_text = Path(junit).read_text(encoding="utf-8")
        else:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "promises.xml"
                run_promise_tests(path)
                if not path.exists():
                    raise CommandError("pytest wrote no results; see its output above.")
                xml_text = path.read_text(encoding="utf-8")
        report = promises.build_report(
            promises.parse_junit(xml_text), made_at=timezone.now().isoformat()
        )
        promises.save_report(report)
        self.print_report(report)
        if not report["ok"]:
            bad = [row["id"] for row in report["promises"] if row["status"] != promises.KEPT]
            raise CommandError(f"Promises without a passing test, or failing: {', '.join(bad)}")

    def print_report(self, report):
        for row in report["promises"]:
            self.stdout.write(
                f"{row['id']:<4} {row['status']:<8} {row['passed']} passed, "
                f"{row['failed']} failed  {row['title']}"
            )
            self.stdout.write(f"       code: {', '.join(row['modules'])}")
            for test in row["tests"]:
                self.stdout.write(f"       {test['outcome']:<8} {test['test']}")
        self.stdout.write(f"Report stored in {promises.report_path()}")
