from decimal import Decimal

from django import forms

from vivre.payments.models import Refund
from vivre.payments.services import REASON_MAX

from .services import SUMMARY_MAX


class IssueForm(forms.Form):
    summary = forms.CharField(
        label="What is the issue?",
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The customer’s problem in a sentence or two. No card numbers.",
        error_messages={"required": "Describe the issue in a sentence or two."},
    )


class RefundForm(forms.Form):
    """A refund on an order (P25): how much, where to, and why (the customer reads it)."""

    amount = forms.DecimalField(
        label="Amount ($)",
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        # Far above any order: a typo, not a refund. The service checks the real limit.
        max_value=Decimal("99999999.99"),
        localize=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "required": "Enter how much to refund.",
            "invalid": "Enter an amount such as 25.00.",
            "min_value": "A refund must be more than $0.00.",
            "max_value": "That is far more than this order could have cost.",
            "max_digits": "That is far more than this order could have cost.",
            "max_whole_digits": "That is far more than this order could have cost.",
            "max_decimal_places": "Enter the amount in dollars and cents, such as 25.00.",
        },
    )
    method = forms.ChoiceField(
        label="Refund to",
        choices=Refund.Method.choices,
        initial=Refund.Method.CARD,
        error_messages={
            "required": "Choose how to refund.",
            "invalid_choice": "Choose how to refund.",
        },
    )
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX,
        help_text="The customer sees this on their order and in the e-mail. No card numbers.",
        error_messages={
            "required": "Say why, in a few words: the customer sees it.",
            "max_length": f"Keep the reason to {REASON_MAX} characters.",
        },
    )
