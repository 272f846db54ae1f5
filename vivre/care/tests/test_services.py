"""Care services: issues open and close, and the phone is revealed only for an open one (P6)."""

import pytest

from vivre.care.errors import CareError, IssueNotOpen
from vivre.care.models import OrderIssue
from vivre.care.services import format_phone, open_issue, resolve_issue, reveal_phone
from vivre.privacy.checks import check_model
from vivre.privacy.models import AccessRecord

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P6")]


def test_reveal_for_an_open_issue_returns_the_number_and_logs_it(order, carer):
    # given an open issue on the order
    issue = open_issue(order=order, actor=carer, summary="Parcel arrived damaged")

    # when care reveals the phone number
    phone = reveal_phone(issue=issue, actor=carer)

    # then the number is formatted and the read is logged with actor, issue and purpose
    assert phone == "(646) 555-0173"
    record = AccessRecord.objects.get(field="phone")
    assert record.subject_id == str(order.pk)
    assert record.actor_id == carer.pk
    assert record.reason == f"order issue {issue.pk}"


def test_reveal_after_resolving_is_refused_and_not_logged(order, carer):
    # given an issue that was opened and resolved
    issue = open_issue(order=order, actor=carer, summary="Wrong colour")
    resolve_issue(issue=issue, actor=carer)

    # when care asks for the phone for it
    with pytest.raises(IssueNotOpen):
        reveal_phone(issue=issue, actor=carer)

    # then nothing was read
    assert not AccessRecord.objects.exists()


def test_resolve_records_who_and_when_and_refuses_twice(order, carer):
    issue = open_issue(order=order, actor=carer, summary="Late")
    resolved = resolve_issue(issue=issue, actor=carer)
    assert resolved.status == OrderIssue.Status.RESOLVED
    assert resolved.resolved_by == carer and resolved.resolved_at
    with pytest.raises(CareError, match="already resolved"):
        resolve_issue(issue=issue, actor=carer)


@pytest.mark.parametrize("summary", ["", "   ", "x" * 2001])
def test_open_issue_refuses_empty_or_long_summary(order, carer, summary):
    with pytest.raises(CareError):
        open_issue(order=order, actor=carer, summary=summary)
    assert not OrderIssue.objects.exists()


def test_phone_formatting():
    assert format_phone("+12125550148") == "(212) 555-0148"
    assert format_phone("+442079460958") == "+44 20 7946 0958"
    assert format_phone("not a number") == "not a number"


def test_order_issue_is_in_the_data_map():
    assert check_model(OrderIssue) == []
