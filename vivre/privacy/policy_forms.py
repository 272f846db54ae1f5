"""The staff form for drafting and publishing a privacy policy version (P2, P19)."""

from __future__ import annotations

import re

from django import forms

from vivre.checkout.forms import CheckoutForm

from . import policy
from .models import PolicyVersion

VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$")
MAX_TEXT = 100_000


class PolicyVersionForm(CheckoutForm):
    version = forms.CharField(
        label="Version label",
        max_length=20,
        help_text="Letters, digits, dots and hyphens, e.g. 2027-01. Shown in the page address.",
    )
    summary = forms.CharField(
        label="Summary of what changes",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or two sentences, shown in the list of versions and in the notice.",
    )
    text = forms.CharField(
        label="Policy text (Markdown)",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 24}),
    )
    uses = forms.MultipleChoiceField(
        label="What the policy allows us to use information for",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    recipients = forms.MultipleChoiceField(
        label="Who outside Vivre may receive information",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    effective_on = forms.DateField(
        label="Takes effect on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=(
            f"A version that adds a use or a recipient needs at least {policy.notice_days()} days' "
            "notice; one that adds neither may take effect today."
        ),
    )

    def __init__(self, *args, instance: PolicyVersion | None = None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        self.fields["uses"].choices = policy.known_uses()
        self.fields["recipients"].choices = policy.known_recipients()
        self.fields["effective_on"].help_text = (
            f"A version that adds a use or a recipient needs at least {policy.notice_days()} "
            "days' notice; one that adds neither may take effect today."
        )

    def clean_version(self):
        value = self.cleaned_data["version"].strip()
        if not VERSION_RE.match(value):
            raise forms.ValidationError(
                "Use letters, digits, dots and hyphens only, starting with a letter or digit."
            )
        taken = PolicyVersion.objects.filter(version__iexact=value)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"There is already a version {value}.")
        return value
