"""Contest forms: the public entry form (P9, P22) and the staff contest form.

The entry form asks for the e-mail and only the demographics the contest asks for,
each optional unless the contest requires it, and carries both P22 choices unticked.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone

from vivre.checkout.forms import CheckoutForm, clean_zip

from .models import Contest, ContestEntry, Promotion

MAILINGS_LABEL = "News and offers from Vivre"
PARTNERS_LABEL = "Offers from Vivre's partners, sent by Vivre (we never give them your address)"
RULES_MAX_LENGTH = 10_000
MAX_WINNERS = 1000
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _band_field(label: str, choices, *, required: bool) -> forms.ChoiceField:
    blank = "Choose one" if required else "Prefer not to say"
    return forms.ChoiceField(
        label=label,
        choices=[("", blank), *choices],
        required=required,
        error_messages={
            "invalid_choice": "Choose one of the listed options.",
            "required": f"This contest asks for your {label.lower()}; please choose one.",
        },
    )


class ContestEntryForm(CheckoutForm):
    """The entry form of one contest: the fields it asks for, nothing more."""

    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        help_text="To run the contest and to tell you if you win.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    zip_code = forms.CharField(
        label="ZIP code",
        max_length=10,
        help_text="5 digits, or ZIP+4.",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    age_band = _band_field("Age band", ContestEntry.AgeBand.choices, required=False)
    income_band = _band_field("Household income", ContestEntry.IncomeBand.choices, required=False)
    vivre_mailings = forms.BooleanField(
        label=MAILINGS_LABEL,
        required=False,
        initial=False,
        help_text="New collections, events and offers, now and then.",
    )
    partner_offers = forms.BooleanField(
        label=PARTNERS_LABEL,
        required=False,
        initial=False,
        help_text="Vivre sends these itself: our partners never receive your address.",
    )

    ASKS = {"zip_code": "asks_zip", "age_band": "asks_age_band", "income_band": "asks_income_band"}

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.contest = contest
        for name, attribute in self.ASKS.items():
            ask = getattr(contest, attribute)
            if ask == Contest.Ask.NO:
                del self.fields[name]
                continue
            required = ask == Contest.Ask.REQUIRED
            field = self.fields[name]
            field.required = required
            if isinstance(field, forms.ChoiceField):
                # The field's label says "(optional)" when it is (checkout/_field.html).
                blank = "Choose one" if required else "Prefer not to say"
                field.choices = [("", blank), *field.choices[1:]]

    @property
    def demographic_fields(self):
        return [self[name] for name in self.ASKS if name in self.fields]

    def clean_zip_code(self):
        raw = self.cleaned_data.get("zip_code", "").strip()
        return clean_zip(raw) if raw else ""

    def entry_values(self) -> dict:
        data = self.cleaned_data
        return {
            "email": data["email"],
            "zip_code": data.get("zip_code", ""),
            "age_band": data.get("age_band", ""),
            "income_band": data.get("income_band", ""),
            "vivre_mailings": data["vivre_mailings"],
            "partner_offers": data["partner_offers"],
        }


# --- staff ---------------------------------------------------------------------------


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


def _datetime_field(label: str, help_text: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=DateTimeLocalInput(),
        error_messages={"invalid": "Enter a date and time such as 2026-05-01 09:00."},
    )


def _ask_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Contest.Ask.choices,
        initial=Contest.Ask.NO,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the listed options."},
    )


class PromotionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.description}"


class ContestForm(CheckoutForm):
    """Create or edit a contest: what it is, when it runs, and which fields it asks."""

    title = forms.CharField(label="Title", max_length=120)
    slug = forms.SlugField(
        label="Web address",
        max_length=50,
        help_text="Letters, digits and hyphens: the page is /contests/<this>/.",
    )
    prize = forms.CharField(label="Prize", max_length=200)
    rules = forms.CharField(
        label="Rules",
        max_length=RULES_MAX_LENGTH,
        help_text="Plain text; blank lines start new paragraphs.",
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    opens_at = _datetime_field("Opens", "New York time.")
    closes_at = _datetime_field("Closes", "New York time; entries stop at this moment.")
    winners_wanted = forms.IntegerField(
        label="Number of winners",
        min_value=1,
        max_value=MAX_WINNERS,
        initial=1,
        error_messages={"invalid": "Enter a whole number."},
    )
    asks_zip = _ask_field("ZIP code")
    asks_age_band = _ask_field("Age band")
    asks_income_band = _ask_field("Income band")
    promotion = PromotionChoiceField(
        label="Promotion code for every entrant",
        queryset=Promotion.objects.order_by("code"),
        required=False,
        empty_label="None",
        help_text="Shown in the confirmation e-mail each entrant receives.",
        error_messages={"invalid_choice": "Choose one of the listed promotion codes."},
    )

    FIELDS = (
        "title", "slug", "prize", "rules", "opens_at", "closes_at", "winners_wanted",
        "asks_zip", "asks_age_band", "asks_income_band", "promotion",
    )  # fmt: skip

    def __init__(self, *args, instance: Contest | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: timezone.localtime(value) if name in ("opens_at", "closes_at") else value
                for name in self.FIELDS
                for value in [getattr(instance, name)]
            }
        super().__init__(*args, **kwargs)

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        taken = Contest.objects.filter(slug=slug)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("Another contest already has this web address.")
        return slug

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The contest must close after it opens.")
        return cleaned

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}
