"""The promise report: for each privacy promise P1-P26, the code that keeps it and its tests.

``PROMISES`` copies the promises' titles from the mission and names, for each,
the modules that enforce it. ``manage.py promise_report`` runs the tests marked
``@pytest.mark.promise(...)`` in a subprocess (this module doubles as the pytest
plugin that writes each test's promises into the JUnit XML), parses the result
with :func:`parse_junit`, prints it and stores it as JSON under
``settings.VAR_DIR``; the staff page ``/staff/privacy/promises/`` reads that file
and never runs tests itself.

A promise with no passing test is MISSING; one with a failing test is FAILING.
Either makes the command exit non-zero.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # noqa: S405 (our own pytest's output, not untrusted input)
from dataclasses import dataclass
from pathlib import Path

PROPERTY = "promise"

KEPT = "kept"
MISSING = "MISSING"
FAILING = "FAILING"


@dataclass(frozen=True)
class Promise:
    id: str
    title: str
    modules: tuple[str, ...]


def _p(number: int, title: str, *modules: str) -> Promise:
    return Promise(f"P{number}", title, tuple(modules))


PROMISES: tuple[Promise, ...] = (
    _p(1, "No sale, rental or distribution of identifiable information to any third party "
       "without consent", "vivre.privacy.disclosure", "vivre.privacy.consent"),
    _p(2, "The policy may change; check back", "vivre.privacy.policy_views",
       "vivre.privacy.models"),
    _p(3, "Personal data is asked for at registration, at purchase and at catalogue request",
       "vivre.accounts.forms", "vivre.checkout.forms", "vivre.marketing.catalogue"),
    _p(4, "Registration collects name, addresses, telephone numbers, e-mail",
       "vivre.accounts.forms", "vivre.accounts.registration"),
    _p(5, "Two e-mails after a purchase: the order shipped, and the UPS tracking number",
       "vivre.fulfilment", "vivre.messaging.services"),
    _p(6, "A customer care associate may telephone to resolve an order issue",
       "vivre.care.views", "vivre.privacy.access"),
    _p(7, "Card number and expiry stored encrypted, used solely for billing, sent only over TLS",
       "vivre.payments.saved_cards", "vivre.payments.cards", "vivre.payments.gateway"),
    _p(8, "A catalogue request collects only name and address", "vivre.marketing.catalogue",
       "vivre.marketing.models"),
    _p(9, "Contests and promotions may ask for e-mail and demographics",
       "vivre.marketing.contests", "vivre.marketing.models"),
    _p(10, "Contact data is used to send information and promotions from Vivre and its partners",
       "vivre.marketing.campaigns", "vivre.privacy.suppression"),
    _p(11, "IP addresses help diagnose, administer, and identify the visitor and cart",
       "vivre.cart.services", "vivre.orders.services"),
    _p(12, "Name and password verify a registered customer; nobody else orders in their name",
       "vivre.accounts.throttling", "vivre.accounts.devices", "vivre.settings"),
    _p(13, "E-mail and correspondence sent to Vivre are confidential",
       "vivre.privacy.disclosure", "vivre.care"),
    _p(14, "Data is used to personalize content, improve service, and tell about offers",
       "vivre.privacy.consent"),
    _p(15, "Only aggregate, non-personal data goes to vendors and marketing partners",
       "vivre.marketing"),
    _p(16, "Anyone may opt out of future mailings from Vivre or its partners at any time",
       "vivre.privacy.consent", "vivre.privacy.suppression", "vivre.marketing.unsubscribe"),
    _p(17, "Card processors, shipping companies and the host get only what each role needs",
       "vivre.privacy.disclosure"),
    _p(18, "Personal information is shared with legal authorities only as far as the law "
       "requires", "vivre.privacy.legal", "vivre.privacy.disclosure"),
    _p(19, "Any change in the use of personal information is announced by e-mail before it "
       "happens, with a chance to opt out", "vivre.privacy.policy_views",
       "vivre.privacy.models"),
    _p(20, "Co-branded pages; individual data shared only between the two companies",
       "vivre.privacy.disclosure"),
    _p(21, "Cookies: visitor id, click tracking, remember-me; the shop works without them",
       "vivre.privacy.cookies", "vivre.privacy.cookie_views", "vivre.privacy.gpc"),
    _p(22, "The choice to opt out is offered where information is requested",
       "vivre.privacy.consent", "vivre.checkout.forms", "vivre.marketing"),
    _p(23, "Change your information and opt out by e-mail, on My Account, or by phone",
       "vivre.privacy.consent", "vivre.accounts", "vivre.care"),
    _p(24, "Contact details are published", "vivre.storefront"),
    _p(25, "The customer service section, with the features it describes",
       "vivre.storefront", "vivre.returns", "vivre.payments"),
    _p(26, "Security measures protect against loss, misuse and alteration of information",
       "vivre.settings", "vivre.core", "vivre.privacy.access"),
)  # fmt: skip


# --- the pytest plugin: put each test's promise ids into the JUnit XML ---------------


def pytest_collection_modifyitems(items):
    """Record the promise ids of every marked test as a JUnit property."""
    for item in items:
        ids = [str(arg) for mark in item.iter_markers(PROPERTY) for arg in mark.args]
        if ids:
            item.user_properties.append((PROPERTY, ",".join(ids)))


# --- parsing and the report -----------------------------------------------------------


def parse_junit(xml_text: str) -> dict[str, list[dict]]:
    """Return {promise id: [{"test": ..., "outcome": passed|failed|skipped}]} from JUnit XML."""
    root = ET.fromstring(xml_text)  # noqa: S314 (our own pytest's output)
    results: dict[str, list[dict]] = {}
    for case in root.iter("testcase"):
        ids: list[str] = []
        for prop in case.iter("property"):
            if prop.get("name") == PROPERTY:
                ids.extend(i.strip() for i in (prop.get("value") or "").split(",") if i.strip())
        if not ids:
            continue
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        else:
            outcome = "passed"
        name = f"{case.get('classname', '')}::{case.get('name', '')}".lstrip(":")
        for promise_id in dict.fromkeys(ids):
            results.setdefault(promise_id, []).append({"test": name, "outcome": outcome})
    return results


def build_report(results: dict[str, list[dict]], *, made_at: str) -> dict:
    """Return the report: every promise, its code, its tests and a status."""
    rows = []
    for promise in PROMISES:
        tests = sorted(results.get(promise.id, []), key=lambda t: t["test"])
        passed = sum(t["outcome"] == "passed" for t in tests)
        failed = sum(t["outcome"] == "failed" for t in tests)
        status = FAILING if failed else KEPT if passed else MISSING
        rows.append(
            {
                "id": promise.id,
                "title": promise.title,
                "modules": list(promise.modules),
                "tests": tests,
                "passed": passed,
                "failed": failed,
                "status": status,
            }
        )
    return {
        "made_at": made_at,
        "promises": rows,
        "ok": all(row["status"] == KEPT for row in rows),
    }


def report_path() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "promise_report.json"


def save_report(report: dict, path: Path | None = None) -> Path:
    path = path or report_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2), encoding="utf-8")
    tmp.replace(path)
    return path


def load_report(path: Path | None = None) -> dict | None:
    """Return the last report written, or None if there is none (or it is unreadable)."""
    path = path or report_path()
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
