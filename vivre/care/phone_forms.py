"""The form care staff fill in when a caller asks to stop mailings (P16, P23)."""

from __future__ import annotations

from django import forms

from vivre.checkout.forms import CheckoutForm
from vivre.privacy.consent import Purpose

BOTH = "both"
MAILINGS = {
    Purpose.VIVRE_MAILINGS: (Purpose.VIVRE_MAILINGS,),
    Purpose.PARTNER_OFFERS: (Purpose.PARTNER_OFFERS,),
    BOTH: (Purpose.VIVRE_MAILINGS, Purpose.PARTNER_OFFERS),
}


class PhoneOptOutForm(CheckoutForm):
    email = forms.EmailField(
        label="The caller's e-mail address",
        max_length=254,
        help_text="The address of their account, or the one on their order.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": "Enter the caller's e-mail address.",
            "invalid": "Enter an e-mail address such as name@example.com.",
            "max_length": "An e-mail address has at most 254 characters.",
        },
    )
    mailings = forms.ChoiceField(
        label="Which mailings to stop",
        choices=[
            (BOTH, "Both: news and offers from Vivre, and partners' offers"),
            (Purpose.VIVRE_MAILINGS, "News and offers from Vivre only"),
            (Purpose.PARTNER_OFFERS, "Partners' offers (sent by Vivre) only"),
        ],
        initial=BOTH,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which mailings to stop.",
            "invalid_choice": "Choose which mailings to stop.",
        },
    )

    def purposes(self) -> tuple[str, ...]:
        return MAILINGS[self.cleaned_data["mailings"]]
