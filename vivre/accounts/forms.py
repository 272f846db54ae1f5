"""Form pieces every account page shares: phone numbers and the address form."""

from __future__ import annotations

import phonenumbers
from django import forms

from vivre.checkout.forms import CheckoutForm, TelInput, clean_zip, state_options

from .models import Address


class AccountForm(CheckoutForm):
    """Base of the account forms: accessible fields (``checkout/_field.html``)."""


def clean_phone(raw: str) -> str:
    """Return a US-or-international number in E.164, or raise a field error."""
    try:
        number = phonenumbers.parse(raw, "US")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise forms.ValidationError("Enter a telephone number such as 212 555 0148.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_field(label: str, autocomplete: str = "tel", *, required: bool = False):
    return forms.CharField(
        label=label,
        max_length=25,
        required=required,
        widget=TelInput(attrs={"autocomplete": autocomplete, "inputmode": "tel"}),
    )


class PhoneFieldsMixin:
    """Day and evening numbers, each optional, at least one required (P4)."""

    def clean_day_phone(self):
        raw = self.cleaned_data.get("day_phone", "").strip()
        return clean_phone(raw) if raw else ""

    def clean_evening_phone(self):
        raw = self.cleaned_data.get("evening_phone", "").strip()
        return clean_phone(raw) if raw else ""

    def require_a_phone(self, cleaned):
        if (
            not cleaned.get("day_phone")
            and not cleaned.get("evening_phone")
            and "day_phone" not in self.errors
            and "evening_phone" not in self.errors
        ):
            self.add_error("day_phone", "Give us at least one number: daytime or evening.")


class AddressForm(AccountForm):
    """One US postal address. ``prefix`` tells a shipping form from a billing one."""

    name = forms.CharField(
        label="Full name", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    line1 = forms.CharField(
        label="Address",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    line2 = forms.CharField(
        label="Apartment, suite, floor",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label="City",
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    state = forms.ChoiceField(
        label="State",
        choices=state_options,
        widget=forms.Select(attrs={"autocomplete": "address-level1"}),
    )
    postal_code = forms.CharField(
        label="ZIP code",
        max_length=10,
        help_text="5 digits, or ZIP+4.",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )

    FIELDS = ["name", "line1", "line2", "city", "state", "postal_code"]

    def __init__(self, *args, section: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if section:
            # "shipping address-line1", so browsers fill the right address.
            for field in self.fields.values():
                auto = field.widget.attrs.get("autocomplete")
                if auto:
                    field.widget.attrs["autocomplete"] = f"{section} {auto}"

    def clean_postal_code(self):
        return clean_zip(self.cleaned_data["postal_code"])

    def address_values(self) -> dict:
        """Return the cleaned values as ``Address`` field values."""
        return {name: self.cleaned_data[name] for name in self.FIELDS}

    @classmethod
    def initial_from(cls, address: Address | None) -> dict:
        if address is None:
            return {}
        return {name: getattr(address, name) for name in cls.FIELDS}
