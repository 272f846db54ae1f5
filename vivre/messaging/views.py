"""The outbox for staff, and a local mailbox to read what the demo sends.

The mailbox shows whole messages, which are customer correspondence: it exists
only when ``settings.PRODUCTION`` is off. In production staff see the list
(state, attempts, last error) and nothing of the bodies.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from .models import Message
from .selectors import outbox, outbox_counts

# The message's own HTML, framed by the mailbox page: inline styles as a mail
# client would show them, and nothing that runs.
MESSAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"
)


def staff_required(view):
    """Let only active staff through; send others to sign in, or refuse them."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url="/admin/login/")
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied("This page is for staff.")
        return view(request, *args, **kwargs)

    return wrapped


def mailbox_enabled() -> bool:
    return not settings.PRODUCTION


@require_GET
@staff_required
def message_list(request):
    state = request.GET.get("state") or None
    page = Paginator(outbox(state=state), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/outbox.html",
        {
            "staff_section": "mail",
            "page": page,
            "state": state if state in Message.State.values else None,
            "counts": outbox_counts(),
            "states": Message.State.choices,
            "mailbox": mailbox_enabled(),
        },
    )


@require_GET
@staff_required
def message_detail(request, pk):
    if not mailbox_enabled():
        raise Http404("The mailbox is for local use only.")
    message = get_object_or_404(Message, pk=pk)
    return render(
        request,
        "messaging/message.html",
        {"staff_section": "mail", "message": message},
    )


@require_GET
@staff_required
@xframe_options_sameorigin
def message_html(request, pk):
    if not mailbox_enabled():
        raise Http404("The mailbox is for local use only.")
    message = get_object_or_404(Message, pk=pk)
    response = HttpResponse(message.html_body, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = MESSAGE_CSP
    response["Cache-Control"] = "private, no-store"
    return response
