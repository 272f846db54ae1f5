"""Global Privacy Control (P16, P21): a browser's ``Sec-GPC: 1`` is an opt-out we honour.

For every visitor the request is treated as having refused tracking cookies, and the
refusal is remembered in the consent cookie, so a later request without the signal
does not opt back in. For a signed-in customer the opt-out of partner offers and
tracking cookies goes into the consent ledger too, once: only while their current
choice is not already an explicit no.
"""

from __future__ import annotations

from .cookies import CHOICE_COOKIE, REJECTED, read_choice_cookie, set_choice_cookie

#: The purposes a GPC signal opts out of ("sale or sharing": partners, tracking).
GPC_PURPOSES = ("partner_offers", "tracking_cookies")


def has_gpc_signal(request) -> bool:
    """True when the browser sends ``Sec-GPC: 1`` (any other value is no signal)."""
    return request.headers.get("Sec-GPC", "").strip() == "1"


def record_gpc_opt_out(user) -> list:
    """Append a "no" for each GPC purpose whose newest choice is not already no."""
    from vivre.accounts.services import policy_version

    from .consent import Channel, record_consent, subject_key_for_customer
    from .models import ConsentRecord

    subject_key = subject_key_for_customer(user.pk)
    newest: dict[str, bool] = {}
    rows = (
        ConsentRecord.objects.filter(subject_key=subject_key, purpose__in=GPC_PURPOSES)
        .order_by("-id")
        .values_list("purpose", "granted")
    )
    for purpose, granted in rows:
        newest.setdefault(purpose, granted)
        if len(newest) == len(GPC_PURPOSES):
            break
    recorded = []
    version = None
    for purpose in GPC_PURPOSES:
        if newest.get(purpose) is False:
            continue
        if version is None:
            version = policy_version()
        recorded.append(
            record_consent(
                subject_key=subject_key,
                purpose=purpose,
                granted=False,
                channel=Channel.GPC,
                recorded_by="self",
                policy_version=version,
            )
        )
    return recorded


class GlobalPrivacyControlMiddleware:
    """Honour ``Sec-GPC: 1``; sets ``request.gpc`` and ``request.cookie_choice``.

    Runs after authentication and the remembered-device sign-in, and before
    ``TrackingMiddleware``, which therefore already sees the refusal.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.gpc = has_gpc_signal(request)
        if request.gpc:
            request.cookie_choice = REJECTED
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                record_gpc_opt_out(user)
        else:
            request.cookie_choice = read_choice_cookie(request)
        response = self.get_response(request)
        if request.gpc and (
            read_choice_cookie(request) != REJECTED or CHOICE_COOKIE in response.cookies
        ):
            # Whatever a view set, the signal wins: remember the refusal.
            set_choice_cookie(response, REJECTED)
        return response
