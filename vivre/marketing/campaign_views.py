"""The marketing dashboard and campaigns under /staff/marketing/ (Marketing role).

The dashboard shows counts only (audience sizes, sends, opt-outs), never a list of
people. Campaign pages: list, write, edit (while a draft), preview, send, pause,
resume, and the progress of a send.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vivre.core.staff import Role, role_required
from vivre.messaging.services import render_email

from . import campaigns
from .campaign_forms import CampaignForm
from .charts import Series, grouped_bar_chart
from .models import Campaign
from .unsubscribe import site_url

marketing_only = role_required(Role.MARKETING)
# The mail's own HTML, framed by the preview page: inline styles as a mail client
# would show them, and nothing that runs (as the outbox's local mailbox).
PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"
)
SECTION = {"staff_section": "marketing"}


def _render(request, template, context, status=200):
    response = render(
        request, f"marketing/campaigns/{template}.html", {**SECTION, **context}, status=status
    )
    add_never_cache_headers(response)
    return response


@require_GET
@marketing_only
def dashboard(request):
    """Campaigns, links to the other marketing pages, audience sizes and the 30-day chart."""
    recent = list(Campaign.objects.all()[:10])
    counts = campaigns.progress_by_campaign([c.pk for c in recent])
    days = campaigns.daily_activity(days=30)
    labels = [f"{d['day'].day} {d['day']:%b}" for d in days]
    total_sends = sum(d["sends"] for d in days)
    total_opt_outs = sum(d["opt_outs"] for d in days)
    chart = grouped_bar_chart(
        chart_id="activity-chart",
        title="Campaign mails sent and opt-outs, per day, last 30 days",
        description=f"{total_sends} campaign mails sent and {total_opt_outs} opt-outs recorded "
        f"from {labels[0]} to {labels[-1]}. The table below gives each day's figures.",
        labels=labels,
        series=[
            Series("Mails sent", [d["sends"] for d in days]),
            Series("Opt-outs", [d["opt_outs"] for d in days]),
        ],
    )
    return _render(
        request,
        "dashboard",
        {
            "campaigns": [(c, counts.get(c.pk)) for c in recent],
            "audience": campaigns.audience_sizes(),
            "chart": chart,
            "days": days,
            "total_sends": total_sends,
            "total_opt_outs": total_opt_outs,
        },
    )


@require_GET
@marketing_only
def campaign_list(request):
    items = list(Campaign.objects.all()[:200])
    counts = campaigns.progress_by_campaign([c.pk for c in items])
    return _render(request, "list", {"campaigns": [(c, counts.get(c.pk)) for c in items]})


@require_http_methods(["GET", "POST"])
@marketing_only
def campaign_new(request):
    form = CampaignForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        campaign = campaigns.save_campaign(data=form.cleaned_data, actor=request.user)
        messages.success(request, "Campaign saved as a draft. Preview it before sending.")
        return redirect("marketing_staff:campaign", campaign.pk)
    status = 400 if form.is_bound else 200
    return _render(request, "form", {"form": form, "campaign": None}, status=status)


@require_http_methods(["GET", "POST"])
@marketing_only
def campaign_edit(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    if campaign.status != Campaign.Status.DRAFT:
        messages.error(request, "This campaign has started sending: it can no longer change.")
        return redirect("marketing_staff:campaign", campaign.pk)
    data = request.POST if request.method == "POST" else None
    form = CampaignForm.for_campaign(campaign, data=data)
    if data is not None and form.is_valid():
        try:
            campaigns.save_campaign(campaign=campaign, data=form.cleaned_data)
        except campaigns.CampaignError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Campaign saved.")
            return redirect("marketing_staff:campaign", campaign.pk)
    status = 400 if form.is_bound else 200
    return _render(request, "form", {"form": form, "campaign": campaign}, status=status)


@require_GET
@marketing_only
def campaign_detail(request, pk):
    """The campaign and its progress; refreshes itself while it is sending."""
    campaign = get_object_or_404(Campaign.objects.select_related("promotion"), pk=pk)
    return _render(
        request,
        "detail",
        {
            "campaign": campaign,
            "progress": campaigns.progress(campaign),
            "purpose": campaigns.PURPOSE_PHRASES[campaigns.purpose_for(campaign)],
            "audience_labels": [Campaign.Audience(v).label for v in campaign.audiences],
            "refresh": campaign.status == Campaign.Status.SENDING,
        },
    )


def _preview(campaign: Campaign) -> tuple[str, str]:
    content = campaigns.Content.of(campaign)
    link = f"{site_url()}/unsubscribe/(each person's own link)/"
    return render_email(template="campaign", context=content.context(link))


@require_GET
@marketing_only
def campaign_preview(request, pk):
    campaign = get_object_or_404(Campaign.objects.select_related("promotion"), pk=pk)
    text, _ = _preview(campaign)
    return _render(
        request,
        "preview",
        {"campaign": campaign, "text": text, "subject": campaigns.Content.of(campaign).subject},
    )


@require_GET
@marketing_only
@xframe_options_sameorigin
def campaign_preview_html(request, pk):
    campaign = get_object_or_404(Campaign.objects.select_related("promotion"), pk=pk)
    _, html = _preview(campaign)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = PREVIEW_CSP
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@marketing_only
def campaign_send(request, pk):
    """Compute the audience now and start (or restart) the batches."""
    campaign = get_object_or_404(Campaign, pk=pk)
    try:
        added = campaigns.start_sending(campaign_id=campaign.pk, actor=request.user)
    except campaigns.CampaignError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Sending: {added} {'person' if added == 1 else 'people'} added to the audience. "
            "Each is mailed only if their choice allows it at that moment.",
        )
    return redirect("marketing_staff:campaign", campaign.pk)


@require_POST
@marketing_only
def campaign_pause(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    if campaigns.pause(campaign_id=campaign.pk):
        messages.success(request, "Paused: no further batch will start until you resume.")
    else:
        messages.error(request, "Only a campaign that is sending can be paused.")
    return redirect("marketing_staff:campaign", campaign.pk)


@require_POST
@marketing_only
def campaign_resume(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    if campaigns.resume(campaign_id=campaign.pk):
        messages.success(request, "Resumed: sending goes on where it stopped.")
    else:
        messages.error(request, "Only a paused campaign can be resumed.")
    return redirect("marketing_staff:campaign", campaign.pk)


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("campaigns/", campaign_list, name="campaigns"),
    path("campaigns/new/", campaign_new, name="campaign_new"),
    path("campaigns/<uuid:pk>/", campaign_detail, name="campaign"),
    path("campaigns/<uuid:pk>/edit/", campaign_edit, name="campaign_edit"),
    path("campaigns/<uuid:pk>/preview/", campaign_preview, name="campaign_preview"),
    path("campaigns/<uuid:pk>/preview/html/", campaign_preview_html, name="campaign_preview_html"),
    path("campaigns/<uuid:pk>/send/", campaign_send, name="campaign_send"),
    path("campaigns/<uuid:pk>/pause/", campaign_pause, name="campaign_pause"),
    path("campaigns/<uuid:pk>/resume/", campaign_resume, name="campaign_resume"),
]
