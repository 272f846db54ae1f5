"""“Your order”: a guest finds an order by its number and e-mail address (P25)."""

from datetime import timedelta

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from vivre.core.http import client_ip
from vivre.core.throttle import is_throttled, record_failure
from vivre.orders.selectors import get_order_by_number

# The order numbers a browser has proved it may see (by number + e-mail).
VIEWABLE_ORDERS_KEY = "viewable_orders"
LOOKUP_LIMIT = 10
LOOKUP_WINDOW = timedelta(minutes=15)
NOT_FOUND = (
    "We couldn’t find an order with that number and e-mail address. Please check both: "
    "the number is in your confirmation e-mail and looks like VV-XXXX-XXXX."
)


class OrderLookupForm(forms.Form):
    number = forms.CharField(
        label="Order number",
        max_length=20,
        help_text="In your confirmation e-mail, for example VV-7K3M-9QXT.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The address you gave when you placed the order.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()


def _remember(request, order) -> None:
    viewable = [n for n in request.session.get(VIEWABLE_ORDERS_KEY, []) if n != order.number]
    request.session[VIEWABLE_ORDERS_KEY] = [*viewable, order.number][-10:]


@never_cache
def order_lookup(request):
    """Ask for the order number and e-mail; throttled per visitor and per order number."""
    form = OrderLookupForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        number, email = form.cleaned_data["number"], form.cleaned_data["email"]
        who = [client_ip(request) or "unknown", number]
        if is_throttled(scope="order-lookup", values=who, limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW):
            form.add_error(
                None,
                "Too many attempts. Please wait a quarter of an hour, or call us and we will "
                "look the order up for you.",
            )
            status = 429
        else:
            order = get_order_by_number(number)
            if order is not None and order.email.lower() == email.lower():
                _remember(request, order)
                return redirect("storefront:order-status", number=order.number)
            record_failure(scope="order-lookup", values=who)
            form.add_error(None, NOT_FOUND)
            status = 404
    elif request.method == "POST":
        status = 400
    return render(request, "storefront/order_lookup.html", {"form": form}, status=status)


@never_cache
def order_status(request, number):
    """Show an order this browser has looked up (or placed): status, items, shipments."""
    from vivre.checkout.views import PLACED_ORDERS_KEY

    order = get_order_by_number(number.upper())
    if order is None:
        raise Http404("No such order")
    allowed = order.number in request.session.get(VIEWABLE_ORDERS_KEY, []) or str(
        order.pk
    ) in request.session.get(PLACED_ORDERS_KEY, [])
    if not allowed:
        return redirect("storefront:order-lookup")
    from vivre.returns.services import return_window_ends, returnable_quantities

    shipments = []
    for shipment in order.shipments.filter(shipped_at__isnull=False).order_by("shipped_at"):
        shipments.append(shipment)
    ends = return_window_ends(order)
    can_return = bool(ends and timezone.now() <= ends and returnable_quantities(order))
    return render(
        request,
        "storefront/order_status.html",
        {"order": order, "shipments": shipments, "can_return": can_return, "returns_until": ends},
    )
