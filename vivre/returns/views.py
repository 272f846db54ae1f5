"""Returns: the customer's request form, and the back-office steps for staff."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from vivre.catalog.models import Variant
from vivre.core.staff import Role, role_required
from vivre.orders.selectors import get_order_by_number

from . import services
from .forms import ReturnForm
from .models import ReturnRequest


def _order_for_browser(request, number):
    """Return the order if this browser looked it up or placed it, or its owner is
    signed in; else None."""
    from vivre.checkout.views import PLACED_ORDERS_KEY
    from vivre.storefront.order_status import VIEWABLE_ORDERS_KEY

    order = get_order_by_number(number.upper())
    if order is None:
        raise Http404("No such order")
    if request.user.is_authenticated and order.customer_id == request.user.pk:
        return order
    if order.number in request.session.get(VIEWABLE_ORDERS_KEY, []) or str(
        order.pk
    ) in request.session.get(PLACED_ORDERS_KEY, []):
        return order
    return None


def request_return(request, number):
    """Ask to return shipped items of an order, for a refund or an exchange (P25)."""
    order = _order_for_browser(request, number)
    if order is None:
        return redirect("storefront:order-lookup")
    available = services.returnable_quantities(order)
    lines = []
    for line in order.lines.all():
        if line.pk in available:
            variants = (
                list(Variant.objects.filter(product_id=line.variant.product_id, is_active=True))
                if line.variant_id
                else []
            )
            lines.append((line, available[line.pk], variants))
    ends = services.return_window_ends(order)
    form = ReturnForm(request.POST if request.method == "POST" else None, lines=lines)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            items = [
                services.ReturnItem(
                    order_line_id=line.pk,
                    quantity=data[f"qty_{line.pk}"] or 0,
                    exchange_variant_id=data.get(f"exchange_{line.pk}") or None,
                )
                for line, _, _ in lines
            ]
            try:
                services.request_return(
                    order=order,
                    items=items,
                    reason=data["reason"],
                    resolution=data["resolution"],
                    note=data["note"],
                )
            except services.ReturnError as error:
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(
                    request, "Your return is booked: we have e-mailed you how to send it."
                )
                return redirect("storefront:order-status", number=order.number)
    return render(
        request,
        "returns/request.html",
        {"order": order, "form": form, "window_ends": ends, "has_lines": bool(lines)},
        status=status,
    )


@role_required(Role.FULFILMENT)
def staff_returns(request):
    """The returns desk: open returns first."""
    returns = ReturnRequest.objects.select_related("order").prefetch_related("lines__order_line")
    open_returns = [
        r
        for r in returns
        if r.status in (ReturnRequest.Status.REQUESTED, ReturnRequest.Status.RECEIVED)
    ]
    closed = [r for r in returns if r not in open_returns][:50]
    return render(
        request,
        "returns/staff_list.html",
        {"open_returns": open_returns, "closed": closed, "staff_section": "returns"},
    )


@require_POST
@role_required(Role.FULFILMENT)
def staff_step(request, pk, step):
    """Take one step on a return: received, refund, or ship the exchange."""
    return_request = get_object_or_404(ReturnRequest, pk=pk)
    try:
        if step == "received":
            services.mark_received(request=return_request, actor=request.user)
            messages.success(request, f"{return_request.reference}: marked received.")
        elif step == "refund":
            done = services.refund_return(request=return_request, actor=request.user)
            messages.success(request, f"{done.reference}: refunded ${done.refund_amount}.")
        elif step == "exchange":
            services.ship_exchange(
                request=return_request,
                tracking_number=request.POST.get("tracking_number", ""),
                actor=request.user,
            )
            messages.success(request, f"{return_request.reference}: exchange shipped.")
        else:
            raise Http404("No such step")
    except services.ReturnError as error:
        messages.error(request, f"{return_request.reference}: {error.message}")
        response = redirect("returns:staff")
        response.status_code = 303
        return response
    return redirect("returns:staff")
