"""The My Account forms: name and telephone, e-mail change, an address-book entry."""

from __future__ import annotations

from django import forms

from vivre.core.phone import format_phone

from .forms import AccountForm, AddressForm, PhoneFieldsMixin, phone_field
from .models import Address, User, normalize_email


class ProfileForm(PhoneFieldsMixin, AccountForm):
    """Name and telephone numbers (P4, P23): at least one number, stored in E.164."""

    full_name = forms.CharField(
        label="Name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    day_phone = phone_field("Daytime telephone")
    evening_phone = phone_field("Evening telephone")

    def __init__(self, *args, user: User, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "full_name": user.full_name,
                "day_phone": format_phone(user.day_phone),
                "evening_phone": format_phone(user.evening_phone),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["day_phone"].help_text = "Give us at least one number, daytime or evening."

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError("Enter your name.")
        return name

    def clean(self):
        cleaned = super().clean()
        self.require_a_phone(cleaned)
        return cleaned


class EmailChangeForm(AccountForm):
    """A new e-mail address, confirmed by the current password before a link is sent."""

    new_email = forms.EmailField(
        label="New e-mail address",
        max_length=254,
        help_text="We will send a link to this address; it changes when you open the link.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    current_password = forms.CharField(
        label="Current password",
        max_length=128,
        strip=False,
        help_text="So that nobody else can change your address from a computer you left signed in.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_new_email(self):
        email = normalize_email(self.cleaned_data["new_email"])
        if email == normalize_email(self.user.email):
            raise forms.ValidationError("That is already the address of your account.")
        return email

    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your current password.")
        return password


class AddressBookForm(AddressForm):
    """An address-book entry: the address, and whether it is a default."""

    default_shipping = forms.BooleanField(
        label="Use as my default shipping address", required=False
    )
    default_billing = forms.BooleanField(label="Use as my default billing address", required=False)

    @classmethod
    def initial_from(cls, address: Address | None) -> dict:
        initial = super().initial_from(address)
        if address is not None:
            initial["default_shipping"] = address.is_default_shipping
            initial["default_billing"] = address.is_default_billing
        return initial
