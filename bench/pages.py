"""Measure the shop's main pages against a bare Django view, under gunicorn and wrk.

Run with ``make bench`` (or ``.venv/bin/python bench/pages.py --duration 3`` for a
smoke run). The script:

1. creates a throwaway SQLite database in a temporary directory, migrates it and
   loads the demo catalogue (``load_demo --products 2000``);
2. starts gunicorn (2 sync workers) with ``VIVRE_BENCH=1``, which serves the bare
   view at ``/_bench/bare/``;
3. warms each page up, then drives it with ``wrk`` and prints requests per second,
   median and 99th-percentile latency, and the ratio to the bare view.

It reports; it is not a test. It exits 0 when a target is missed and non-zero
only when something could not run. See bench/README.md for how to read it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

WORKERS = 2
THREADS = 2
CONNECTIONS = 16
PRODUCTS = 2000
WARMUP_REQUESTS = 20
STARTUP_TIMEOUT_S = 30
# CPU time used by other processes during a run, as a share of all CPUs, above
# which the run is flagged: the machine was not idle, so the numbers are low.
OTHER_CPU_WARNING = 0.10

# Targets: a storefront page may cost at most ~3× the bare view's framework
# overhead per request, and no page may keep one customer in 100 waiting over 50 ms.
RATIO_TARGET = 0.3
RATIO_PAGES = ("category", "product")
P99_TARGET_MS = 50.0

SEARCH_WORDS = ("linen", "cashmere", "brass", "silk", "wool")
MIN_CATEGORY_PRODUCTS = 24
MIN_VARIANTS = 3

BARE_URL_HINT = """\
The bare view does not answer at /_bench/bare/. Add to vivre/urls.py:

    from django.conf import settings
    from vivre.core.bench_views import bare

    if settings.VIVRE_BENCH:
        urlpatterns += [path("_bench/bare/", bare)]

