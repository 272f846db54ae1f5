"""Forms for buying a gift certificate and checking its balance. Each says what it
collects and why (P3)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings

from vivre.checkout.forms import CheckoutForm
from vivre.core.money import format_usd

from .giftcertificates import shop_today

OTHER = "other"
SUGGESTED = (Decimal("50"), Decimal("100"), Decimal("150"), Decimal("250"), Decimal("500"))
# A year ahead at most: far enough for any birthday, near enough to be remembered.
LATEST_DELIVERY = timedelta(days=365)


def limits() -> tuple[Decimal, Decimal]:
    vivre = settings.VIVRE
    return vivre["GIFT_CERTIFICATE_MIN"], vivre["GIFT_CERTIFICATE_MAX"]


def suggested_amounts() -> list[Decimal]:
    """Return the amounts offered as one click, those within the allowed range."""
    low, high = limits()
    return [amount for amount in SUGGESTED if low <= amount <= high]


def _amount_choices() -> list[tuple[str, str]]:
    choices = [(str(a), format_usd(a).removesuffix(".00")) for a in suggested_amounts()]
    return [*choices, (OTHER, "Another amount")]


def parse_amount(raw: str) -> Decimal:
    """Return a typed dollar amount within the allowed range, or raise a field error."""
    low, high = limits()
    text = (raw or "").strip().replace(",", "").removeprefix("$").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise forms.ValidationError("Enter an amount in dollars, such as 75 or 75.50.")
    if value < low:
        raise forms.ValidationError(f"The smallest gift certificate is {format_usd(low)}.")
    if value > high:
        raise forms.ValidationError(f"The largest gift certificate is {format_usd(high)}.")
    if value != value.quantize(Decimal("0.01")):
        raise forms.ValidationError("Enter whole dollars, or dollars and cents.")
    return value.quantize(Decimal("0.01"))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class GiftCertificateForm(CheckoutForm):
    """A gift certificate for someone: its value, whom it is for, and when it arrives.

    Collected at gift-certificate purchase (P3): the recipient's name and e-mail,
    only to send them the certificate on the chosen date; the giver's name and a
    message, only to show in that e-mail. The recipient is added to no list.
    """

    amount_choice = forms.ChoiceField(
        label="Amount",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose an amount.",
            "invalid_choice": "Please choose an amount.",
        },
    )
    other_amount = forms.CharField(
        label="Amount in dollars",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    recipient_name = forms.CharField(
        label="Recipient’s name",
        max_length=100,
        help_text="Used to greet them in the e-mail with the certificate.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    recipient_email = forms.EmailField(
        label="Recipient’s e-mail",
        max_length=254,
        help_text="We send the certificate here, and nothing else, ever.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    sender_name = forms.CharField(
        label="Your name",
        max_length=100,
        required=False,
        help_text="Shown in the e-mail, so they know whom it is from.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    message = forms.CharField(
        label="Your message",
        max_length=500,
        required=False,
        help_text="Up to 500 characters, shown in the e-mail.",
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 500}),
    )
    deliver_on = forms.DateField(
        label="Send it on",
        help_text="Today, or any day in the coming year. It is e-mailed early that morning.",
        widget=DateInput(),
        error_messages={"invalid": "Enter a date such as 2026-12-24."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        low, high = limits()
        self.fields["amount_choice"].choices = _amount_choices()
        other = self.fields["other_amount"]
        other.help_text = (
            f"For another amount: from {format_usd(low)} to {format_usd(high)}, "
            "in dollars and cents."
        )
        # Needed exactly when "Another amount" is chosen, so not marked optional.
        other.hide_optional = True
        today = shop_today()
        self.fields["deliver_on"].widget.attrs.update(
            {"min": today.isoformat(), "max": (today + LATEST_DELIVERY).isoformat()}
        )
        if not self.is_bound:
            self.initial.setdefault("deliver_on", today)
            amounts = suggested_amounts()
            self.initial.setdefault("amount_choice", str(amounts[1]) if amounts[1:] else OTHER)

    def clean_deliver_on(self) -> date:
        value = self.cleaned_data["deliver_on"]
        today = shop_today()
        if value < today:
            raise forms.ValidationError("Choose today or a day to come.")
        if value > today + LATEST_DELIVERY:
            raise forms.ValidationError("Choose a day within the coming year.")
        return value

    def clean(self):
        data = super().clean()
        choice = data.get("amount_choice")
        if choice == OTHER:
            if "other_amount" not in data:
                pass  # already refused (too long)
            elif not data["other_amount"].strip():
                self.add_error("other_amount", "Please enter the amount you would like.")
            else:
                try:
                    data["amount"] = parse_amount(data["other_amount"])
                except forms.ValidationError as error:
                    self.add_error("other_amount", error)
        elif choice:
            data["amount"] = parse_amount(choice)
        return data


class BalanceForm(CheckoutForm):
    """A gift certificate's code, to show what is left on it; nothing else is asked."""

    code = forms.CharField(
        label="Gift certificate code",
        max_length=40,
        help_text="In the e-mail with the certificate, for example VIVR-7KQ2-MX9D-4HTP-R8WC.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
