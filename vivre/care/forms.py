from django import forms

from .services import SUMMARY_MAX


class IssueForm(forms.Form):
    summary = forms.CharField(
        label="What is the issue?",
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The customer’s problem in a sentence or two. No card numbers.",
        error_messages={"required": "Describe the issue in a sentence or two."},
    )