and to vivre/settings.py: VIVRE_BENCH = env.bool("VIVRE_BENCH", default=False)"""


class BenchError(Exception):
    """Something the benchmark needs could not be done; the message says what."""


@dataclass
class Result:
    page: str
    path: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: str
    other_cpu: float | None = None  # share of all CPUs used by other processes meanwhile


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=int, default=15, help="seconds of wrk per page (default 15)"
    )
    parser.add_argument(
        "--products", type=int, default=PRODUCTS, help=f"demo catalogue size ({PRODUCTS})"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (database, logs)"
    )
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(tmp: Path) -> dict[str, str]:
    """Return the environment for every subprocess: a private database and var dir."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "VIVRE_PRODUCTION", "DEBUG", "VIVRE_VAR_DIR"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="vivre.settings",
        VIVRE_VAR_DIR=str(tmp),
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        VIVRE_BENCH="1",
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run a management command; raise BenchError with its output if it fails."""
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise BenchError(
            f"manage.py {' '.join(args)} failed ({proc.returncode}):\n"
            f"{proc.stdout[-2000:]}{proc.stderr[-4000:]}"
        )
    print(f"  manage.py {' '.join(args)}: {time.monotonic() - started:.1f}s")
    return proc.stdout


def prepare_database(env: dict[str, str], products: int) -> None:
    commands = manage(env, "help", "--commands").split()
    if "load_demo" not in commands:
        raise BenchError(
            "manage.py load_demo does not exist yet: the benchmark needs the demo "
            "catalogue loader (vivre/catalog/management/commands/load_demo.py)."
        )
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo", "--products", str(products))


def pick_pages(db_path: Path) -> list[tuple[str, str]]:
    """Return (name, path) of the pages to measure, chosen from the loaded catalogue."""
    con = sqlite3.connect(db_path)
    try:
        category = con.execute(
            """
            SELECT d.slug, c.slug, COUNT(p.id) AS n
            FROM catalog_category c
            JOIN catalog_department d ON d.id = c.department_id
            JOIN catalog_product p ON p.category_id = c.id AND p.is_active
            GROUP BY c.id
            HAVING n >= ?
            ORDER BY d.position, d.name, c.position, c.name
            LIMIT 1
            """,
            [MIN_CATEGORY_PRODUCTS],
        ).fetchone()
        if category is None:
            raise BenchError(f"No category has {MIN_CATEGORY_PRODUCTS} or more live products.")
        product = con.execute(
            """
            SELECT p.slug, COUNT(v.id) AS n
            FROM catalog_product p
            JOIN catalog_variant v ON v.product_id = p.id AND v.is_active
            WHERE p.is_active AND p.in_stock
            GROUP BY p.id
            ORDER BY MIN(n, ?) DESC, p.id
            LIMIT 1
            """,
            [MIN_VARIANTS],
        ).fetchone()
        if product is None:
            raise BenchError("No live product in stock.")
        word = None
        for candidate in SEARCH_WORDS:
            hits = con.execute(
                "SELECT COUNT(*) FROM catalog_product WHERE is_active "
                "AND (name LIKE ? OR description LIKE ?)",
                [f"%{candidate}%"] * 2,
            ).fetchone()[0]
            if hits:
                word = candidate
                break
        if word is None:
            raise BenchError(f"None of {SEARCH_WORDS} occurs in the demo catalogue.")
    finally:
        con.close()
    print(
        f"  category /d/{category[0]}/{category[1]}/ has {category[2]} products; "
        f"product /p/{product[0]}/ has {product[1]} variants; search word {word!r}"
    )
    return [
        ("bare view", "/_bench/bare/"),
        ("home", "/"),
        ("category", f"/d/{category[0]}/{category[1]}/"),
        ("product", f"/p/{product[0]}/"),
        ("search", f"/search/?q={word}"),
    ]


def get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    gunicorn = BIN / "gunicorn"
    if not gunicorn.exists():
        raise BenchError(f"gunicorn is not installed at {gunicorn} (pip install gunicorn).")
    with open(log, "wb") as log_file:
        return subprocess.Popen(
            [
                str(gunicorn),
                "vivre.wsgi",
                "-w",
                str(WORKERS),
                "-k",
                "sync",
                "--no-control-socket",
                "--chdir",
                str(ROOT),
                "-b",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until_up(server: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited ({server.returncode}):\n{log.read_text()[-4000:]}")
        try:
            get(base + "/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer within {STARTUP_TIMEOUT_S}s:\n{log.read_text()}")


def stop(server: subprocess.Popen | None) -> None:
    """Stop gunicorn and its workers (its own process group), politely then firmly."""
    if server is None or server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)
    except ProcessLookupError:
        pass


def warm_up(base: str, pages: list[tuple[str, str]]) -> None:
    for name, path in pages:
        for _ in range(WARMUP_REQUESTS):
            status, body = get(base + path)
            if status != 200:
                if name == "bare view" and status == 404:
                    raise BenchError(BARE_URL_HINT)
                raise BenchError(f"{name} {path} answered {status}:\n{body[:500]!r}")


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def to_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise BenchError(f"Cannot read wrk latency {text!r}")
    return float(match.group(1)) * _UNIT_MS[match.group(2)]


def parse_wrk(output: str) -> dict:
    """Return requests/s, p50 and p99 (ms), request count and any error lines from wrk."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    count = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (rps and p50 and p99 and count):
        raise BenchError(f"Cannot read wrk's output:\n{output}")
    errors = [
        line.strip()
        for line in output.splitlines()
        if line.strip().startswith(("Non-2xx", "Socket errors"))
    ]
    return {
        "requests_per_s": float(rps.group(1)),
        "p50_ms": to_ms(p50.group(1)),
        "p99_ms": to_ms(p99.group(1)),
        "requests": int(count.group(1)),
        "errors": "; ".join(errors),
    }


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def machine_cpu_seconds() -> float:
    """Return the CPU seconds spent in user and system mode by everything, since boot."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    user, nice, system = (int(x) for x in fields[1:4])
    return (user + nice + system) / _TICK


def tree_cpu_seconds(pid: int) -> float:
    """Return the CPU seconds used so far by a process and its descendants."""
    total = 0.0
    stat = Path(f"/proc/{pid}/stat").read_text()
    utime, stime = stat.rsplit(")", 1)[1].split()[11:13]
    total += (int(utime) + int(stime)) / _TICK
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            with contextlib.suppress(OSError):  # exited meanwhile
                total += tree_cpu_seconds(int(child))
    return total


def own_cpu_seconds(server_pid: int) -> float:
    """Return the CPU seconds of gunicorn's tree plus this script's finished children (wrk)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_usage = resource.getrusage(resource.RUSAGE_SELF)
    return (
        tree_cpu_seconds(server_pid)
        + usage.ru_utime
        + usage.ru_stime
        + self_usage.ru_utime
        + self_usage.ru_stime
    )


