"""The care console: find an order, open an issue on it, reveal the phone for one (P6),
and refund money on it (P25)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from vivre.core.money import format_usd
from vivre.core.staff import Role, role_required
from vivre.payments import services as payments
from vivre.payments.gateway import PaymentError, ProcessorUnavailable
from vivre.privacy.access import access_log_for, read_personal
from vivre.privacy.datamap import Use

from . import selectors, services
from .errors import CareError, IssueNotOpen
from .forms import IssueForm, RefundForm
from .models import OrderIssue

care_only = role_required(Role.CARE)
QUERY_MAX = 254


def _search_page(request, *, query="", orders=None, error="", status=200):
    return render(
        request,
        "care/search.html",
        {"staff_section": "care", "query": query, "orders": orders, "error": error},
        status=status,
    )


def _unknown_order(request, number):
    return _search_page(
        request,
        query=number[:QUERY_MAX],
        error=f"There is no order {selectors.normalize_order_number(number)[:QUERY_MAX]}. "
        "Check the number with the customer.",
        status=404,
    )


def _refund_form(order, limits) -> RefundForm:
    """Return the refund form, its amount set to all that may still be refunded."""
    return RefundForm(
        initial={"amount": limits.total if limits.total > 0 else None},
        auto_id="refund_%s",
    )


def _order_page(
    request, order, *, form=None, refund_form=None, revealed=None, error="", status=200
):
    """Render the order for care. The phone appears only in ``revealed``, after a reveal."""
    purpose = Use.CUSTOMER_CARE
    issues = [
        {
            "issue": issue,
            "summary": read_personal(
                issue, "summary", purpose=purpose, actor=request.user, reason="care order page"
            ),
        }
        for issue in selectors.issues_for(order)
    ]
    limits = payments.refundable(order)
    response = render(
        request,
        "care/order.html",
        {
            "refunds": list(order.refunds.select_related("payment")),
            "refundable": limits,
            "refund_form": refund_form or _refund_form(order, limits),
            "staff_section": "care",
            "order": order,
            "email": read_personal(order, "email", purpose=purpose, actor=request.user),
            "issues": issues,
            "has_open_issue": any(i["issue"].is_open for i in issues),
            "form": form or IssueForm(),
            "revealed": revealed,
            "error": error,
            "access_log": access_log_for(order)[:50],
        },
        status=status,
    )
    add_never_cache_headers(response)
    return response


@care_only
@require_GET
def search(request):
    """Find orders by order number (exact) or by the e-mail on them (any case)."""
    query = request.GET.get("q")
    if query is None:
        return _search_page(request)
    query = query.strip()
    if not query:
        return _search_page(
            request, error="Enter an order number or the e-mail address on the order.", status=400
        )
    if len(query) > QUERY_MAX:
        return _search_page(
            request,
            query=query[:QUERY_MAX],
            error="That is too long for an order number or an e-mail address.",
            status=400,
        )
    if "@" in query:
        try:
            validate_email(query)
        except ValidationError:
            return _search_page(
                request, query=query, error="That is not a complete e-mail address.", status=400
            )
        orders = list(selectors.orders_for_email(query))
        if not orders:
            return _search_page(
                request, query=query, error=f"No orders were placed with {query}.", status=404
            )
        return _search_page(request, query=query, orders=orders)
    order = selectors.order_for_care(query)
    if order is None:
        return _unknown_order(request, query)
    return redirect("care:order", number=order.number)


@care_only
@require_GET
def order_detail(request, number):
    """Show an order to care: lines, status, address, e-mail, issues and the access log."""
    order = selectors.order_for_care(number)
    if order is None:
        return _unknown_order(request, number)
    return _order_page(request, order)


@care_only
@require_POST
def open_issue(request, number):
    """Open an issue on the order with the associate's summary."""
    order = selectors.order_for_care(number)
    if order is None:
        return _unknown_order(request, number)
    form = IssueForm(request.POST)
    if form.is_valid():
        try:
            services.open_issue(
                order=order, actor=request.user, summary=form.cleaned_data["summary"]
            )
        except CareError as exc:
            form.add_error("summary", str(exc))
        else:
            messages.success(request, "Issue opened. You can now reveal the phone number to call.")
            return redirect("care:order", number=order.number)
    return _order_page(request, order, form=form, status=400)


def _issue_on(request, number, issue_id):
    """Return (order, issue, error response): the issue must belong to that order."""
    order = selectors.order_for_care(number)
    if order is None:
        return None, None, _unknown_order(request, number)
    issue = OrderIssue.objects.filter(pk=issue_id, order=order).first()
    if issue is None:
        return (
            order,
            None,
            _order_page(
                request, order, error=f"That issue is not on order {order.number}.", status=404
            ),
        )
    return order, issue, None


@care_only
@require_POST
def resolve_issue(request, number, issue_id):
    """Resolve an open issue; the phone number closes with it."""
    order, issue, refusal = _issue_on(request, number, issue_id)
    if refusal:
        return refusal
    try:
        services.resolve_issue(issue=issue, actor=request.user)
    except CareError as exc:
        return _order_page(request, order, error=str(exc), status=409)
    messages.success(request, "Issue resolved.")
    return redirect("care:order", number=order.number)


@care_only
@require_POST
def reveal_phone(request, number, issue_id):
    """Show the customer's phone number for an open issue, on this response only; log it."""
    order, issue, refusal = _issue_on(request, number, issue_id)
    if refusal:
        return refusal
    try:
        phone = services.reveal_phone(issue=issue, actor=request.user)
    except IssueNotOpen as exc:
        return _order_page(request, order, error=str(exc), status=403)
    return _order_page(request, order, revealed={"issue": issue, "phone": phone})


@care_only
@require_POST
def refund_order(request, number):
    """Refund money on the order, to the card or as gift-certificate credit, with a reason."""
    order = selectors.order_for_care(number)
    if order is None:
        return _unknown_order(request, number)
    form = RefundForm(request.POST, auto_id="refund_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = payments.refund(
                order=order,
                amount=data["amount"],
                method=data["method"],
                reason=data["reason"],
                actor_user=request.user,
            )
        except payments.RefundError as exc:
            form.add_error(exc.field, exc.message)
        except PaymentError as exc:
            why = "is not answering" if isinstance(exc, ProcessorUnavailable) else "refused it"
            form.add_error(
                None,
                f"The card processor {why}, so nothing was refunded. Please try again in a "
                "minute, or refund as gift-certificate credit.",
            )
        else:
            messages.success(
                request,
                f"Refunded {format_usd(done.amount)} {done.get_method_display().lower()}. "
                "The customer has been e-mailed.",
            )
            return redirect("care:order", number=order.number)
    return _order_page(request, order, refund_form=form, status=400)
