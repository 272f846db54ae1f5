"""Forms for registering, signing in and passwords. Each says what it collects and why (P3)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm

from vivre.checkout.forms import DescribedBoundField

from .forms import AccountForm, AddressForm, PhoneFieldsMixin, phone_field
from .models import User, normalize_email
from .registration import Registration

# Longer than any passphrase; a megabyte of "password" would only cost hashing time.
PASSWORD_MAX_LENGTH = 128
# Advice shown under the field (Django's own help text is HTML, our fields show text).
PASSWORD_HELP = "At least 10 characters; not only digits, not a common password, and not too close to your name or e-mail. A few unrelated words make a good one."  # noqa: E501, S105
SIGN_IN_ERROR = "The e-mail or password is not right."


def password_field(label: str, autocomplete: str = "new-password", help_text: str = ""):
    return forms.CharField(
        label=label,
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


def mailing_choice():
    return forms.BooleanField(
        label="Send me news and offers from Vivre",
        required=False,
        initial=False,
        help_text="New collections, events and offers, now and then. Change your mind at "
        "any time in My Account or with the link in every mailing.",
    )


def partner_choice():
    return forms.BooleanField(
        label="Send me offers from Vivre's partners",
        required=False,
        initial=False,
        help_text="Vivre sends these itself: our partners never receive your address or "
        "any other detail of yours.",
    )


class NewPasswordMixin:
    """A password and its confirmation, checked with Django's validators (P12)."""

    def check_new_password(self, cleaned, *, user: User) -> None:
        password = cleaned.get("password1")
        confirm = cleaned.get("password2")
        if password and confirm and password != confirm:
            self.add_error("password2", "The two passwords do not match.")
            return
        if password:
            try:
                password_validation.validate_password(password, user=user)
            except forms.ValidationError as error:
                self.add_error("password1", error)


class RegistrationForm(NewPasswordMixin, PhoneFieldsMixin, AccountForm):
    """The registration form (P4): exactly name, e-mail, password, addresses, phones,
    and the two choices of P22, both unticked."""

    full_name = forms.CharField(
        label="Full name",
        max_length=100,
        help_text="How we address you, in e-mails and when you call us.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        help_text="You sign in with it; we send your order and account messages to it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = password_field("Password", help_text=PASSWORD_HELP)
    password2 = password_field("Confirm password")
    day_phone = phone_field("Daytime telephone", "tel")
    evening_phone = phone_field("Evening telephone", "tel")
    billing_same = forms.BooleanField(
        label="Billing address is the same as shipping", required=False, initial=True
    )
    vivre_mailings = mailing_choice()
    partner_offers = partner_choice()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("day_phone", "evening_phone"):
            # Neither is optional on its own: at least one of the two is needed.
            self.fields[name].hide_optional = True
        self.fields["day_phone"].help_text = (
            "At least one number, daytime or evening: only used if there is a question "
            "about an order."
        )

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        self.require_a_phone(cleaned)
        candidate = User(email=cleaned.get("email") or "", full_name=cleaned.get("full_name") or "")
        self.check_new_password(cleaned, user=candidate)
        return cleaned


class RegistrationForms:
    """The registration page: the account form plus a shipping and a billing address.

    The billing address is only required (and only validated) when "same as
    shipping" is unticked.
    """

    def __init__(self, data=None):
        self.account = RegistrationForm(data)
        self.shipping = AddressForm(data, prefix="ship", section="shipping")
        self.billing = AddressForm(data, prefix="bill", section="billing")

    @property
    def billing_needed(self) -> bool:
        if not self.account.is_bound:
            return False
        return "billing_same" not in self.account.data

    def is_valid(self) -> bool:
        forms_to_check = [self.account, self.shipping]
        if self.billing_needed:
            forms_to_check.append(self.billing)
        # Validate every form (no short-circuit), so that all errors show at once.
        results = [form.is_valid() for form in forms_to_check]
        return all(results)

    @property
    def error_count(self) -> int:
        count = len(self.account.errors) + len(self.shipping.errors)
        if self.billing_needed:
            count += len(self.billing.errors)
        return count

    def registration(self) -> Registration:
        data = self.account.cleaned_data
        return Registration(
            full_name=data["full_name"],
            email=data["email"],
            password=data["password1"],
            shipping=self.shipping.address_values(),
            billing=self.billing.address_values() if self.billing_needed else None,
            day_phone=data["day_phone"],
            evening_phone=data["evening_phone"],
            vivre_mailings=data["vivre_mailings"],
            partner_offers=data["partner_offers"],
        )


class AccountFromOrderForm(NewPasswordMixin, AccountForm):
    """After checkout: a password and the two choices; the rest comes from the order."""

    password1 = password_field("Choose a password", help_text=PASSWORD_HELP)
    password2 = password_field("Confirm password")
    vivre_mailings = mailing_choice()
    partner_offers = partner_choice()

    def __init__(self, *args, order, **kwargs):
        self.order = order
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        candidate = User(email=self.order.email, full_name=self.order.billing_address.name)
        self.check_new_password(cleaned, user=candidate)
        return cleaned


class ResendConfirmationForm(AccountForm):
    """Ask for a new "confirm your e-mail" link."""

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The address you registered with.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SignInForm(AccountForm):
    """E-mail and password (P12), and the two remember-me choices (P21).

    The e-mail field is called ``username`` so that django-axes, which copies the
    POST data of a failed sign-in, masks it like the password.
    """

    username = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    remember_email = forms.BooleanField(
        label="Remember me on this device",
        required=False,
        help_text="We fill in your e-mail address next time. Never your password.",
    )
    keep_signed_in = forms.BooleanField(
        label="Keep me signed in on this device",
        required=False,
        help_text="Only on a device nobody else uses. Sign out or forget the device "
        "in My Account at any time.",
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("username")
        password = cleaned.get("password")
        if email and password:
            # Through authenticate(), so that django-axes counts the failures.
            self.user = authenticate(self.request, username=email, password=password)
            if self.user is None:
                raise forms.ValidationError(SIGN_IN_ERROR, code="invalid_login")
        if cleaned.get("keep_signed_in"):
            # Keeping someone signed in remembers who they are.
            cleaned["remember_email"] = True
        return cleaned


class VivrePasswordChangeForm(PasswordChangeForm):
    """Django's password change, with bounded fields and plain-text help."""

    bound_field_class = DescribedBoundField
    old_password = password_field("Current password", "current-password")
    new_password1 = password_field("New password", help_text=PASSWORD_HELP)
    new_password2 = password_field("Confirm new password")


class VivreSetPasswordForm(SetPasswordForm):
    """Choose a new password from a reset link."""

    bound_field_class = DescribedBoundField
    new_password1 = password_field("New password", help_text=PASSWORD_HELP)
    new_password2 = password_field("Confirm new password")


class VivrePasswordResetForm(PasswordResetForm):
    """Ask for a reset link. The mail goes through the outbox, never Django's direct send."""

    bound_field_class = DescribedBoundField
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The address you sign in with.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def save(self, *, base_url: str, **kwargs) -> int:
        """E-mail a reset link to the active account with this address; return how many."""
        from .registration import send_password_reset

        sent = 0
        for user in self.get_users(normalize_email(self.cleaned_data["email"])):
            send_password_reset(user=user, base_url=base_url)
            sent += 1
        return sent

    def send_mail(self, *args, **kwargs):  # pragma: no cover - save() never calls it
        raise NotImplementedError("Vivre's mail goes through vivre.messaging.send_email.")
