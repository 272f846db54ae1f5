"""The campaign form (Marketing role): what the mail says and which groups to consider."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from vivre.checkout.forms import CheckoutForm

from .campaigns import ALLOWED_TAGS, sanitize_html, uses_promotion_code
from .models import Campaign, Promotion

TEXT_MAX = 20_000
HTML_MAX = 50_000


class PromotionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.description}"


class CampaignForm(CheckoutForm):
    name = forms.CharField(
        label="Campaign name",
        max_length=120,
        help_text="For staff only; recipients never see it.",
    )
    kind = forms.ChoiceField(
        label="Whose offer is it?",
        choices=Campaign.Kind.choices,
        widget=forms.RadioSelect,
        initial=Campaign.Kind.VIVRE,
    )
    partner_name = forms.CharField(
        label="Partner's name",
        max_length=120,
        required=False,
        help_text="Shown in the mail. The partner receives nothing: Vivre sends the mail.",
    )
    subject_line = forms.CharField(label="Subject", max_length=200)
    text_body = forms.CharField(
        label="Text version",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Plain text. Write {{ promotion_code }} where the code should appear.",
    )
    html_body = forms.CharField(
        label="HTML version",
        max_length=HTML_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Allowed: " + ", ".join(f"<{tag}>" for tag in sorted(ALLOWED_TAGS)) + ". "
        "Everything else (images, styles, scripts) is removed before saving. "
        "The unsubscribe link and the store's address are added to every mail.",
    )
    audiences = forms.MultipleChoiceField(
        label="People to consider",
        choices=Campaign.Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Of these, only people whose current choice allows this kind of mail, and "
        "whose address is not suppressed, are mailed; that is decided as each mail is sent. "
        "Catalogue requesters gave a postal address only: they are reached by the print "
        "catalogue, never by e-mail.",
    )
    promotion = PromotionChoiceField(
        label="Promotion code",
        queryset=Promotion.objects.none(),
        required=False,
        empty_label="No promotion code",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.now()
        self.fields["promotion"].queryset = Promotion.objects.filter(active=True).exclude(
            ends_at__lt=now
        )

    def clean_subject_line(self):
        # A header holds one line.
        return " ".join(self.cleaned_data["subject_line"].split())

    def clean_html_body(self):
        cleaned = sanitize_html(self.cleaned_data["html_body"])
        if not cleaned:
            raise forms.ValidationError("Nothing would be left of this HTML once made safe.")
        return cleaned

    def clean(self):
        data = super().clean()
        if data.get("kind") == Campaign.Kind.PARTNER:
            if not (data.get("partner_name") or "").strip():
                self.add_error("partner_name", "Name the partner whose offer this is.")
        else:
            data["partner_name"] = ""
        uses_code = any(
            uses_promotion_code(data.get(name, "")) for name in ("text_body", "html_body")
        )
        if uses_code and not data.get("promotion"):
            self.add_error(
                "promotion",
                "The mail shows {{ promotion_code }}: choose the promotion code to put there.",
            )
        return data

    @classmethod
    def for_campaign(cls, campaign: Campaign, data=None) -> CampaignForm:
        initial = {
            "name": campaign.name,
            "kind": campaign.kind,
            "partner_name": campaign.partner_name,
            "subject_line": campaign.subject_line,
            "text_body": campaign.text_body,
            "html_body": campaign.html_body,
            "audiences": campaign.audiences,
            "promotion": campaign.promotion_id,
        }
        return cls(data=data, initial=initial)
