"""Privacy officer pages: the legal-request register (P18), the record of processing
(GDPR Art. 30) and the promise report (P1-P26)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vivre.core.staff import Role, role_required

from . import legal, promises
from .datamap import Subject, data_map, governed_models, ownership
from .disclosure import REGISTRY, DisclosureRefused
from .legal_forms import LegalRequestForm, RefuseForm
from .models import LegalRequest

officer_only = role_required(Role.PRIVACY)
SECTION = "privacy"


def _render(request, template, context, status=200):
    response = render(request, template, {"staff_section": SECTION, **context}, status=status)
    add_never_cache_headers(response)
    return response


def _scope_labels(scope):
    return [legal.SCOPE_LABELS.get(key, key) for key in scope]


@require_GET
@officer_only
def register(request):
    rows = [
        {
            "request": item,
            "scope": _scope_labels(item.scope),
            "disclosures": list(legal.disclosures_for(item)),
        }
        for item in LegalRequest.objects.all()
    ]
    return _render(request, "privacy/legal/register.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@officer_only
def new(request):
    form = LegalRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = legal.record_request(**form.cleaned_data, recorded_by=request.user.get_username())
        messages.success(request, f"Legal request {item.reference} recorded.")
        return redirect("privacy:legal_detail", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    return _render(request, "privacy/legal/new.html", {"form": form}, status=status)


def _detail(request, item, *, refuse_form=None, error="", status=200):
    found = legal.find_subject(item.subject_reference)
    return _render(
        request,
        "privacy/legal/detail.html",
        {
            "item": item,
            "scope": _scope_labels(item.scope),
            "subject_kind": found[0] if found else None,
            "disclosures": list(legal.disclosures_for(item)),
            "refuse_form": refuse_form or RefuseForm(),
            "error": error,
        },
        status=status,
    )


@require_GET
@officer_only
def detail(request, pk):
    return _detail(request, get_object_or_404(LegalRequest, pk=pk))


@require_POST
@officer_only
def disclose(request, pk):
    item = get_object_or_404(LegalRequest, pk=pk)
    try:
        sent = legal.disclose_request(item)
    except (legal.LegalRequestError, DisclosureRefused) as exc:
        return _detail(request, item, error=str(exc), status=409)
    return _render(
        request,
        "privacy/legal/disclosed.html",
        {
            "item": item,
            "scope": _scope_labels(item.scope),
            "sent": sent,
            "disclosures": list(legal.disclosures_for(item)),
        },
    )


@require_POST
@officer_only
def refuse(request, pk):
    item = get_object_or_404(LegalRequest, pk=pk)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        return _detail(request, item, refuse_form=form, status=400)
    try:
        legal.refuse_request(item, note=form.cleaned_data["note"])
    except legal.LegalRequestError as exc:
        return _detail(request, item, error=str(exc), status=409)
    messages.success(request, f"Legal request {item.reference} refused.")
    return redirect("privacy:legal_detail", pk=item.pk)


# --- record of processing ------------------------------------------------------------


def _retention_rules():
    rules = []
    for dotted in settings.VIVRE.get("RETENTION_RULES", []):
        try:
            doc = (import_string(dotted).__doc__ or "").strip().splitlines()
        except ImportError:
            doc = []
        rules.append({"rule": dotted, "description": doc[0] if doc else ""})
    return rules


def _recipients_for(use: str):
    return sorted(
        {
            f"{entry.label} ({entry.role})"
            for entry in REGISTRY.values()
            for purpose in entry.purposes
            if purpose == use or purpose.startswith(f"{use}.") or use.startswith(f"{purpose}.")
        }
    )


def processing_record() -> dict:
    """Return the record of processing (GDPR Art. 30), generated from the data map."""
    uses: dict[str, dict] = {}
    for entry in data_map():
        subject = getattr(entry.model.PersonalData, "subject", Subject.CUSTOMER)
        for use in entry.purposes:
            row = uses.setdefault(
                use, {"use": use, "categories": set(), "fields": [], "subjects": set()}
            )
            row["categories"].add(entry.category)
            row["fields"].append(entry.label)
            row["subjects"].add(subject)
    purposes = [
        {
            "use": use,
            "categories": sorted(row["categories"]),
            "fields": sorted(row["fields"]),
            "subjects": sorted(row["subjects"]),
            "recipients": _recipients_for(use),
        }
        for use, row in sorted(uses.items())
    ]
    erasure = []
    for model in governed_models():
        own = ownership(model)
        if own is not None and own.erasure:
            erasure.append(
                {"model": model._meta.label, "erasure": own.erasure, "reason": own.erasure_reason}
            )
    recipients = [
        {
            "name": entry.name,
            "label": entry.label,
            "role": entry.role,
            "purposes": sorted(entry.purposes),
            "categories": sorted({a.category for a in entry.fields.values()}),
        }
        for entry in REGISTRY.values()
    ]
    return {
        "purposes": purposes,
        "recipients": recipients,
        "retention": _retention_rules(),
        "erasure": erasure,
    }


@require_GET
@officer_only
def record(request):
    return _render(request, "privacy/record.html", processing_record())


@require_GET
@officer_only
def promise_report(request):
    return _render(request, "privacy/promises.html", {"report": promises.load_report()})


urlpatterns = [
    path("staff/privacy/legal/", register, name="legal_register"),
    path("staff/privacy/legal/new/", new, name="legal_new"),
    path("staff/privacy/legal/<int:pk>/", detail, name="legal_detail"),
    path("staff/privacy/legal/<int:pk>/disclose/", disclose, name="legal_disclose"),
    path("staff/privacy/legal/<int:pk>/refuse/", refuse, name="legal_refuse"),
    path("staff/privacy/record/", record, name="record"),
    path("staff/privacy/promises/", promise_report, name="promises"),
]
