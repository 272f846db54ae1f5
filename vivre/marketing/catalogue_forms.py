"""The catalogue request form (P8, P22) and the staff's postal opt-out form (P16, P23)."""

from __future__ import annotations

from django import forms

from vivre.accounts.forms import AddressForm


class CatalogueRequestForm(AddressForm):
    """A name and a US postal address, and the choice about further mailings: nothing else.

    Any other posted field (an e-mail, a phone, an income) is not a field of this
    form, so it is never read, let alone stored.
    """

    further_mailings = forms.BooleanField(
        label="Send me future catalogues and mailings from Vivre by post",
        required=False,
        initial=False,
        help_text="Optional. Leave it unticked and we use your address for this catalogue "
        "only. You can change your mind at any time by calling or writing to us.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, section="shipping", **kwargs)
        self.fields["name"].help_text = "As it should appear on the envelope."


class PostalOptOutForm(AddressForm):
    """The name and address a person asked, by letter or phone, to be taken off the list."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = "Exactly as on the catalogue's envelope."
        for field in self.fields.values():
            field.widget.attrs["autocomplete"] = "off"
