"""The care console's refund form (P25), and the refund as the customer sees it."""

from decimal import Decimal

import pytest
from django.test import Client

from vivre.accounts.models import User
from vivre.messaging.models import Message
from vivre.payments.models import Payment, Refund
from vivre.payments.tests.test_refunds import shipped_paid_order

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P25")]


def _page(order):
    return f"/staff/care/orders/{order.number}/"


def _refund(order):
    return f"/staff/care/orders/{order.number}/refunds/"


@pytest.fixture
def paid():
    return shipped_paid_order()


def test_order_page_offers_a_refund_of_what_is_refundable(care_client, paid):
    order, _ = paid
    html = care_client.get(_page(order)).content.decode()
    assert "Payment and refunds" in html
    assert 'name="amount"' in html and 'value="140.60"' in html
    assert "Up to $140.60 can be refunded" in html
    assert "To the original card" in html and "As gift-certificate credit" in html


def test_care_refunds_to_the_card(care_client, carer, paid):
    # when care refunds $30 to the card with a reason
    order, payment = paid
    response = care_client.post(
        _refund(order), {"amount": "30.00", "method": "card", "reason": "Chipped vase"}
    )

    # then it is refunded, recorded with who did it, e-mailed, and listed on the page
    assert response.status_code == 302
    made = Refund.objects.get()
    assert (made.amount, made.method, made.created_by) == (Decimal("30.00"), "card", carer)
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("30.00")
    assert Message.objects.filter(kind="payment.refund", to_address=order.email).count() == 1
    html = care_client.get(_page(order)).content.decode()
    assert "Chipped vase" in html and "Up to $110.60 can be refunded" in html


def test_care_refunds_as_gift_certificate_credit(care_client, paid):
    order, _ = paid
    response = care_client.post(
        _refund(order), {"amount": "15", "method": "gift_certificate", "reason": "Goodwill"}
    )
    assert response.status_code == 302
    assert Refund.objects.get().gift_certificate.amount == Decimal("15.00")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"amount": "0"}, "amount", "more than $0.00"),
        ({"amount": "-10"}, "amount", "more than $0.00"),
        ({"amount": "140.61"}, "amount", "At most $140.60"),
        ({"amount": "ten"}, "amount", "such as 25.00"),
        ({"amount": "NaN"}, "amount", "such as 25.00"),
        ({"amount": "1e12"}, "amount", "far more than"),
        ({"amount": "99999999999999"}, "amount", "far more than"),
        ({"amount": "1.999"}, "amount", "dollars and cents"),
        ({"amount": ""}, "amount", "how much"),
        ({"reason": ""}, "reason", "Say why"),
        ({"reason": "x" * 201}, "reason", "200 characters"),
        ({"method": "cash"}, "method", "Choose how"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_refunds_nothing(care_client, paid, data, field,
                                                                  message):  # fmt: skip
    order, payment = paid
    post = {"amount": "10.00", "method": "card", "reason": "Damaged", **data}

    response = care_client.post(_refund(order), post)

    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="refund_{field}-error"' in html
    assert message in html
    assert not Refund.objects.exists()
    payment.refresh_from_db()
    assert payment.refunded_amount == 0


def test_markup_in_the_reason_is_shown_escaped(care_client, paid):
    order, _ = paid
    care_client.post(
        _refund(order), {"amount": "1.00", "method": "card", "reason": "<script>x</script>"}
    )
    html = care_client.get(_page(order)).content.decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_processor_outage_shows_an_error_and_refunds_nothing(care_client, paid, settings):
    settings.VIVRE = {**settings.VIVRE, "SANDBOX_TIMEOUT_SECONDS": 0.01}
    order, payment = paid
    Payment.objects.filter(pk=payment.pk).update(
        reference=payment.reference.replace("sbx_", "sbx_down_", 1)
    )
    response = care_client.post(
        _refund(order), {"amount": "5.00", "method": "card", "reason": "Damaged"}
    )
    assert response.status_code == 400
    assert "nothing was refunded" in response.content.decode()
    assert not Refund.objects.exists()


def test_only_care_staff_can_refund(client, packer, paid):
    order, _ = paid
    client.force_login(packer)
    response = client.post(_refund(order), {"amount": "5", "method": "card", "reason": "x"})
    assert response.status_code == 403
    assert not Refund.objects.exists()


def test_refund_needs_the_csrf_token(carer, paid):
    order, _ = paid
    client = Client(enforce_csrf_checks=True)
    client.force_login(carer)
    response = client.post(_refund(order), {"amount": "5", "method": "card", "reason": "x"})
    assert response.status_code == 403
    assert not Refund.objects.exists()


def test_unshipped_order_offers_no_refund(care_client):
    from vivre.payments.tests.test_lifecycle import make_paid_order

    order, _ = make_paid_order()
    html = care_client.get(_page(order)).content.decode()
    assert "Nothing can be refunded on this order" in html
    response = care_client.post(_refund(order), {"amount": "5", "method": "card", "reason": "x"})
    assert response.status_code == 400 and not Refund.objects.exists()


def test_customer_sees_refunds_on_the_guest_order_page(care_client, paid):
    # given a refund made by care
    order, _ = paid
    care_client.post(_refund(order), {"amount": "12.00", "method": "card", "reason": "Late"})

    # when the customer looks the order up
    guest = Client()
    guest.post("/orders/", {"number": order.number, "email": order.email})
    html = guest.get(f"/orders/{order.number}/").content.decode()

    # then the refund's amount, method, reason and date are there
    assert "Refunds" in html and "$12.00" in html
    assert "to the original card" in html and "Late" in html
    assert Refund.objects.get().created_at.strftime("%Y") in html


def test_customer_sees_refunds_in_my_account(care_client, paid):
    order, _ = paid
    customer = User.objects.create_user("ada@example.com", password="pw-for-tests")
    order.customer = customer
    order.save(update_fields=["customer"])
    care_client.post(
        _refund(order), {"amount": "9.00", "method": "gift_certificate", "reason": "Goodwill"}
    )

    client = Client()
    client.force_login(customer)
    html = client.get(f"/account/orders/{order.number}/").content.decode()
    assert "Refunds" in html and "$9.00" in html
    assert "as gift-certificate credit" in html and "Goodwill" in html
