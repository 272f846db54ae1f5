"""The care console: who gets in, what the order page shows, and the phone reveal (P6)."""

import uuid

import pytest

from vivre.care.models import OrderIssue
from vivre.care.services import open_issue, resolve_issue
from vivre.privacy.models import AccessRecord

from .conftest import make_order

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P6")]

# Every way the number could leak into a page: stored, formatted, bare digits.
PHONE_FORMS = ["+16465550173", "(646) 555-0173", "6465550173", "555-0173"]


def _page(order):
    return f"/staff/care/orders/{order.number}/"


def _reveal(order, issue):
    return f"/staff/care/orders/{order.number}/issues/{issue.pk}/reveal-phone/"


def _no_phone_in(html):
    return not any(form in html for form in PHONE_FORMS)


def test_anonymous_visitor_is_sent_to_sign_in(client, order):
    for url in ("/staff/care/", _page(order)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_fulfilment_staff_are_refused(client, packer, order):
    client.force_login(packer)
    assert client.get("/staff/care/").status_code == 403
    assert client.get(_page(order)).status_code == 403


def test_care_staff_see_the_order_without_the_phone(care_client, order):
    # when care opens the order page
    response = care_client.get(_page(order))

    # then lines, status, address and e-mail are there, and the phone is not
    html = response.content.decode()
    assert response.status_code == 200
    assert "Linen napkins" in html and "NAP-OAT-4" in html
    assert order.get_status_display() in html
    assert "11 Mercer Street" in html
    assert "ada@example.com" in html
    assert _no_phone_in(html)
    assert "no-store" in response["Cache-Control"]
    assert not AccessRecord.objects.filter(field="phone").exists()


def test_open_issue_page_still_hides_the_phone_until_revealed(care_client, order):
    # given an issue opened through the console
    response = care_client.post(
        f"/staff/care/orders/{order.number}/issues/", {"summary": "Parcel arrived damaged"}
    )
    assert response.status_code == 302

    # when the order page is shown again
    html = care_client.get(_page(order)).content.decode()

    # then the issue and the reveal button are there, the number is not
    assert "Parcel arrived damaged" in html
    assert "Reveal phone number" in html
    assert _no_phone_in(html)


def test_no_reveal_button_without_an_open_issue(care_client, order):
    assert "Reveal phone number" not in care_client.get(_page(order)).content.decode()


def test_reveal_with_an_open_issue_shows_the_number_once_and_logs_it(care_client, carer, order):
    # given an open issue
    issue = open_issue(order=order, actor=carer, summary="Wants to change the delivery day")

    # when care reveals the phone
    response = care_client.post(_reveal(order, issue))

    # then the number is shown, formatted, and one record names the associate and issue
    html = response.content.decode()
    assert response.status_code == 200
    assert "(646) 555-0173" in html
    assert "no-store" in response["Cache-Control"]
    record = AccessRecord.objects.get(field="phone")
    assert (record.actor_label, record.reason) == ("carer", f"order issue {issue.pk}")

    # and the next ordinary view hides it again but lists the reveal in the access log
    html = care_client.get(_page(order)).content.decode()
    assert _no_phone_in(html)
    assert f"order issue {issue.pk}" in html


def test_reveal_after_resolving_is_refused_with_403(care_client, carer, order):
    # given an issue that is resolved through the console
    issue = open_issue(order=order, actor=carer, summary="Late parcel")
    resolve = f"/staff/care/orders/{order.number}/issues/{issue.pk}/resolve/"
    assert care_client.post(resolve).status_code == 302

    # when care asks for the phone for it
    response = care_client.post(_reveal(order, issue))

    # then it is refused, clearly, and nothing is read or shown
    html = response.content.decode()
    assert response.status_code == 403
    assert "shown only while an issue" in html
    assert _no_phone_in(html)
    assert not AccessRecord.objects.filter(field="phone").exists()


def test_reveal_with_another_orders_issue_is_refused(care_client, carer, order):
    # given an open issue on a different order
    other = make_order(email="grace@example.com", phone="+13125550199")
    issue = open_issue(order=other, actor=carer, summary="Other customer")

    # when it is used to reveal this order's phone
    response = care_client.post(_reveal(order, issue))

    # then neither number is shown and nothing is logged
    html = response.content.decode()
    assert response.status_code == 404
    assert "That issue is not on order" in html
    assert _no_phone_in(html) and "555-0199" not in html
    assert not AccessRecord.objects.filter(field="phone").exists()


def test_reveal_with_an_unknown_issue_or_by_get_is_refused(care_client, carer, order):
    issue = open_issue(order=order, actor=carer, summary="Late")
    assert care_client.post(_reveal(order, OrderIssue(pk=uuid.uuid4()))).status_code == 404
    assert care_client.get(_reveal(order, issue)).status_code == 405
    bad_id = f"/staff/care/orders/{order.number}/issues/not-a-uuid/reveal-phone/"
    assert care_client.post(bad_id).status_code == 404
    assert not AccessRecord.objects.filter(field="phone").exists()


def test_fulfilment_staff_cannot_reveal(client, packer, carer, order):
    issue = open_issue(order=order, actor=carer, summary="Late")
    client.force_login(packer)
    assert client.post(_reveal(order, issue)).status_code == 403
    assert not AccessRecord.objects.filter(field="phone").exists()


def test_open_issue_without_summary_shows_the_error(care_client, order):
    response = care_client.post(f"/staff/care/orders/{order.number}/issues/", {"summary": "  "})
    assert response.status_code == 400
    assert "Describe the issue" in response.content.decode()
    assert not OrderIssue.objects.exists()


def test_resolving_twice_is_a_clear_conflict(care_client, carer, order):
    issue = open_issue(order=order, actor=carer, summary="Late")
    resolve_issue(issue=issue, actor=carer)
    response = care_client.post(f"/staff/care/orders/{order.number}/issues/{issue.pk}/resolve/")
    assert response.status_code == 409
    assert "already resolved" in response.content.decode()


def test_search_by_order_number_goes_to_the_order(care_client, order):
    # when care searches for the number, typed loosely
    for typed in (order.number, order.number.lower(), order.number.replace("-", " ")):
        response = care_client.get("/staff/care/", {"q": typed})
        # then they land on the order page
        assert response.status_code == 302
        assert response["Location"] == _page(order)


def test_search_by_email_lists_that_customers_orders(care_client, order):
    # given another order by the same customer and one by someone else
    second = make_order(email="Ada@Example.com")
    stranger = make_order(email="grace@example.com")

    # when care searches by e-mail in another case
    response = care_client.get("/staff/care/", {"q": "ADA@example.COM"})

    # then both of hers are listed, not the stranger's
    html = response.content.decode()
    assert response.status_code == 200
    assert order.number in html and second.number in html
    assert stranger.number not in html
    assert _no_phone_in(html)


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 400, "Enter an order number"),
        ("   ", 400, "Enter an order number"),
        ("VV-ZZZZ-ZZZZ", 404, "There is no order VV-ZZZZ-ZZZZ"),
        ("nobody@example.com", 404, "No orders were placed with"),
        ("ada@", 400, "not a complete e-mail address"),
        ("x" * 300, 400, "too long"),
    ],
)
def test_search_bad_input_gets_a_clear_message(care_client, order, query, status, message):
    response = care_client.get("/staff/care/", {"q": query})
    assert response.status_code == status
    assert message in response.content.decode()


def test_unknown_order_page_is_404_with_a_message(care_client):
    response = care_client.get("/staff/care/orders/VV-NONE-NONE/")
    assert response.status_code == 404
    assert "There is no order VV-NONE-NONE" in response.content.decode()


def test_search_page_renders_empty(care_client):
    response = care_client.get("/staff/care/")
    assert response.status_code == 200
    assert "Find an order" in response.content.decode()


def test_issue_summaries_are_read_through_the_access_log(care_client, carer, order):
    # given an issue whose summary is the customer's private correspondence
    issue = open_issue(order=order, actor=carer, summary="Gift for her mother's birthday")

    # when care views the order
    care_client.get(_page(order))

    # then the read of the summary is recorded against the issue
    record = AccessRecord.objects.get(field="summary")
    assert (record.subject_type, record.subject_id) == ("care.OrderIssue", str(issue.pk))
