"""The promise report: parsing pytest's JUnit XML, MISSING promises, the command, the page."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from vivre.accounts.models import User
from vivre.core.staff import Role
from vivre.privacy import promises

FAKE_JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="4">
  <testcase classname="vivre.privacy.tests.test_disclosure" name="test_refused">
    <properties><property name="promise" value="P1,P17" /></properties>
  </testcase>
  <testcase classname="vivre.privacy.tests.test_consent" name="test_opt_out">
    <properties><property name="promise" value="P16" /></properties>
    <failure message="boom">assert False</failure>
  </testcase>
  <testcase classname="vivre.privacy.tests.test_cookies" name="test_skipped">
    <properties><property name="promise" value="P21" /></properties>
    <skipped message="no browser" />
  </testcase>
  <testcase classname="vivre.core.tests.test_x" name="test_unmarked" />
</testsuite></testsuites>
"""


def _row(report, promise_id):
    return next(row for row in report["promises"] if row["id"] == promise_id)


@pytest.mark.promise("P18")
def test_parser_keeps_a_promise_with_a_passing_test_and_marks_the_rest_missing():
    results = promises.parse_junit(FAKE_JUNIT)
    assert results["P1"] == [
        {"test": "vivre.privacy.tests.test_disclosure::test_refused", "outcome": "passed"}
    ]
    report = promises.build_report(results, made_at="2026-01-01T00:00:00+00:00")
    assert [row["id"] for row in report["promises"]] == [f"P{n}" for n in range(1, 27)]
    assert _row(report, "P1")["status"] == promises.KEPT
    assert _row(report, "P17")["status"] == promises.KEPT
    assert _row(report, "P16")["status"] == promises.FAILING
    # A skipped test is not a passing one.
    assert _row(report, "P21")["status"] == promises.MISSING
    assert _row(report, "P2")["status"] == promises.MISSING
    assert _row(report, "P2")["tests"] == []
    assert _row(report, "P18")["modules"][0] == "vivre.privacy.legal"
    assert report["ok"] is False


def test_every_promise_title_and_enforcing_module_exists():
    import importlib.util

    assert len(promises.PROMISES) == 26
    for promise in promises.PROMISES:
        assert promise.title
        for module in promise.modules:
            assert importlib.util.find_spec(module) is not None, module


def test_all_kept_is_ok():
    results = {f"P{n}": [{"test": f"t{n}", "outcome": "passed"}] for n in range(1, 27)}
    assert promises.build_report(results, made_at="now")["ok"] is True


def test_the_plugin_writes_promise_ids_as_junit_properties():
    class Mark:
        args = ("P1", "P13")

    class Item:
        user_properties: list = []

        def iter_markers(self, name):
            return [Mark()] if name == "promise" else []

    item = Item()
    promises.pytest_collection_modifyitems([item])
    assert item.user_properties == [("promise", "P1,P13")]


@pytest.mark.promise("P18")
def test_command_reports_missing_and_exits_non_zero(tmp_path, settings, capsys):
    settings.VAR_DIR = tmp_path
    junit = tmp_path / "fake.xml"
    junit.write_text(FAKE_JUNIT, encoding="utf-8")
    with pytest.raises(CommandError, match="P2"):
        call_command("promise_report", junit=str(junit))
    out = capsys.readouterr().out
    assert "P1   kept" in out
    assert "P2   MISSING" in out
    stored = json.loads((tmp_path / "promise_report.json").read_text())
    assert _row(stored, "P2")["status"] == "MISSING"


@pytest.fixture
def officer(db):
    user = User.objects.create_user("officer", password="pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name=Role.PRIVACY))
    return user


def test_staff_page_shows_the_last_report_without_running_tests(client, officer, settings,
                                                                tmp_path):  # fmt: skip
    settings.VAR_DIR = tmp_path
    client.force_login(officer)
    response = client.get("/staff/privacy/promises/")
    assert response.status_code == 200
    assert "manage.py promise_report" in response.content.decode()
    report = promises.build_report(promises.parse_junit(FAKE_JUNIT), made_at="2026-11-25T10:00")
    promises.save_report(report)
    page = client.get("/staff/privacy/promises/").content.decode()
    assert "MISSING" in page
    assert "test_refused" in page
    assert "2026-11-25" in page


def test_staff_page_is_for_privacy_officers_only(client, db):
    user = User.objects.create_user("clerk", password="pw-for-tests", is_staff=True)
    client.force_login(user)
    assert client.get("/staff/privacy/promises/").status_code == 403
