"""Gift certificates at checkout (P25, P3): buying them in the bag and paying with them."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from vivre.cart.models import GiftCertificateItem
from vivre.checkout.models import CheckoutDetails
from vivre.checkout.views import GIFT_CERTIFICATES_KEY
from vivre.orders.models import Order
from vivre.orders.testing import make_order
from vivre.payments import giftcertificates as gc
from vivre.payments.models import GiftCertificate, LedgerEntry, LedgerTransaction, Payment
from vivre.payments.sandbox import DECLINED_CARD

from .conftest import DETAILS, card_data, fill_bag, hidden_fields

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P25")]

# Two items at $100, standard shipping, New York tax (see the checkout migration).
BILLING = {
    "email": "ada@example.com",
    "phone": "(212) 555-0148",
    "bill_name": "Ada Lovelace",
    "bill_line1": "11 Mercer Street",
    "bill_city": "New York",
    "bill_state": "NY",
    "bill_postal_code": "10013",
}


def active_certificate(amount="40.00") -> tuple[GiftCertificate, str]:
    """Return a delivered certificate worth ``amount`` and its code."""
    with transaction.atomic():
        [certificate] = gc.issue_for_order(
            order=make_order(),
            items=[
                GiftCertificateItem(
                    amount=Decimal(amount),
                    recipient_name="Ada Lovelace",
                    recipient_email="ada@example.com",
                    deliver_on=timezone.localdate(),
                )
            ],
        )
    code = gc.generate_code()
    certificate.code_hash = gc.code_hash(code)
    certificate.code_hint = gc.normalize_code(code)[-4:]
    certificate.status = GiftCertificate.Status.ACTIVE
    certificate.delivered_at = timezone.now()
    certificate.save()
    return certificate, code


def add_certificate_item(cart, amount="50.00", name="Grace Hopper") -> GiftCertificateItem:
    return GiftCertificateItem.objects.create(
        cart=cart,
        amount=Decimal(amount),
        recipient_name=name,
        recipient_email="grace@example.com",
        sender_name="Ada",
        message="Happy birthday",
        deliver_on=timezone.localdate(),
    )


def apply(client, code):
    return client.post("/checkout/review/", {"action": "apply_certificate", "code": code})


def review_form(client, **card) -> dict:
    response = client.get("/checkout/review/")
    assert response.status_code == 200, response.content.decode()
    return {**hidden_fields(response), **card}


def redemptions() -> int:
    return LedgerTransaction.objects.filter(kind="redeem").count()


def assert_ledger_balanced():
    for record in LedgerTransaction.objects.all():
        assert sum(record.entries.values_list("amount", flat=True)) == 0


# --- buying certificates -------------------------------------------------------------


@pytest.mark.promise("P3")
def test_a_bag_of_certificates_only_asks_for_contact_and_billing(client, checkout_defaults):
    # given a bag holding one certificate and nothing to ship
    cart = fill_bag(client)
    add_certificate_item(cart)
    # when
    html = client.get("/checkout/").content.decode()
    # then no shipping address, method or gift options are asked
    for absent in ('name="ship_name"', 'name="shipping_method"', 'name="is_gift"'):
        assert absent not in html
    for present in ('name="email"', 'name="phone"', 'name="bill_name"', "Billing address"):
        assert present in html


def test_an_order_of_certificates_alone_is_paid_and_issues_them(client, checkout_defaults):
    # given
    cart = fill_bag(client)
    add_certificate_item(cart, "50.00")
    add_certificate_item(cart, "25.00", name="Alan Turing")
    response = client.post("/checkout/", BILLING)
    assert response.status_code == 302, response.content.decode()
    details = CheckoutDetails.objects.get()
    assert (details.ship_name, details.shipping_method, details.bill_name) == (
        "",
        None,
        "Ada Lovelace",
    )
    # when
    response = client.post("/checkout/review/", review_form(client, **card_data()))
    # then: no tax, no shipping, two certificates issued and paid by card
    assert response.status_code == 302, response.content.decode()
    order = Order.objects.exclude(gift_certificates_total=0).get()
    assert (order.subtotal, order.shipping_charge, order.tax) == (0, 0, 0)
    assert order.gift_certificates_total == order.total == Decimal("75.00")
    assert order.shipping_address.name == "Ada Lovelace"
    assert Payment.objects.get(order=order).amount == Decimal("75.00")
    bought = GiftCertificate.objects.filter(order=order)
    assert sorted(c.amount for c in bought) == [Decimal("25.00"), Decimal("50.00")]
    assert_ledger_balanced()
    page = client.get(response["Location"]).content.decode()
    assert "Alan Turing" in page
    # and nothing ships, so the money is taken now and there is nothing to pick
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.captured_amount) == (Payment.Status.CAPTURED, order.total)
    from vivre.fulfilment.selectors import orders_to_pick

    assert order not in orders_to_pick()


def test_certificates_in_a_mixed_bag_carry_no_tax_or_shipping(client, variant):
    # given two items at $100 and a $50 certificate
    cart = fill_bag(client, (variant, 2))
    add_certificate_item(cart, "50.00")
    client.post("/checkout/", DETAILS)
    # when
    response = client.post("/checkout/review/", review_form(client, **card_data()))
    # then
    assert response.status_code == 302, response.content.decode()
    order = Order.objects.get(cart=cart)
    assert order.gift_certificates_total == Decimal("50.00")
    assert order.tax == (order.subtotal * order.tax_rate).quantize(Decimal("0.01"))
    assert order.total == order.subtotal + Decimal("50.00") + order.shipping_charge + order.tax
    assert GiftCertificate.objects.filter(order=order).count() == 1


# --- redeeming -----------------------------------------------------------------------


@pytest.fixture
def ready(client, variant):
    """A bag of two $100 items with step 1 done."""
    cart = fill_bag(client, (variant, 2))
    assert client.post("/checkout/", DETAILS).status_code == 302
    return cart


@pytest.mark.parametrize("code", ["", "VIVR-AAAA-BBBB-CCCC", "<b>nope</b>", "x" * 41])
def test_an_unknown_or_bad_code_is_shown_beside_the_field(client, ready, code):
    response = apply(client, code)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_code-error"' in html
    assert "<b>nope</b>" not in html
    assert GIFT_CERTIFICATES_KEY not in client.session


def test_an_applied_certificate_is_shown_with_what_is_left_to_pay(client, ready):
    # given
    certificate, code = active_certificate("40.00")
    # when
    response = apply(client, code.lower().replace("-", " "))
    # then
    assert response.status_code == 302
    html = client.get("/checkout/review/").content.decode()
    assert f"Gift certificate …{certificate.code_hint}" in html
    assert "−$40.00" in html
    assert "Left to pay" in html
    assert code not in str(dict(client.session))


def test_a_certificate_pays_part_and_the_card_the_rest(client, ready, variant):
    # given
    certificate, code = active_certificate("40.00")
    apply(client, code)
    # when
    response = client.post("/checkout/review/", review_form(client, **card_data()))
    # then
    assert response.status_code == 302, response.content.decode()
    order = Order.objects.get(cart=ready)
    assert order.paid_by_gift_certificates == Decimal("40.00")
    assert Payment.objects.get(order=order).amount == order.total - Decimal("40.00")
    assert gc.balance(certificate) == 0
    assert_ledger_balanced()
    assert GIFT_CERTIFICATES_KEY not in client.session


def test_certificates_worth_more_than_the_order_pay_it_all_and_keep_the_rest(client, ready):
    # given a certificate worth more than the order
    certificate, code = active_certificate("1000.00")
    apply(client, code)
    page = client.get("/checkout/review/").content.decode()
    assert "no card is needed" in page
    assert 'name="card_number"' not in page
    # when placed without a card
    response = client.post("/checkout/review/", review_form(client))
    # then nothing is charged to a card and the rest stays on the certificate
    assert response.status_code == 302, response.content.decode()
    order = Order.objects.get(cart=ready)
    assert order.paid_by_gift_certificates == order.total
    assert not Payment.objects.filter(order=order).exists()
    assert gc.balance(certificate) == Decimal("1000.00") - order.total
    assert order.status == Order.Status.AUTHORIZED


def test_two_certificates_are_spent_in_order(client, ready):
    first, first_code = active_certificate("30.00")
    second, second_code = active_certificate("500.00")
    apply(client, first_code)
    apply(client, second_code)
    response = client.post("/checkout/review/", review_form(client))
    assert response.status_code == 302, response.content.decode()
    order = Order.objects.get(cart=ready)
    assert gc.balance(first) == 0
    assert gc.balance(second) == Decimal("530.00") - order.total


def test_the_same_certificate_cannot_be_applied_twice(client, ready):
    _, code = active_certificate("30.00")
    apply(client, code)
    response = apply(client, code)
    assert response.status_code == 400
    assert "already applied" in response.content.decode()


def test_a_certificate_can_be_removed(client, ready):
    certificate, code = active_certificate("30.00")
    apply(client, code)
    assert "−$30.00" in client.get("/checkout/review/").content.decode()
    client.post(
        "/checkout/review/", {"action": "remove_certificate", "certificate": str(certificate.pk)}
    )
    html = client.get("/checkout/review/").content.decode()
    assert f"…{certificate.code_hint}" not in html
    assert "−$30.00" not in html


def test_a_certificate_emptied_meanwhile_asks_for_a_card_and_places_nothing(client, ready, variant):
    # given a certificate that covered the whole order when applied
    certificate, code = active_certificate("1000.00")
    apply(client, code)
    form = review_form(client)
    # when another checkout spends it all first
    with transaction.atomic():
        gc.redeem(certificate_id=certificate.pk, amount=Decimal("1000.00"), order=make_order())
    spent = redemptions()
    response = client.post("/checkout/review/", form)
    # then
    assert response.status_code in (400, 402)
    html = response.content.decode()
    assert "add a card" in html or 'id="id_card_number-error"' in html
    assert not Order.objects.filter(cart=ready).exists()
    variant.refresh_from_db()
    assert variant.stock == 5
    assert redemptions() == spent


def test_place_order_without_a_card_when_the_certificate_ran_short(client, ready, variant):
    # given a certificate emptied between the form check and the order
    from vivre.checkout.services import place_order

    certificate, _ = active_certificate("1000.00")
    with transaction.atomic():
        gc.redeem(certificate_id=certificate.pk, amount=Decimal("990.00"), order=make_order())
    from vivre.checkout.errors import CheckoutError

    # when
    with pytest.raises(CheckoutError) as raised:
        place_order(
            cart=ready,
            card=None,
            idempotency_key=uuid.uuid4(),
            ip_address="127.0.0.1",
            gift_certificate_ids=[certificate.pk],
        )
    # then a clear message, and the $10 is still on the certificate
    assert "add a card for the remaining $" in raised.value.message
    assert gc.balance(certificate) == Decimal("10.00")
    assert not Order.objects.filter(cart=ready).exists()
    variant.refresh_from_db()
    assert variant.stock == 5


def test_a_declined_card_gives_the_certificate_back(client, ready, variant):
    # given
    certificate, code = active_certificate("40.00")
    apply(client, code)
    # when the card for the rest is declined
    form = review_form(client, **card_data(card_number=DECLINED_CARD))
    response = client.post("/checkout/review/", form)
    # then nothing was spent or made
    assert response.status_code == 402
    assert gc.balance(certificate) == Decimal("40.00")
    assert redemptions() == 0
    assert not Order.objects.filter(cart=ready).exists()
    variant.refresh_from_db()
    assert variant.stock == 5
    total = LedgerEntry.objects.filter(certificate=certificate).aggregate(t=Sum("amount"))["t"]
    assert total == Decimal("40.00")


@pytest.mark.parametrize("stored", ["not-a-dict", {"cart": "x", "ids": ["garbage"]}, None])
def test_a_tampered_certificate_list_in_the_session_is_ignored(client, ready, stored):
    # given a session entry naming garbage, or a certificate never applied
    certificate, _ = active_certificate("40.00")
    session = client.session
    if stored is None:
        stored = {"cart": str(ready.pk), "ids": ["garbage", str(uuid.uuid4()), "1"]}
    session[GIFT_CERTIFICATES_KEY] = stored
    session.save()
    # when
    response = client.post("/checkout/review/", review_form(client, **card_data()))
    # then the card paid it all
    assert response.status_code == 302, response.content.decode()
    order = Order.objects.get(cart=ready)
    assert order.paid_by_gift_certificates == 0
    assert Payment.objects.get(order=order).amount == order.total
    assert gc.balance(certificate) == Decimal("40.00")


def test_a_void_certificate_in_the_session_is_not_spent(client, ready):
    certificate, code = active_certificate("40.00")
    apply(client, code)
    GiftCertificate.objects.filter(pk=certificate.pk).update(status="void")
    response = client.post("/checkout/review/", review_form(client, **card_data()))
    assert response.status_code == 302, response.content.decode()
    assert Order.objects.get(cart=ready).paid_by_gift_certificates == 0
    assert redemptions() == 0


def test_applying_a_code_without_the_csrf_token_is_refused(variant):
    client = Client(enforce_csrf_checks=True)
    fill_bag(client, (variant, 1))
    _, code = active_certificate("40.00")
    response = client.post("/checkout/review/", {"action": "apply_certificate", "code": code})
    assert response.status_code == 403
    assert GIFT_CERTIFICATES_KEY not in client.session
