"""Forms of the legal-request register (P18)."""

from django import forms

from vivre.checkout.forms import CheckoutForm

from .legal import SCOPE_CHOICES


class LegalRequestForm(CheckoutForm):
    authority = forms.CharField(
        label="Authority", max_length=200, help_text="Who asked: the court, agency or officer."
    )
    legal_basis = forms.CharField(
        label="Legal basis", max_length=200, help_text="The law, order or warrant cited."
    )
    reference = forms.CharField(label="Their reference", max_length=100)
    subject_reference = forms.CharField(
        label="Whose data",
        max_length=254,
        help_text="An order number (VV-…) or the e-mail address of an account.",
    )
    scope = forms.MultipleChoiceField(
        label="Data asked for",
        choices=SCOPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only these categories will be disclosed.",
    )
    deadline = forms.DateField(
        label="Deadline", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="YYYY-MM-DD",
    )  # fmt: skip


class RefuseForm(CheckoutForm):
    note = forms.CharField(
        label="Why it is refused",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
