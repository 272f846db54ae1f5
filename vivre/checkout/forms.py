"""The checkout forms. Each says what it collects and why (P3), and renders accessibly."""

from __future__ import annotations

import re

import phonenumbers
from django import forms
from django.forms.boundfield import BoundField
from localflavor.us.us_states import STATE_CHOICES

from vivre.core.money import format_usd
from vivre.payments.cards import (
    CardDetails,
    cvv_length,
    detect_brand,
    expiry_passed,
    luhn_valid,
    normalize_number,
)

from .models import ShippingMethod


class DescribedBoundField(BoundField):
    """Point ``aria-describedby`` at the help and error paragraphs of ``_field.html``."""

    @property
    def aria_describedby(self):
        if self.field.widget.attrs.get("aria-describedby") or not self.auto_id:
            return None
        ids = []
        if self.help_text:
            ids.append(f"{self.auto_id}-help")
        if self.errors:
            ids.append(f"{self.auto_id}-error")
        return " ".join(ids)


class CheckoutForm(forms.Form):
    bound_field_class = DescribedBoundField
    # Browsers check required fields too; the server has the last word.
    use_required_attribute = True


class TelInput(forms.TextInput):
    input_type = "tel"


class NeverRefilledInput(forms.TextInput):
    """A text input that never writes a submitted value back into the page (P7)."""

    def format_value(self, value):
        return None


def _text(label, autocomplete, *, max_length=100, required=True, **attrs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs={"autocomplete": autocomplete, **attrs}),
    )


ZIP_RE = re.compile(r"^(\d{5})(?:-?(\d{4}))?$")


def state_options() -> list[tuple[str, str]]:
    return [("", "Choose a state"), *STATE_CHOICES]


def _zip(label, autocomplete, *, required=True):
    return forms.CharField(
        label=label,
        max_length=10,
        required=required,
        help_text="5 digits, or ZIP+4.",
        widget=forms.TextInput(attrs={"autocomplete": autocomplete, "inputmode": "numeric"}),
    )


def _state(label, autocomplete, *, required=True):
    return forms.ChoiceField(
        label=label,
        choices=state_options,
        required=required,
        widget=forms.Select(attrs={"autocomplete": autocomplete}),
    )


def clean_zip(value: str) -> str:
    match = ZIP_RE.match(value.strip())
    if not match:
        raise forms.ValidationError("Enter a ZIP code such as 10013 or 10013-1234.")
    return f"{match[1]}-{match[2]}" if match[2] else match[1]


class ShippingMethodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DetailsForm(CheckoutForm):
    """Step 1: where the order goes, how to reach the shopper, and how to ship it.

    Collected at purchase (P3): the e-mail for order and shipping messages, the
    phone for care to resolve an order issue (P6), the addresses to ship to and
    to verify the card against.
    """

    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        help_text="For your order confirmation and shipping updates.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Phone",
        max_length=25,
        help_text="Only used if there is a question about your order.",
        widget=TelInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    ship_name = _text("Full name", "shipping name")
    ship_line1 = _text("Address", "shipping address-line1")
    ship_line2 = _text("Apartment, suite, floor", "shipping address-line2", required=False)
    ship_city = _text("City", "shipping address-level2", max_length=60)
    ship_state = _state("State", "shipping address-level1")
    ship_postal_code = _zip("ZIP code", "shipping postal-code")
    billing_same = forms.BooleanField(
        label="Billing address is the same as shipping", required=False, initial=True
    )
    bill_name = _text("Full name", "billing name", required=False)
    bill_line1 = _text("Address", "billing address-line1", required=False)
    bill_line2 = _text("Apartment, suite, floor", "billing address-line2", required=False)
    bill_city = _text("City", "billing address-level2", max_length=60, required=False)
    bill_state = _state("State", "billing address-level1", required=False)
    bill_postal_code = _zip("ZIP code", "billing postal-code", required=False)
    shipping_method = ShippingMethodChoiceField(
        label="Shipping method",
        queryset=ShippingMethod.objects.filter(active=True),
        to_field_name="code",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Please choose one of the shipping methods shown."},
    )
    # Offered to a signed-in customer only; the address is added when the order is placed.
    save_address = forms.BooleanField(label="Save this address to my address book", required=False)
    # P25, sending a gift: the shipping address is then the recipient's.
    is_gift = forms.BooleanField(
        label="This order is a gift",
        required=False,
        help_text="We ship to the recipient with a packing slip that shows no prices.",
    )
    gift_message = forms.CharField(
        label="Gift message",
        max_length=500,
        required=False,
        help_text="Up to 500 characters, printed on the packing slip.",
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 500}),
    )
    gift_wrap = forms.BooleanField(label="Gift wrap", required=False)

    BILLING_REQUIRED = ["bill_name", "bill_line1", "bill_city", "bill_state", "bill_postal_code"]
    SHIPPING_ONLY = [
        "ship_name", "ship_line1", "ship_line2", "ship_city", "ship_state", "ship_postal_code",
        "billing_same", "shipping_method", "save_address", "is_gift", "gift_message", "gift_wrap",
    ]  # fmt: skip

    def __init__(
        self,
        *args,
        offer_save_address: bool = False,
        certificates_only: bool = False,
        gift_wrap_charge=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.certificates_only = certificates_only
        if not offer_save_address:
            del self.fields["save_address"]
        if gift_wrap_charge is not None:
            self.fields["gift_wrap"].label = f"Gift wrap (+{format_usd(gift_wrap_charge)})"
        if certificates_only:
            # Gift certificates are e-mailed: no shipping address or method to ask for
            # (P3: only what the purchase needs). The card is checked against billing.
            for name in self.SHIPPING_ONLY:
                self.fields.pop(name, None)
            for name in self.BILLING_REQUIRED:
                self.fields[name].required = True
            return
        for name in self.BILLING_REQUIRED:
            # Needed unless the billing address is the shipping one: not "optional".
            self.fields[name].hide_optional = True

    def clean_phone(self):
        raw = self.cleaned_data["phone"]
        try:
            number = phonenumbers.parse(raw, "US")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(
                "Enter a phone number we can reach you on, such as 212 555 0148."
            )
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def clean_ship_postal_code(self):
        return clean_zip(self.cleaned_data["ship_postal_code"])

    def clean_bill_postal_code(self):
        value = self.cleaned_data["bill_postal_code"]
        return clean_zip(value) if value else value

    def clean_gift_message(self):
        # Kept as typed (markup is shown escaped); only surrounding blanks go.
        return self.cleaned_data["gift_message"].strip()

    def clean(self):
        cleaned = super().clean()
        if not self.certificates_only and not cleaned.get("is_gift"):
            # Not a gift: keep no message or wrap the shopper may have typed first.
            cleaned["gift_message"], cleaned["gift_wrap"] = "", False
        if self.certificates_only:
            cleaned["billing_same"] = False
        elif not cleaned.get("billing_same"):
            for name in self.BILLING_REQUIRED:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, "Please fill this in, or use the shipping address.")
        return cleaned


