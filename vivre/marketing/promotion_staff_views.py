"""Promotion codes in the back office (Marketing role): list with uses so far, create, edit."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vivre.core.staff import Role, role_required

from . import promotions
from .models import Promotion
from .promotion_forms import PromotionForm

marketing_only = role_required(Role.MARKETING)


def _form_page(request, *, form, promotion=None, status=200):
    return render(
        request,
        "marketing/promotions/form.html",
        {"staff_section": "marketing", "form": form, "promotion": promotion},
        status=status,
    )


@never_cache
@marketing_only
@require_http_methods(["GET"])
def promotion_list(request):
    """Every code, newest start first, with how many orders used it."""
    codes = Promotion.objects.annotate(used=Count("redemptions")).order_by("-starts_at", "code")
    rows = [{"promotion": p, "discount": promotions.describe(p)} for p in codes]
    return render(
        request,
        "marketing/promotions/list.html",
        {"staff_section": "marketing", "rows": rows},
    )


def _save(request, form, instance=None):
    """Save a valid form; return the promotion, or None with the error on the form."""
    try:
        return promotions.save_promotion(data=form.cleaned_data, instance=instance)
    except IntegrityError:
        form.add_error("code", f"There is already a code {form.cleaned_data['code']}.")
        return None


@never_cache
@marketing_only
@require_http_methods(["GET", "POST"])
def promotion_new(request):
    if request.method == "POST":
        form = PromotionForm(request.POST)
        if form.is_valid() and (promotion := _save(request, form)) is not None:
            messages.success(request, f"The code {promotion.code} is saved.")
            return redirect("marketing_staff:promotions")
        return _form_page(request, form=form, status=400)
    return _form_page(request, form=PromotionForm())


@never_cache
@marketing_only
@require_http_methods(["GET", "POST"])
def promotion_edit(request, pk):
    promotion = get_object_or_404(Promotion, pk=pk)
    if request.method == "POST":
        form = PromotionForm(request.POST, instance=promotion)
        if form.is_valid() and _save(request, form, promotion) is not None:
            messages.success(request, f"The code {promotion.code} is saved.")
            return redirect("marketing_staff:promotions")
        promotion.refresh_from_db()
        return _form_page(request, form=form, promotion=promotion, status=400)
    return _form_page(request, form=PromotionForm(instance=promotion), promotion=promotion)


urlpatterns = [
    path("promotions/", promotion_list, name="promotions"),
    path("promotions/new/", promotion_new, name="promotion_new"),
    path("promotions/<int:pk>/", promotion_edit, name="promotion_edit"),
]
