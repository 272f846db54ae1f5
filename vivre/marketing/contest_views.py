"""Public contest pages: ``/contests/<slug>/`` to enter, and the thank-you page (P9, P22)."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from vivre.core.http import client_ip
from vivre.core.throttle import is_throttled, record_failure

from . import contests
from .contest_forms import ContestEntryForm

# Entries (new or repeated) one IP address may send to contests in an hour.
ENTRY_LIMIT = 20
ENTRY_WINDOW = timedelta(hours=1)
ENTRY_SCOPE = "contest-entry"
THROTTLED = (
    "We have received a lot of entries from this connection in the last hour. "
    "Please try again later."
)
DUPLICATE = (
    "This e-mail address has already entered this contest. There is one entry per "
    "person: your first entry stands, and nothing has been changed."
)


@require_GET
def index(request):
    """The contests open for entries now."""
    return render(request, "marketing/contests/index.html", {"contests": contests.open_contests()})


def _contest(slug: str):
    contest = contests.published_contest(slug)
    if contest is None:
        raise Http404("No such contest.")
    return contest


def _page(request, contest, form, *, status=200):
    return render(
        request,
        "marketing/contests/enter.html",
        {"contest": contest, "form": form, "state": "open"},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def enter(request, slug):
    """Show the contest and its entry form; take an entry while it is open."""
    contest = _contest(slug)
    state = contests.state_of(contest)
    if state != "open":
        return render(
            request,
            "marketing/contests/not_open.html",
            {"contest": contest, "state": state},
            status=409 if request.method == "POST" else 200,
        )
    if request.method != "POST":
        return _page(request, contest, ContestEntryForm(contest=contest))
    form = ContestEntryForm(request.POST, contest=contest)
    if not form.is_valid():
        return _page(request, contest, form, status=400)
    who = [client_ip(request) or ""]
    if is_throttled(scope=ENTRY_SCOPE, values=who, limit=ENTRY_LIMIT, window=ENTRY_WINDOW):
        form.add_error(None, THROTTLED)
        return _page(request, contest, form, status=429)
    record_failure(scope=ENTRY_SCOPE, values=who)
    try:
        result = contests.enter(contest=contest, data=contests.Entry(**form.entry_values()))
    except contests.ContestError as error:
        return render(
            request,
            "marketing/contests/not_open.html",
            {"contest": contest, "state": error.code, "message": error.message},
            status=409,
        )
    if result.duplicate:
        form.add_error(None, DUPLICATE)
        return _page(request, contest, form, status=409)
    return redirect("contests:entered", slug=contest.slug)


@require_GET
def entered(request, slug):
    contest = _contest(slug)
    return render(request, "marketing/contests/entered.html", {"contest": contest})


urlpatterns = [
    path("", index, name="index"),
    path("<slug:slug>/", enter, name="enter"),
    path("<slug:slug>/entered/", entered, name="entered"),
]