MONTH_YEAR = re.compile(r"^\s*(\d{1,2})\s*/?\s*(\d{2}|\d{4})\s*$")


NEW_CARD = "new"
CARD_FIELDS = ("card_number", "expiry", "cvv", "name_on_card")
REQUIRED = "This field is required."


def saved_card_label(card) -> str:
    """Return how a saved card is shown: brand, last four and expiry, nothing more (P7)."""
    return (
        f"{card.get_brand_display()} •••• {card.last4}, "
        f"expires {card.exp_month:02d}/{card.exp_year % 100:02d}"
    )


class PaymentForm(CheckoutForm):
    """Step 2: the card, for this payment only, or one of the customer's saved cards.

    The card fields never render a submitted value, so a page re-shown after an
    error cannot carry the number (docs/decisions/0001-card-data-at-checkout.md).
    A saved card needs only its security code, typed now and never kept (P7).
    No card at all is needed when gift certificates pay for the whole order.
    """

    payment_choice = forms.ChoiceField(
        label="Pay with",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Please choose one of your saved cards or a new card."},
    )
    saved_cvv = forms.CharField(
        label="Security code of the saved card",
        max_length=4,
        required=False,
        help_text="Asked each time; we never keep it.",
        widget=NeverRefilledInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )
    card_number = forms.CharField(
        label="Card number",
        max_length=23,
        widget=NeverRefilledInput(
            attrs={"autocomplete": "cc-number", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    expiry = forms.CharField(
        label="Expiry date",
        max_length=7,
        help_text="MM/YY",
        widget=NeverRefilledInput(attrs={"autocomplete": "cc-exp", "inputmode": "numeric"}),
    )
    cvv = forms.CharField(
        label="Security code",
        min_length=3,
        max_length=4,
        help_text="3 digits on the back; 4 on the front of an American Express card.",
        widget=NeverRefilledInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )
    name_on_card = forms.CharField(
        label="Name on card",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "cc-name"}),
    )
    # Opt-in, offered to a signed-in customer paying with a new card (P7).
    save_card = forms.BooleanField(
        label="Save this card for next time",
        required=False,
        help_text="Kept encrypted with your account; the security code never is.",
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    basket = forms.CharField(max_length=4000, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        saved_cards=(),
        offer_save_card: bool = False,
        card_required: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.saved_cards = {str(card.pk): card for card in saved_cards}
        self.card_required = card_required
        if self.saved_cards:
            self.fields["payment_choice"].choices = [
                *((pk, saved_card_label(card)) for pk, card in self.saved_cards.items()),
                (NEW_CARD, "A new card"),
            ]
            self.fields["payment_choice"].initial = next(iter(self.saved_cards))
        else:
            del self.fields["payment_choice"]
            del self.fields["saved_cvv"]
        if not offer_save_card:
            del self.fields["save_card"]
        if self.saved_cards or not card_required:
            # Which fields are needed depends on the choice; clean() decides.
            for name in CARD_FIELDS:
                self.fields[name].required = False
                self.fields[name].hide_optional = True
        if "saved_cvv" in self.fields:
            # Needed whenever a saved card is chosen: not "optional".
            self.fields["saved_cvv"].hide_optional = True

    def _blank(self, name: str) -> bool:
        return not self.fields[name].required and not self.cleaned_data.get(name)

    def clean_card_number(self):
        if self._blank("card_number"):
            return ""
        number = normalize_number(self.cleaned_data["card_number"])
        if not number.isdigit() or not 12 <= len(number) <= 19:
            raise forms.ValidationError("Enter the long number on the front of your card.")
        if detect_brand(number) is None:
            raise forms.ValidationError(
                "We accept Visa, Mastercard, American Express and Discover."
            )
        if not luhn_valid(number):
            raise forms.ValidationError("That card number isn't valid. Please check it.")
        return number

    def clean_expiry(self):
        if self._blank("expiry"):
            return None
        match = MONTH_YEAR.match(self.cleaned_data["expiry"])
        month = int(match[1]) if match else 0
        if not match or not 1 <= month <= 12:
            raise forms.ValidationError("Enter the expiry date as MM/YY, such as 08/29.")
        year = int(match[2])
        year = year + 2000 if year < 100 else year
        if expiry_passed(month, year):
            raise forms.ValidationError("This card has expired. Please use another card.")
        return (month, year)

    def clean_cvv(self):
        if self._blank("cvv"):
            return ""
        cvv = self.cleaned_data["cvv"].strip()
        if not cvv.isdigit():
            raise forms.ValidationError("Enter the 3 or 4 digit security code.")
        return cvv

    def _drop_errors(self, names) -> None:
        for name in names:
            self.errors.pop(name, None)
            self.cleaned_data.pop(name, None)

    def _require(self, names) -> None:
        for name in names:
            if name not in self.errors and not self.cleaned_data.get(name):
                self.add_error(name, REQUIRED)

    def clean(self):
        cleaned = super().clean()
        if "idempotency_key" in self.errors or "basket" in self.errors:
            self.errors.pop("idempotency_key", None)
            self.errors.pop("basket", None)
            raise forms.ValidationError(
                "This page was out of date. Please check your order and place it again."
            )
        if not self.card_required:
            # Gift certificates pay for everything: whatever was typed is not used.
            self._drop_errors((*CARD_FIELDS, "payment_choice", "saved_cvv", "save_card"))
            return self.cleaned_data
        saved = self.chosen_saved_card()
        if self.saved_cards and not cleaned.get("payment_choice"):
            if "payment_choice" not in self.errors:
                self.add_error(
                    "payment_choice", "Please choose one of your saved cards or a new card."
                )
            return self.cleaned_data
        if saved is not None:
            self._drop_errors((*CARD_FIELDS, "save_card"))
            cvv = (cleaned.get("saved_cvv") or "").strip()
            wanted = cvv_length(saved.brand)
            if not cvv.isdigit() or len(cvv) != wanted:
                self.add_error("saved_cvv", f"Enter the {wanted} digit security code of this card.")
            else:
                cleaned["saved_cvv"] = cvv
            return self.cleaned_data
        self._drop_errors(("saved_cvv",))
        self._require(CARD_FIELDS)
        number, cvv = cleaned.get("card_number"), cleaned.get("cvv")
        if number and cvv and "cvv" not in self.errors:
            wanted = cvv_length(detect_brand(number))
            if len(cvv) != wanted:
                self.add_error("cvv", f"Enter the {wanted} digit security code of this card.")
        return self.cleaned_data

    def chosen_saved_card(self):
        """Return the customer's saved card chosen on the form, or None for a new card."""
        choice = getattr(self, "cleaned_data", {}).get("payment_choice")
        return self.saved_cards.get(choice) if choice and choice != NEW_CARD else None

    def card(self) -> CardDetails | None:
        """Return a new card typed on the form as an in-memory ``CardDetails``, or None.

        None when a saved card was chosen or no card is needed.
        """
        if not self.card_required or self.chosen_saved_card() is not None:
            return None
        month, year = self.cleaned_data["expiry"]
        return CardDetails(
            number=self.cleaned_data["card_number"],
            exp_month=month,
            exp_year=year,
            cvv=self.cleaned_data["cvv"],
            name=self.cleaned_data["name_on_card"],
        )


class GiftCertificateCodeForm(CheckoutForm):
    """The review step's "Have a gift certificate?": a code to apply to this order."""

    # Browsers must not block "Place order" because this separate form is empty.
    use_required_attribute = False

    code = forms.CharField(
        label="Gift certificate code",
        max_length=40,
        help_text="As printed in the e-mail, with or without the dashes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


class PromotionCodeForm(CheckoutForm):
    """The review step's "Have a promotion code?": one code to take money off the goods."""

    # Browsers must not block "Place order" because this separate form is empty.
    use_required_attribute = False

    promotion_code = forms.CharField(
        label="Promotion code",
        max_length=40,
        help_text="From one of our e-mails or a contest; upper or lower case.",
        error_messages={"required": "Enter a promotion code."},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
