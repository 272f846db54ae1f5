"""Returns and exchanges (P25): request within the window, receive, refund or exchange."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from vivre.accounts.models import User
from vivre.catalog.models import Variant
from vivre.catalog.testing import make_product
from vivre.core.staff import Role
from vivre.fulfilment.models import Shipment
from vivre.fulfilment.services import create_shipment
from vivre.messaging.models import Message
from vivre.orders.models import Order
from vivre.orders.testing import make_order
from vivre.payments.services import authorize_payment
from vivre.payments.tests.test_lifecycle import card
from vivre.returns import services
from vivre.returns.models import ReturnRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped_order():
    order = make_order(quantities=(2,), price="100.00", tax_rate=Decimal("0.10"))
    # Paid by card: shipping captures it, and a return refunds it.
    authorize_payment(order=order, card=card())
    line = order.lines.get()
    create_shipment(order=order, lines={line.pk: 2}, carrier="ups", actor="test")
    order.refresh_from_db()
    # another colour of the same piece, to exchange for
    order.exchange_variant = Variant.objects.create(
        product=line.variant.product, sku=f"{line.sku}-X", colour="Sage", price=line.unit_price,
        stock=5,
    )  # fmt: skip
    return order


@pytest.fixture
def staff_client(client):
    user = User.objects.create_user("packer", is_staff=True)
    user.groups.add(Group.objects.get(name=Role.FULFILMENT))
    client.force_login(user)
    return client


def _browse_order(client, order):
    client.post("/orders/", {"number": order.number, "email": order.email})


@pytest.mark.promise("P25")
def test_refund_return_end_to_end(client, shipped_order, staff_client):
    order = shipped_order
    line = order.lines.get()
    guest = type(client)()
    _browse_order(guest, order)

    # the customer books a return of one item from the order page
    page = guest.get(f"/orders/{order.number}/").content.decode()
    assert "Return or exchange items" in page
    response = guest.post(
        f"/orders/{order.number}/return/",
        {f"qty_{line.pk}": 1, "reason": "fit", "resolution": "refund", "note": "Too small"},
    )
    assert response.status_code == 302
    request = ReturnRequest.objects.get()
    order.refresh_from_db()
    assert order.status == Order.Status.RETURN_REQUESTED
    assert Message.objects.filter(kind="return.requested", to_address=order.email).count() == 1

    # staff receive the parcel, then refund: item price plus its tax
    staff_client.post(f"/staff/returns/{request.pk}/received/")
    staff_client.post(f"/staff/returns/{request.pk}/refund/")
    request.refresh_from_db()
    order.refresh_from_db()
    assert request.status == ReturnRequest.Status.REFUNDED
    assert request.refund_amount == Decimal("110.00")
    assert order.status == Order.Status.RETURNED
    kinds = set(Message.objects.values_list("kind", flat=True))
    assert {"return.requested", "return.received", "return.refunded"} <= kinds


@pytest.mark.promise("P25")
def test_exchange_takes_stock_and_sends_tracking(shipped_order):
    order = shipped_order
    line = order.lines.get()
    wanted = order.exchange_variant
    stock_before = wanted.stock
    request = services.request_return(
        order=order,
        items=[services.ReturnItem(line.pk, 1, wanted.pk)],
        reason="fit",
        resolution="exchange",
    )
    services.mark_received(request=request, actor="test")

    with pytest.raises(services.ReturnError):
        services.ship_exchange(request=request, tracking_number="1Z999AA10123456785", actor="t")
    services.ship_exchange(request=request, tracking_number="1Z999AA10123456784", actor="t")

    assert Variant.objects.get(pk=wanted.pk).stock == stock_before - 1
    message = Message.objects.get(kind="return.exchanged")
    assert "1Z999AA10123456784" in message.text_body


def test_cannot_return_more_than_shipped_or_twice(shipped_order):
    line = shipped_order.lines.get()
    with pytest.raises(services.ReturnError) as error:
        services.request_return(
            order=shipped_order, items=[services.ReturnItem(line.pk, 3)], reason="fit",
            resolution="refund",
        )  # fmt: skip
    assert error.value.code is services.ReturnErrorCode.TOO_MANY
    services.request_return(
        order=shipped_order, items=[services.ReturnItem(line.pk, 2)], reason="fit",
        resolution="refund",
    )  # fmt: skip
    with pytest.raises(services.ReturnError):
        services.request_return(
            order=shipped_order, items=[services.ReturnItem(line.pk, 1)], reason="fit",
            resolution="refund",
        )  # fmt: skip
    assert ReturnRequest.objects.count() == 1


def test_return_outside_the_window_is_refused(shipped_order, client):
    Shipment.objects.update(shipped_at=timezone.now() - timedelta(days=31))
    line = shipped_order.lines.get()
    with pytest.raises(services.ReturnError) as error:
        services.request_return(
            order=shipped_order, items=[services.ReturnItem(line.pk, 1)], reason="fit",
            resolution="refund",
        )  # fmt: skip
    assert error.value.code is services.ReturnErrorCode.WINDOW_CLOSED
    _browse_order(client, shipped_order)
    response = client.post(
        f"/orders/{shipped_order.number}/return/",
        {f"qty_{line.pk}": 1, "reason": "fit", "resolution": "refund"},
    )
    assert response.status_code == 409
    assert "within 30 days" in response.content.decode()


def test_exchange_for_another_product_is_refused(shipped_order):
    line = shipped_order.lines.get()
    stranger = make_product().variants.get()
    with pytest.raises(services.ReturnError) as error:
        services.request_return(
            order=shipped_order, items=[services.ReturnItem(line.pk, 1, stranger.pk)],
            reason="fit", resolution="exchange",
        )  # fmt: skip
    assert error.value.code is services.ReturnErrorCode.BAD_EXCHANGE


@pytest.mark.parametrize("qty", ["0", "-1", "9", "x"])
def test_bad_quantities_show_errors_and_book_nothing(client, shipped_order, qty):
    line = shipped_order.lines.get()
    _browse_order(client, shipped_order)
    response = client.post(
        f"/orders/{shipped_order.number}/return/",
        {f"qty_{line.pk}": qty, "reason": "fit", "resolution": "refund"},
    )
    assert response.status_code == 400
    assert not ReturnRequest.objects.exists()


def test_return_page_needs_the_order_looked_up(client, shipped_order):
    response = client.get(f"/orders/{shipped_order.number}/return/")
    assert response.status_code == 302


def test_staff_steps_are_for_fulfilment_staff_only(client, shipped_order):
    line = shipped_order.lines.get()
    request = services.request_return(
        order=shipped_order, items=[services.ReturnItem(line.pk, 1)], reason="fit",
        resolution="refund",
    )  # fmt: skip
    carer = User.objects.create_user("carer", is_staff=True)
    carer.groups.add(Group.objects.get(name=Role.CARE))
    client.force_login(carer)
    assert client.post(f"/staff/returns/{request.pk}/received/").status_code == 403
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.REQUESTED


def test_refund_before_receipt_is_refused_with_a_message(staff_client, shipped_order):
    line = shipped_order.lines.get()
    request = services.request_return(
        order=shipped_order, items=[services.ReturnItem(line.pk, 1)], reason="fit",
        resolution="refund",
    )  # fmt: skip
    response = staff_client.post(f"/staff/returns/{request.pk}/refund/", follow=True)
    assert "once its parcel is received" in response.content.decode()
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.REQUESTED


@pytest.mark.promise("P25")
def test_a_discounted_order_refunds_what_was_paid_for_the_items(shipped_order):
    from django.db.models import F

    from vivre.returns import services
    from vivre.returns.models import ReturnRequest

    # given the $200 order had a $20 promotion: $180 paid for two $100 items, plus 10% tax
    order = shipped_order
    Order.objects.filter(pk=order.pk).update(
        discount=Decimal("20.00"),
        promotion_code="SPRING",
        tax=Decimal("18.00"),
        total=F("subtotal") - Decimal("20.00") + F("shipping_charge") + Decimal("18.00"),
    )
    order.refresh_from_db()
    line = order.lines.get()

    # when one of the two comes back
    request = services.request_return(
        order=order,
        items=[services.ReturnItem(order_line_id=line.pk, quantity=1)],
        reason=ReturnRequest.Reason.CHANGED_MIND,
        resolution=ReturnRequest.Resolution.REFUND,
    )

    # then it refunds its share of what was paid ($90) and that share's tax, not $110
    assert services.refund_amount(request) == Decimal("99.00")