def measure(base: str, name: str, path: str, duration: int, server_pid: int) -> Result:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed (apt-get install wrk).")
    try:
        machine_before, own_before = machine_cpu_seconds(), own_cpu_seconds(server_pid)
    except OSError:  # no /proc: not Linux
        machine_before = own_before = None
    started = time.monotonic()
    proc = subprocess.run(
        [
            wrk,
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{duration}s",
            "--latency",
            base + path,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=duration + 60,
    )
    if proc.returncode != 0:
        raise BenchError(f"wrk failed on {path} ({proc.returncode}):\n{proc.stderr}")
    other_cpu = None
    if machine_before is not None:
        elapsed = time.monotonic() - started
        machine = machine_cpu_seconds() - machine_before
        own = own_cpu_seconds(server_pid) - own_before
        other_cpu = max(0.0, machine - own) / (elapsed * (os.cpu_count() or 1))
    return Result(page=name, path=path, other_cpu=other_cpu, **parse_wrk(proc.stdout))


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(results: list[Result], duration: int, load_before: float) -> None:
    bare = results[0].requests_per_s
    print()
    print(
        f"wrk -t{THREADS} -c{CONNECTIONS} -d{duration}s against gunicorn "
        f"-w {WORKERS} -k sync, {os.cpu_count()} CPUs, SQLite; "
        f"load average before: {load_before:.2f}"
    )
    print()
    header = (
        f"{'page':<10} {'path':<36} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'× bare':>7}"
        f" {'other CPU':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        other = "?" if r.other_cpu is None else f"{r.other_cpu:.0%}"
        print(
            f"{r.page:<10} {r.path[:36]:<36} {r.requests_per_s:>7.0f} "
            f"{r.p50_ms:>7.1f} {r.p99_ms:>7.1f} {r.requests_per_s / bare:>7.2f} {other:>9}"
        )
    for r in results:
        if r.errors:
            print(f"  ! {r.page}: {r.errors}")
        if r.other_cpu is not None and r.other_cpu > OTHER_CPU_WARNING:
            print(
                f"  ! {r.page}: other processes used {r.other_cpu:.0%} of the CPUs during "
                "the run, so its numbers are low; rerun on an idle machine"
            )

    print()
    print(
        f"Targets: {' and '.join(RATIO_PAGES)} ≥ {RATIO_TARGET}× bare; p99 ≤ {P99_TARGET_MS:g} ms"
    )
    for r in results[1:]:
        checks = []
        if r.page in RATIO_PAGES:
            ratio = r.requests_per_s / bare
            checks.append(f"ratio {ratio:.2f} ≥ {RATIO_TARGET}: {verdict(ratio >= RATIO_TARGET)}")
        checks.append(
            f"p99 {r.p99_ms:.1f} ms ≤ {P99_TARGET_MS:g}: {verdict(r.p99_ms <= P99_TARGET_MS)}"
        )
        if r.errors:
            checks.append("errors: MISS")
        print(f"  {r.page:<10} " + "   ".join(checks))


def main(argv=None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("bench: wrk is not installed (apt-get install wrk).", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="vivre-bench-"))
    env = bench_env(tmp)
    server = None
    try:
        print(f"Preparing a throwaway database in {tmp}")
        prepare_database(env, args.products)
        pages = pick_pages(tmp / "bench.sqlite3")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp / "gunicorn.log"
        server = start_gunicorn(env, port, log)
        wait_until_up(server, base, log)
        print(f"  gunicorn is up at {base} (pid {server.pid})")
        warm_up(base, pages)

        load_before = os.getloadavg()[0]
        results = []
        for name, path in pages:
            print(f"  measuring {name} ({args.duration}s)…", flush=True)
            results.append(measure(base, name, path, args.duration, server.pid))
        report(results, args.duration, load_before)
        return 0
    except BenchError as error:
        print(f"\nbench: {error}", file=sys.stderr)
        return 1
    finally:
        stop(server)
        if args.keep:
            print(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
