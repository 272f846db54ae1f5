"""The bag: see it, add to it, change quantities, remove lines."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from vivre.catalog.models import Variant
from vivre.core.http import client_ip
from vivre.payments.giftcertificates import shop_today

from . import services
from .forms import AddToCartForm, UpdateLineForm
from .selectors import (
    cart_cookie_is_stale,
    get_cart_for_request,
    review_cart,
    signed_in_customer,
)

CART_COOKIE_AGE = 60 * 60 * 24 * 60


def set_cart_cookie(response, cart) -> None:
    """Send the strictly necessary cart cookie that finds this visitor's bag."""
    response.set_cookie(
        settings.VIVRE["CART_COOKIE"],
        str(cart.pk),
        max_age=CART_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def drop_stale_cart_cookie(request, response):
    """Delete a cart cookie that can no longer find this visitor's bag; return the response.

    A signed-in customer's bag is found by their account, and a guest may not
    use a customer's bag, so such a cookie only points at something out of reach.
    Leaves a cookie the response is setting anew alone.
    """
    name = settings.VIVRE["CART_COOKIE"]
    if name not in response.cookies and cart_cookie_is_stale(request):
        response.delete_cookie(name, samesite="Lax")
    return response


def bag_for_adding(request):
    """Return (the visitor's bag, whether it was just started), starting one if needed.

    A signed-in customer's bag is theirs on every device; a guest's new bag needs
    the cart cookie (``set_cart_cookie``) to be found again.
    """
    cart = get_cart_for_request(request)
    customer = signed_in_customer(request)
    created = False
    if customer is not None and cart is None:
        cart, created = services.open_customer_cart(
            customer=customer, ip_address=client_ip(request)
        )
    elif cart is None:
        cart, created = services.create_cart(ip_address=client_ip(request)), True
    else:
        services.touch_cart_ip(cart=cart, ip_address=client_ip(request))
    return cart, created


def cart_detail(request):
    """Show the bag, after bringing it in line with today's stock and prices."""
    cart = get_cart_for_request(request)
    for notice in services.reconcile_cart(cart=cart):
        messages.warning(request, notice)
    review = review_cart(cart)
    response = render(
        request,
        "cart/cart.html",
        {
            "review": review,
            "max_quantity": settings.VIVRE["CART_MAX_QUANTITY"],
            "today": shop_today(),
        },
    )
    return drop_stale_cart_cookie(request, response)


def _product_error(request, variant_id, form, status):
    """Re-show the product page with the form's errors (no JavaScript needed)."""
    from vivre.catalog.views import product_bundle, product_page_context

    slug = Variant.objects.filter(pk=variant_id).values_list("product__slug", flat=True).first()
    bundle = product_bundle(slug) if slug else None
    if bundle is None:
        raise Http404("No such item")
    context = product_page_context(bundle, form=form, chosen_variant_id=variant_id)
    return render(request, "catalog/product.html", context, status=status)


@require_POST
def add(request):
    """Add a variant to the bag, creating the bag if needed.

    A guest's new bag is found again by its cookie; a signed-in customer's by
    their account, so it needs none.
    """
    form = AddToCartForm(request.POST)
    variant_id = request.POST.get("variant", "")
    variant_id = int(variant_id) if variant_id.isdigit() else None
    if not form.is_valid():
        if variant_id is None:
            messages.error(request, "Please choose a colour or size.")
            return redirect(request.POST.get("next_product") or "/")
        return _product_error(request, variant_id, form, status=400)

    cart, created = bag_for_adding(request)
    customer = signed_in_customer(request)
    try:
        line = services.add_to_cart(
            cart=cart,
            variant_id=form.cleaned_data["variant"],
            quantity=form.cleaned_data["quantity"],
        )
    except services.CartError as error:
        if created and customer is None:
            cart.delete()
        if error.code is services.CartErrorCode.UNKNOWN_ITEM:
            raise Http404(error.message) from error
        form.add_error("quantity", error.message)
        return _product_error(request, form.cleaned_data["variant"], form, status=409)
    messages.success(request, f"Added to your bag: {line.quantity} × {line.variant}.")
    response = redirect("cart:detail")
    if created and customer is None:
        set_cart_cookie(response, cart)
    return drop_stale_cart_cookie(request, response)


@require_POST
def update(request, line_id):
    """Change the quantity of a line in the bag (0 removes it)."""
    cart = get_cart_for_request(request)
    form = UpdateLineForm(request.POST)
    if cart is None:
        messages.error(request, "Your bag has expired; please add the item again.")
        return drop_stale_cart_cookie(request, redirect("cart:detail"))
    if not form.is_valid():
        messages.error(request, form.errors["quantity"][0])
        return redirect("cart:detail")
    try:
        line = services.set_quantity(
            cart=cart, line_id=line_id, quantity=form.cleaned_data["quantity"]
        )
    except services.CartError as error:
        messages.error(request, error.message)
    else:
        if line is None:
            messages.success(request, "Removed from your bag.")
        else:
            messages.success(request, f"Updated: {line.quantity} × {line.variant}.")
    return drop_stale_cart_cookie(request, redirect("cart:detail"))


@require_POST
def remove(request, line_id):
    """Take a line out of the bag."""
    cart = get_cart_for_request(request)
    if cart is not None:
        try:
            services.remove_line(cart=cart, line_id=line_id)
        except services.CartError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Removed from your bag.")
    return drop_stale_cart_cookie(request, redirect("cart:detail"))


@require_POST
def remove_certificate(request, item_id):
    """Take a gift certificate out of the bag."""
    cart = get_cart_for_request(request)
    if cart is not None:
        try:
            services.remove_gift_certificate(cart=cart, item_id=item_id)
        except services.CartError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Gift certificate removed from your bag.")
    return drop_stale_cart_cookie(request, redirect("cart:detail"))
