"""Gift certificate pages: buy one for someone (into the bag), check a balance."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from vivre.cart import services as cart_services
from vivre.cart.selectors import signed_in_customer
from vivre.cart.views import bag_for_adding, drop_stale_cart_cookie, set_cart_cookie
from vivre.core.http import client_ip
from vivre.core.money import format_usd

from . import giftcertificates
from .gift_certificate_forms import BalanceForm, GiftCertificateForm, limits
from .models import GiftCertificate

BUY_TEMPLATE = "payments/gift_certificates/buy.html"


def _buy_context(form) -> dict:
    low, high = limits()
    return {"form": form, "min_amount": low, "max_amount": high}


def buy(request):
    """Show the gift certificate form; a valid one puts the certificate in the bag."""
    if request.method != "POST":
        return render(request, BUY_TEMPLATE, _buy_context(GiftCertificateForm()))
    form = GiftCertificateForm(request.POST)
    if not form.is_valid():
        return render(request, BUY_TEMPLATE, _buy_context(form), status=400)
    data = form.cleaned_data
    cart, created = bag_for_adding(request)
    guest = signed_in_customer(request) is None
    try:
        cart_services.add_gift_certificate(
            cart=cart,
            amount=data["amount"],
            recipient_name=data["recipient_name"],
            recipient_email=data["recipient_email"],
            sender_name=data["sender_name"],
            message=data["message"],
            deliver_on=data["deliver_on"],
        )
    except cart_services.CartError as error:
        if created and guest:
            cart.delete()
        form.add_error(None, error.message)
        return render(request, BUY_TEMPLATE, _buy_context(form), status=409)
    messages.success(
        request,
        f"Added to your bag: a {format_usd(data['amount'])} gift certificate "
        f"for {data['recipient_name']}.",
    )
    response = redirect("cart:detail")
    if created and guest:
        set_cart_cookie(response, cart)
    return drop_stale_cart_cookie(request, response)


@never_cache
def balance(request):
    """Show what is left on the certificate whose code was typed, and nothing else.

    An unknown code gets one generic answer; failed look-ups are throttled per
    IP address (P12).
    """
    form = BalanceForm(request.POST if request.method == "POST" else None)
    context = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            certificate = giftcertificates.look_up(form.cleaned_data["code"], ip=client_ip(request))
        except giftcertificates.GiftCertificateError as error:
            form.add_error(None, error.message)
            status = 429 if error.code == "throttled" else 404
        else:
            context["result"] = {
                "hint": certificate.code_hint,
                "balance": giftcertificates.balance(certificate),
                "amount": certificate.amount,
                "status": certificate.status,
                "status_label": {
                    GiftCertificate.Status.ACTIVE: "Active",
                    GiftCertificate.Status.SCHEDULED: "Not yet active",
                    GiftCertificate.Status.VOID: "No longer valid",
                }[certificate.status],
            }
            # Shown once; the code is never echoed back into the page.
            context["form"] = BalanceForm()
    elif request.method == "POST":
        status = 400
    context["care_phone"] = settings.VIVRE.get("CARE_PHONE", "")
    return render(request, "payments/gift_certificates/balance.html", context, status=status)
