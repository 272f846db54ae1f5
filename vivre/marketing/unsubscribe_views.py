"""One-click unsubscribe under /unsubscribe/ (RFC 8058, P16).

GET shows what the link will stop and a button: mail scanners and link previews
fetch every link, so a GET never changes anything. POST unsubscribes. It is
exempt from CSRF because RFC 8058 mail clients POST ``List-Unsubscribe=One-Click``
without cookies; the signed token is what authorises it, and all it can do is
record an opt-out for the people it names.
"""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .unsubscribe import BadToken, read_token, unsubscribe


def _page(request, template, context, status=200):
    response = render(request, f"marketing/unsubscribe/{template}.html", context, status=status)
    add_never_cache_headers(response)
    # The token is a credential of sorts: never pass it on in a Referer.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _bad_link(request, reason: str):
    return _page(request, "bad_link", {"expired": reason == "expired"}, status=400)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def one_click(request, token):
    """Confirm (GET) or record (POST) the opt-out a signed unsubscribe link asks for."""
    if request.method == "POST":
        everything = request.POST.get("everything") == "yes"
        try:
            stopped = unsubscribe(token=token, everything=everything)
        except BadToken as error:
            return _bad_link(request, str(error))
        return _page(request, "done", {"stopped": stopped, "everything": everything})
    try:
        wanted = read_token(token)
    except BadToken as error:
        return _bad_link(request, str(error))
    return _page(request, "confirm", {"wanted": wanted, "token": token})


urlpatterns = [
    path("<str:token>/", one_click, name="one_click"),
]
