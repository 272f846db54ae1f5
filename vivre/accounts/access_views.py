"""Who saw your data (My Account, "Your data"): access transparency.

Lists, newest first, every recorded read of the signed-in customer's sensitive
data (a care associate revealing the phone number for an order issue, the card
vault opening a saved card for billing) and every disclosure of their data to
someone outside Vivre (the card processor, the carrier, the mail house, an
authority): when, who, what and why, in plain words.

Both are found through the data map, never listed by hand: the access log names
the customer's rows by model and id (``datamap.owned_rows``), the disclosure log
files them under the customer's ledger keys (``datamap.customer_keys``). Only the
signed-in customer's own records are ever shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from vivre.accounts.models import User
from vivre.privacy.datamap import Category, Use, customer_keys, owned_rows
from vivre.privacy.disclosure import NOT_PERSONAL, REGISTRY
from vivre.privacy.disclosure import Purpose as DisclosurePurpose
from vivre.privacy.models import AccessRecord, DisclosureRecord

PER_PAGE = 25

# What a data category is, as the customer would say it. The most specific key wins.
CATEGORY_WORDS = {
    Category.PHONE: "your telephone number",
    Category.CREDIT_CARD: "your card details",
    Category.FINANCIAL: "your payment details",
    Category.PRIVATE_CONTENT: "what you told customer care",
    Category.AGE_RANGE: "your age range",
    Category.INCOME_RANGE: "your income level",
    "user.demographic": "your contest answers",
    Category.NAME: "your name",
    Category.EMAIL: "your e-mail address",
    Category.ADDRESS: "your address",
    Category.IP_ADDRESS: "your IP address",
    Category.PURCHASE_HISTORY: "what you bought",
    Category.PSEUDONYMOUS_ID: "a reference number",
    "user": "your details",
}

# Why, in plain words, by data use (fideslang keys; the most specific key wins).
PURPOSE_WORDS = {
    DisclosurePurpose.CARD_AUTHORIZATION: "to approve your card for an order",
    Use.PAYMENT: "to bill you for an order",
    Use.CUSTOMER_CARE: "to help with an issue on your order",
    Use.FULFILMENT: "to deliver your order",
    Use.ORDER_NOTIFICATIONS: "to e-mail you about your order",
    Use.MARKETING_POSTAL: "to post you the catalogue you asked for",
    Use.MARKETING_EMAIL: "to send you mailings you agreed to",
    Use.SECURITY: "to keep your account secure",
    Use.FRAUD: "to prevent fraud",
    Use.LEGAL: "because the law requires it",
    Use.PROVIDE_SERVICE: "to provide the service you asked for",
}

# On what footing it went, as the customer would read it.
BASIS_WORDS = {
    DisclosureRecord.Basis.CONTRACT: "needed to fulfil your order",
    DisclosureRecord.Basis.PROCESSOR: "they work for Vivre and may use it for nothing else",
    DisclosureRecord.Basis.CONSENT: "you agreed to it",
    DisclosureRecord.Basis.LEGAL_OBLIGATION: "required by law",
}

# Processes that read data on their own, named for the customer.
PROCESS_NAMES = {
    "checkout": "Vivre's checkout, while you paid",
    "system": "Vivre's systems",
}

SUBJECT_WORDS = {
    "orders.Order": "order",
    "payments.SavedCard": "saved card",
    "care.OrderIssue": "order issue",
}


def _most_specific(key: str, words: dict[str, str]) -> str | None:
    """Return the words for ``key`` or its nearest ancestor in the fideslang tree."""
    while key:
        if key in words:
            return words[key]
        key = key.rpartition(".")[0]
    return None


def category_words(category: str) -> str:
    return _most_specific(category, CATEGORY_WORDS) or "your details"


def purpose_words(purpose: str) -> str:
    words = _most_specific(purpose, PURPOSE_WORDS)
    return (words or "for Vivre's work").capitalize()


def _join(phrases: list[str]) -> str:
    phrases = list(dict.fromkeys(phrases))
    if len(phrases) <= 1:
        return "".join(phrases).capitalize()
    return (", ".join(phrases[:-1]) + " and " + phrases[-1]).capitalize()


@dataclass(frozen=True)
class Entry:
    """One line of the log, as the page shows it."""

    at: datetime
    kind: str  # "access" or "disclosure"
    who: str
    who_detail: str
    what: str
    why: str
    why_detail: str


def _staff_names(records) -> dict[int, str]:
    ids = {r.actor_id for r in records if r.actor_id}
    return {
        u.pk: (u.full_name or u.get_username())
        for u in User.objects.filter(pk__in=ids).only("pk", "full_name", "email", "is_staff")
        if u.is_staff
    }


def _access_entries(user, rows) -> list[Entry]:
    pks = rows.get(AccessRecord, [])
    records = list(AccessRecord.objects.filter(pk__in=pks)) if pks else []
    staff = _staff_names(records)
    from vivre.orders.models import Order

    numbers = dict(Order.objects.filter(pk__in=rows.get(Order, [])).values_list("pk", "number"))
    entries = []
    for r in records:
        if r.actor_id == user.pk:
            who, detail = "You", ""
        elif r.actor_id in staff:
            who, detail = staff[r.actor_id], "Vivre staff"
        else:
            who, detail = PROCESS_NAMES.get(r.actor_label, "Vivre's systems"), "Automatic"
        subject = SUBJECT_WORDS.get(r.subject_type, "record")
        if r.subject_type == "orders.Order":
            number = next((n for pk, n in numbers.items() if str(pk) == r.subject_id), "")
            subject = f"order {number}" if number else "order"
        entries.append(
            Entry(
                at=r.created_at,
                kind="access",
                who=who,
                who_detail=detail,
                what=f"{category_words(r.category).capitalize()}, on your {subject}",
                why=purpose_words(r.purpose),
                why_detail="",
            )
        )
    return entries


def _disclosure_entries(user) -> list[Entry]:
    entries = []
    for r in DisclosureRecord.objects.filter(subject_key__in=customer_keys(user)):
        recipient = REGISTRY.get(r.recipient)
        categories = [c for c in (r.categories or []) if c != NOT_PERSONAL]
        entries.append(
            Entry(
                at=r.created_at,
                kind="disclosure",
                who=recipient.label if recipient else r.recipient.replace("_", " ").capitalize(),
                who_detail="Outside Vivre",
                what=_join([category_words(c) for c in categories]) or "No personal details",
                why=purpose_words(r.purpose),
                why_detail=BASIS_WORDS.get(r.basis, r.get_basis_display()),
            )
        )
    return entries


def access_log(user) -> list[Entry]:
    """Return every recorded access to and disclosure of ``user``'s data, newest first."""
    entries = _access_entries(user, owned_rows(user)) + _disclosure_entries(user)
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


@never_cache
@login_required
@require_GET
def access(request):
    """Who accessed the customer's sensitive data, and to whom it was disclosed."""
    page = Paginator(access_log(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/access/access.html",
        {"account_section": "privacy", "page": page},
    )


urlpatterns = [path("access/", access, name="access")]
