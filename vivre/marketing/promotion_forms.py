"""The staff form for a promotion code: what it takes off, when, and how often."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from vivre.checkout.forms import CheckoutForm

from .models import Promotion
from .promotions import CODE_MAX_LENGTH, CODE_RE

# PositiveIntegerField holds up to this on every database.
MAX_COUNT = 2_147_483_647
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_FORMAT)


def _money(label, *, required=True, help_text="", max_digits=10):
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=max_digits,
        decimal_places=2,
        min_value=Decimal("0"),
        localize=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": "Enter a number such as 15 or 12.50.",
            "min_value": "Enter 0 or more.",
            "max_digits": "That number is too large.",
            "max_whole_digits": "That number is too large.",
            "max_decimal_places": "Use at most two decimal places.",
        },
    )


def _count(label, help_text):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=MAX_COUNT,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": "Enter a whole number, or leave it empty for no limit.",
            "min_value": "Enter 1 or more, or leave it empty for no limit.",
            "max_value": "That number is too large; leave it empty for no limit.",
        },
    )


class PromotionForm(CheckoutForm):
    """Create or change a promotion code (Marketing staff)."""

    code = forms.CharField(
        label="Code",
        max_length=CODE_MAX_LENGTH,
        min_length=3,
        help_text="Letters, digits and dashes, e.g. SPRING-25. Shoppers may type it in any case.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        error_messages={"min_length": "A code has at least 3 characters."},
    )
    description = forms.CharField(
        label="Description",
        max_length=200,
        help_text="For staff, and shown nowhere to shoppers.",
    )
    kind = forms.ChoiceField(
        label="Discount",
        choices=Promotion.Kind.choices,
        initial=Promotion.Kind.PERCENT,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a percentage or an amount off."},
    )
    value = _money(
        "Percentage or amount",
        max_digits=8,
        help_text="A percentage from 1 to 100, or dollars off the merchandise.",
    )
    minimum_spend = _money(
        "Minimum spend ($)",
        required=False,
        help_text="On merchandise, before the discount. Empty: no minimum.",
    )
    starts_at = forms.DateTimeField(
        label="Starts",
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
        error_messages={"invalid": "Enter a date and time such as 2026-05-01 09:00."},
    )
    ends_at = forms.DateTimeField(
        label="Ends",
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
        help_text="Empty: it never expires.",
        error_messages={"invalid": "Enter a date and time such as 2026-05-31 23:59."},
    )
    max_uses = _count("Uses in all", "How many orders may use it. Empty: no limit.")
    max_uses_per_customer = _count(
        "Uses per customer",
        "Per account, or per e-mail address for guests. Empty: no limit.",
    )
    active = forms.BooleanField(
        label="Active",
        required=False,
        initial=True,
        help_text="Untick to stop the code at once.",
    )

    def __init__(self, *args, instance: Promotion | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(instance, name)
                for name in self.base_fields
                if hasattr(instance, name)
            }
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not CODE_RE.match(code):
            raise forms.ValidationError(
                "Use letters, digits and single dashes between them, e.g. SPRING-25."
            )
        taken = Promotion.objects.filter(code=code)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"There is already a code {code}.")
        return code

    def clean_minimum_spend(self):
        return self.cleaned_data.get("minimum_spend") or Decimal("0")

    def clean(self):
        cleaned = super().clean()
        kind, value = cleaned.get("kind"), cleaned.get("value")
        if value is not None:
            if kind == Promotion.Kind.PERCENT and not (Decimal("1") <= value <= Decimal("100")):
                self.add_error("value", "A percentage is from 1 to 100.")
            elif kind == Promotion.Kind.AMOUNT and value <= 0:
                self.add_error("value", "An amount off is more than $0.00.")
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The end must come after the start.")
        total, each = cleaned.get("max_uses"), cleaned.get("max_uses_per_customer")
        if total is not None and each is not None and each > total:
            self.add_error(
                "max_uses_per_customer", "A customer cannot use it more often than all uses."
            )
        return cleaned
