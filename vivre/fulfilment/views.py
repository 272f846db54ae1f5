"""The fulfilment back office: the pick queue, pick lists, shipping, tracking numbers.

Views parse the form, call one service and render; a refused change is shown on
the page with a 4xx status and leaves the order as it was.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from vivre.core.staff import Role, role_required

from .errors import FulfilmentError
from .forms import ShipForm, TrackingNumberForm
from .models import Shipment
from .selectors import order_for_fulfilment, orders_to_pick, pick_lines
from .services import create_shipment, new_tracking_number, set_tracking_number


def _order(number: str):
    order = order_for_fulfilment(number)
    if order is None:
        raise Http404("No such order.")
    return order


def _add_error(form, error: FulfilmentError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _render_order(request, order, *, ship_form=None, tracking_forms=None, status=200):
    picks = pick_lines(order)
    tracking_forms = tracking_forms or {}
    shipments = [
        (shipment, tracking_forms.get(shipment.pk) or TrackingNumberForm(prefix=str(shipment.pk)))
        for shipment in order.shipments.all()
    ]
    return render(
        request,
        "fulfilment/order.html",
        {
            "staff_section": "fulfilment",
            "order": order,
            "picks": picks,
            "ship_form": ship_form or ShipForm(pick_lines=picks),
            "can_ship": order.status in ("authorized", "in_fulfilment", "partly_shipped")
            and any(p.remaining > 0 for p in picks),
            "shipments": shipments,
            "events": order.events.all(),
        },
        status=status,
    )


@require_GET
@role_required(Role.FULFILMENT)
def queue(request):
    """List the orders waiting to be picked, oldest first."""
    return render(
        request,
        "fulfilment/queue.html",
        {"staff_section": "fulfilment", "orders": orders_to_pick()},
    )


@require_GET
@role_required(Role.FULFILMENT)
def order_detail(request, number):
    """Show an order's pick list, the ship form, its shipments and its history."""
    return _render_order(request, _order(number))


@require_GET
@role_required(Role.FULFILMENT)
def pick_list(request, number):
    """Show the printable pick/pack list: what is still to ship, and where."""
    order = _order(number)
    return render(
        request,
        "fulfilment/pick_list.html",
        {
            "staff_section": "fulfilment",
            "order": order,
            "picks": [p for p in pick_lines(order) if p.remaining > 0],
        },
    )


@require_GET
@role_required(Role.FULFILMENT)
def packing_slip(request, number):
    """Show the printable packing slip: items, quantities and where they go.

    A gift's slip (P25) carries the recipient's address, the gift message and
    the wrap, and no prices; any other order's slip lists the prices.
    """
    order = _order(number)
    return render(
        request,
        "fulfilment/packing_slip.html",
        {
            "staff_section": "fulfilment",
            "order": order,
            "lines": order.lines.all(),
            "show_prices": not order.is_gift,
        },
    )


@require_POST
@role_required(Role.FULFILMENT)
def ship(request, number):
    """Ship the lines entered on the form in one parcel."""
    order = _order(number)
    form = ShipForm(request.POST, pick_lines=pick_lines(order))
    if not form.is_valid():
        return _render_order(request, order, ship_form=form, status=400)
    carrier = form.cleaned_data["carrier"]
    tracking = form.cleaned_data["tracking_number"]
    try:
        if form.cleaned_data["generate_tracking"]:
            tracking = new_tracking_number(carrier=carrier, order=order)
        create_shipment(
            order=order,
            lines=form.lines(),
            carrier=carrier,
            actor=request.user,
            tracking_number=tracking or None,
        )
    except FulfilmentError as error:
        _add_error(form, error)
        return _render_order(request, _order(number), ship_form=form, status=error.http_status)
    return redirect("fulfilment:order", number=order.number)


@require_POST
@role_required(Role.FULFILMENT)
def add_tracking(request, shipment_id):
    """Add the tracking number to a shipment that left without one."""
    shipment = get_object_or_404(Shipment.objects.select_related("order"), pk=shipment_id)
    form = TrackingNumberForm(request.POST, prefix=str(shipment.pk))
    number = shipment.order.number
    if form.is_valid():
        try:
            set_tracking_number(
                shipment=shipment, number=form.cleaned_data["tracking_number"], actor=request.user
            )
        except FulfilmentError as error:
            _add_error(form, error)
            return _render_order(
                request,
                _order(number),
                tracking_forms={shipment.pk: form},
                status=error.http_status,
            )
        return redirect("fulfilment:order", number=number)
    return _render_order(request, _order(number), tracking_forms={shipment.pk: form}, status=400)
