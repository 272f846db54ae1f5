"""Contests in the marketing back office: list, create, edit, aggregate counts, the draw.

Demographics are shown only as suppressed counts (``contests.demographics``); there is
no page that lists entrants with what they told us (P9).
"""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from vivre.core.staff import Role, role_required

from . import contests
from .contest_forms import ContestForm
from .models import Contest

marketing_only = role_required(Role.MARKETING)


def _detail(request, contest, *, error="", status=200):
    winners = list(
        contest.entries.filter(is_winner=True).values("id", "notified_at").order_by("id")
    )
    replay = None
    if contest.drawn_at is not None:
        replay = sorted(contests.replay_draw(contest)) == [w["id"] for w in winners]
    return render(
        request,
        "marketing/contests/staff_detail.html",
        {
            "staff_section": "marketing",
            "contest": contest,
            "state": contests.state_of(contest),
            "stats": contests.demographics(contest),
            "winners": winners,
            "replay_matches": replay,
            "draw_error": error,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
@marketing_only
def contest_list(request):
    return render(
        request,
        "marketing/contests/staff_list.html",
        {
            "staff_section": "marketing",
            "contests": contests.contests_for_staff(),
            "now": timezone.now(),
        },
    )


def _form_page(request, form, *, contest=None, status=200):
    return render(
        request,
        "marketing/contests/staff_form.html",
        {"staff_section": "marketing", "form": form, "contest": contest},
        status=status,
    )


def _save(request, form, contest=None):
    """Save a valid form; return the contest, or None with the refusal on the form."""
    try:
        return contests.save_contest(values=form.values(), contest=contest)
    except contests.ContestError as error:
        form.add_error(None, error.message)
    except IntegrityError:
        form.add_error("slug", "Another contest already has this web address.")
    return None


@require_http_methods(["GET", "HEAD", "POST"])
@marketing_only
def contest_new(request):
    if request.method != "POST":
        return _form_page(request, ContestForm())
    form = ContestForm(request.POST)
    if form.is_valid() and (contest := _save(request, form)) is not None:
        messages.success(request, f"Contest “{contest.title}” created.")
        return redirect("marketing_staff:contest_detail", pk=contest.pk)
    return _form_page(request, form, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
@marketing_only
def contest_edit(request, pk):
    contest = get_object_or_404(Contest, pk=pk)
    if contest.drawn_at is not None:
        messages.error(
            request, "The winners have been drawn; this contest can no longer be changed."
        )
        return redirect("marketing_staff:contest_detail", pk=contest.pk)
    if request.method != "POST":
        return _form_page(request, ContestForm(instance=contest), contest=contest)
    form = ContestForm(request.POST, instance=contest)
    if form.is_valid() and _save(request, form, contest) is not None:
        messages.success(request, "Contest saved.")
        return redirect("marketing_staff:contest_detail", pk=contest.pk)
    return _form_page(request, form, contest=contest, status=400)


@require_http_methods(["GET", "HEAD"])
@marketing_only
def contest_detail(request, pk):
    contest = get_object_or_404(Contest.objects.select_related("promotion", "drawn_by"), pk=pk)
    return _detail(request, contest)


@require_POST
@marketing_only
def contest_draw(request, pk):
    contest = get_object_or_404(Contest, pk=pk)
    try:
        result = contests.draw(contest=contest, actor=request.user)
    except contests.ContestError as error:
        contest.refresh_from_db()
        return _detail(request, contest, error=error.message, status=409)
    messages.success(
        request,
        f"Drawn {len(result.winner_ids)} winner{'s' if len(result.winner_ids) != 1 else ''} "
        f"from {result.pool_size} entries with seed {result.seed}; the winners are being e-mailed.",
    )
    return redirect("marketing_staff:contest_detail", pk=contest.pk)


urlpatterns = [
    path("contests/", contest_list, name="contest_list"),
    path("contests/new/", contest_new, name="contest_new"),
    path("contests/<uuid:pk>/", contest_detail, name="contest_detail"),
    path("contests/<uuid:pk>/edit/", contest_edit, name="contest_edit"),
    path("contests/<uuid:pk>/draw/", contest_draw, name="contest_draw"),
]
