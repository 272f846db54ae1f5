"""The privacy policy's versions (P2, P19): public history and staff publishing.

Public: ``/privacy-policy/versions/`` lists every published version with the one
in force marked; ``/privacy-policy/versions/<version>/`` shows a version and
what changed from the one before it. Staff (Privacy officer):
``/staff/privacy/policy/`` lists versions and drafts, drafts and publishes
versions, and shows each notice run's progress.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from vivre.core.staff import Role, role_required
from vivre.storefront.markdown import render_markdown

from . import policy
from .models import PolicyVersion
from .policy_forms import PolicyVersionForm

privacy_only = role_required(Role.PRIVACY)
STAFF = {"staff_section": "privacy"}


def _labelled_uses(keys):
    return [{"key": key, "label": policy.use_label(key)} for key in keys]


def _labelled_recipients(names):
    return [{"key": name, "label": policy.recipient_label(name)} for name in names]


def _change_context(version: PolicyVersion) -> dict:
    change = policy.changes(version)
    return {
        "change": change,
        "previous": change.previous,
        "added_uses": _labelled_uses(change.added_uses),
        "removed_uses": _labelled_uses(change.removed_uses),
        "added_recipients": _labelled_recipients(change.added_recipients),
        "removed_recipients": _labelled_recipients(change.removed_recipients),
    }


# --- public ---------------------------------------------------------------------------


@require_GET
def version_list(request):
    versions = policy.published()
    current = policy.version_in_force()
    return render(
        request,
        "privacy/policy/versions.html",
        {"versions": versions, "current": current, "today": timezone.localdate()},
    )


@require_GET
def version_detail(request, version):
    if len(version) > 20:
        raise Http404
    item = get_object_or_404(PolicyVersion, version=version, published_at__isnull=False)
    current = policy.version_in_force()
    return render(
        request,
        "privacy/policy/version.html",
        {
            "item": item,
            "body": render_markdown(item.text),
            "is_current": current is not None and current.pk == item.pk,
            "is_future": item.effective_on > timezone.localdate(),
            "uses": _labelled_uses(policy.uses_of(item)),
            "recipients": _labelled_recipients(policy.recipients_of(item)),
            **_change_context(item),
        },
    )


# --- staff ----------------------------------------------------------------------------


def _staff_render(request, template, context, status=200):
    response = render(
        request, f"privacy/policy/{template}.html", {**STAFF, **context}, status=status
    )
    add_never_cache_headers(response)
    return response


@require_GET
@privacy_only
def staff_list(request):
    versions = list(PolicyVersion.objects.all())
    current = policy.version_in_force()
    rows = [
        {"item": v, "progress": policy.progress(v) if v.published_at else None} for v in versions
    ]
    return _staff_render(request, "staff_list", {"rows": rows, "current": current})


@require_http_methods(["GET", "POST"])
@privacy_only
def staff_edit(request, pk=None):
    instance = None
    if pk is not None:
        instance = get_object_or_404(PolicyVersion, pk=pk)
        if instance.published_at is not None:
            messages.error(request, "A published version cannot change: draft a new one.")
            return redirect("privacy:policy-staff-version", pk=instance.pk)
    if request.method == "POST":
        form = PolicyVersionForm(data=request.POST, instance=instance)
    elif instance is not None:
        form = PolicyVersionForm(
            instance=instance,
            initial={
                "version": instance.version, "summary": instance.summary, "text": instance.text,
                "uses": policy.uses_of(instance), "recipients": policy.recipients_of(instance),
                "effective_on": instance.effective_on,
            },
        )  # fmt: skip
    else:
        latest = policy.latest_published()
        form = PolicyVersionForm(
            initial={
                "text": latest.text if latest else "",
                "uses": policy.uses_of(latest), "recipients": policy.recipients_of(latest),
                "effective_on": timezone.localdate(),
            }
        )  # fmt: skip
    if form.is_bound and form.is_valid():
        publish = request.POST.get("action") == "publish"
        try:
            saved = policy.save_version(
                version=instance, data=form.cleaned_data, actor=request.user, publish=publish
            )
        except policy.PolicyError as error:
            form.add_error(error.field, error.message)
        else:
            if publish:
                notices = saved.notices.count()
                messages.success(
                    request,
                    f"Version {saved.version} published; it takes effect on "
                    f"{saved.effective_on:%-d %B %Y}."
                    + (f" {notices} notice(s) are being sent." if notices else ""),
                )
            else:
                messages.success(request, f"Draft {saved.version} saved. Publish it when ready.")
            return redirect("privacy:policy-staff-version", pk=saved.pk)
    status = 400 if form.is_bound else 200
    return _staff_render(
        request,
        "staff_form",
        {"form": form, "item": instance, "notice_days": policy.notice_days()},
        status=status,
    )


@require_GET
@privacy_only
def staff_version(request, pk):
    item = get_object_or_404(PolicyVersion, pk=pk)
    context = {
        "item": item,
        "uses": _labelled_uses(policy.uses_of(item)),
        "recipients": _labelled_recipients(policy.recipients_of(item)),
        "progress": policy.progress(item) if item.published_at else None,
        "catalogue_requesters": policy.catalogue_requesters(),
        **_change_context(item),
    }
    return _staff_render(request, "staff_version", context)


urlpatterns = [
    path("privacy-policy/versions/", version_list, name="policy-versions"),
    path("privacy-policy/versions/<str:version>/", version_detail, name="policy-version"),
    path("staff/privacy/policy/", staff_list, name="policy-staff"),
    path("staff/privacy/policy/new/", staff_edit, name="policy-staff-new"),
    path("staff/privacy/policy/<int:pk>/", staff_version, name="policy-staff-version"),
    path("staff/privacy/policy/<int:pk>/edit/", staff_edit, name="policy-staff-edit"),
]
