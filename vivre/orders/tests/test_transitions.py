"""The order state machine: every move its services allow, and every one they refuse."""

import itertools

import pytest
from django.contrib.auth import get_user_model

from vivre.orders import services
from vivre.orders.errors import OrderError, OrderErrorCode
from vivre.orders.models import TRANSITIONS, Order, OrderEvent
from vivre.orders.testing import make_order

pytestmark = pytest.mark.django_db

S = Order.Status

# The service that moves an order into each status (nothing moves one back to placed).
SERVICE_FOR = {
    S.AUTHORIZED: services.mark_authorized,
    S.IN_FULFILMENT: services.start_fulfilment,
    S.PARTLY_SHIPPED: services.mark_partly_shipped,
    S.SHIPPED: services.mark_shipped,
    S.DELIVERED: services.mark_delivered,
    S.CANCELLED: services.cancel_order,
    S.RETURN_REQUESTED: services.request_return,
    S.RETURNED: services.mark_returned,
}

ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in targets]
REFUSED = [(a, b) for a, b in itertools.product(S.values, SERVICE_FOR) if b not in TRANSITIONS[a]]


def order_in(status: str) -> Order:
    order = make_order(authorized=False)
    Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    return order


def test_the_machine_covers_every_status():
    # then every status has an entry, and only placed, authorized and in_fulfilment cancel
    assert set(TRANSITIONS) == set(S.values)
    assert {a for a, b in ALLOWED if b == S.CANCELLED} == {
        S.PLACED,
        S.AUTHORIZED,
        S.IN_FULFILMENT,
    }


@pytest.mark.parametrize(("start", "target"), ALLOWED)
def test_allowed_transition_moves_the_order_and_records_an_event(start, target):
    # given an order in the start status
    order = order_in(start)
    before = order.events.count()

    # when the service for the target status runs
    assert order.can_transition_to(target)
    SERVICE_FOR[target](order=order, actor="system")

    # then the order is in the target status and its history says so
    order.refresh_from_db()
    assert order.status == target
    event = order.events.order_by("-created_at", "-id").first()
    assert order.events.count() == before + 1
    assert event.type.startswith("orders.order.")
    assert event.data["from"] == start and event.data["to"] == target
    assert event.actor == "system"


@pytest.mark.parametrize(("start", "target"), REFUSED)
def test_invalid_transition_is_refused_and_changes_nothing(start, target):
    # given an order in the start status
    order = order_in(start)
    before = order.events.count()

    # when the service for a status it cannot reach runs
    assert not order.can_transition_to(target)
    with pytest.raises(OrderError) as refused:
        SERVICE_FOR[target](order=order, actor="system")

    # then it is refused with a clear message, and nothing changed
    assert refused.value.code is OrderErrorCode.INVALID_TRANSITION
    assert order.number in refused.value.message
    assert "cannot be marked" in refused.value.message
    order.refresh_from_db()
    assert order.status == start
    assert order.events.count() == before


def test_service_checks_the_stored_status_not_a_stale_copy():
    # given two copies of one order, and one of them cancels it
    order = make_order()
    stale = Order.objects.get(pk=order.pk)
    services.cancel_order(order=order, actor="system")

    # when the stale copy tries to start fulfilment
    # then the database's status wins and the move is refused
    with pytest.raises(OrderError):
        services.start_fulfilment(order=stale, actor="system")
    assert Order.objects.get(pk=order.pk).status == S.CANCELLED


def test_placing_and_authorising_record_events():
    # when an order is placed and authorised
    order = make_order()

    # then its history shows both, by the customer and by the system
    assert list(order.events.values_list("type", "actor")) == [
        ("orders.order.placed", "customer"),
        ("orders.order.authorized", "system"),
    ]


def test_staff_actor_is_recorded_with_the_user():
    # given a staff member
    user = get_user_model().objects.create_user("pat", password="x", is_staff=True)
    order = make_order()

    # when they cancel an order
    services.cancel_order(order=order, actor=user, reason="customer_request")

    # then the event names them, and holds no personal data of the customer
    event = OrderEvent.objects.filter(order=order, type="orders.order.cancelled").get()
    assert event.actor == "staff" and event.actor_user == user
    assert event.actor_label == "staff pat"
    assert "ada@example.com" not in str(event.data)


def test_admin_shows_the_history_read_only(admin_client):
    # given an order with a history
    order = make_order()

    # when staff open it in the admin
    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()

    # then the events are listed, with no form to add one
    assert "orders.order.placed" in page
    assert "orders.order.authorized" in page
    assert "events-0-type" not in page
