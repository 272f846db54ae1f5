"""Registration (P4, P22): create an unconfirmed account, confirm it by e-mail.

The public form never reveals whether an address already has an account (OWASP's
advice on account enumeration): every valid submission ends on the same page, and
what differs happens only in the mailbox of the address given.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from vivre.messaging.services import send_email
from vivre.orders.models import Order
from vivre.privacy.consent import Channel, Purpose, record_consent, subject_key_for_customer

from .models import Address, User, normalize_email
from .services import policy_version

ADDRESS_FIELDS = ["name", "line1", "line2", "city", "state", "postal_code"]


class ConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for the "confirm your e-mail" link.

    The hash covers the password hash, ``is_active`` and the last sign-in, so a link
    works once (confirming activates and signs in) and a later registration with new
    details (a new password) kills every older link.
    """

    key_salt = "vivre.accounts.registration.ConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        last_login = (
            "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None)
        )
        return f"{user.pk}{user.password}{user.is_active}{last_login}{timestamp}{user.email}"


confirmation_tokens = ConfirmationTokenGenerator()


@dataclass
class Registration:
    """What the registration form (or the offer after checkout) collected."""

    full_name: str
    email: str
    password: str
    shipping: dict
    # None: the billing address is the shipping address.
    billing: dict | None = None
    day_phone: str = ""
    evening_phone: str = ""
    vivre_mailings: bool = False
    partner_offers: bool = False
    channel: str = Channel.REGISTRATION


class Outcome(Enum):
    """What happened; for tests and logs only, never shown to the visitor."""

    CREATED = "created"
    REPLACED = "replaced"  # an unconfirmed account got the new details
    EXISTS = "exists"  # an active account has the address: nothing changed


@dataclass
class RegistrationResult:
    outcome: Outcome
    user: User | None = None
    messages: list = field(default_factory=list)


def uid_for(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_from_uid(uidb64: str, *, lock: bool = False) -> User | None:
    """Return the account a link's ``uidb64`` names, or None for garbage."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    users = User.objects.select_for_update() if lock else User.objects
    return users.filter(pk=pk).first()


def confirmation_link(*, user: User, base_url: str) -> str:
    path = reverse(
        "accounts:confirm",
        kwargs={"uidb64": uid_for(user), "token": confirmation_tokens.make_token(user)},
    )
    return f"{base_url}{path}"


def _is_unconfirmed(user: User) -> bool:
    # An account that was never confirmed has never signed in; one that was active
    # and has been switched off by staff is not up for grabs by a new registration.
    return not user.is_active and user.last_login is None and not user.is_staff


def _hour_key() -> str:
    return timezone.now().strftime("%Y%m%d%H")


def _send_confirmation(*, user: User, base_url: str) -> None:
    send_email(
        to=user.email,
        subject="Confirm your e-mail address for Vivre",
        template="account_confirm",
        context={
            "name": user.get_short_name(),
            "confirm_url": confirmation_link(user=user, base_url=base_url),
            "hours": 24,
        },
        kind="account.confirm",
        # Each registration is one event; a resend is another.
        dedupe_key=f"account.confirm:{user.pk}:{uuid.uuid4()}",
    )


def _send_already_registered(*, user: User, base_url: str) -> None:
    send_email(
        to=user.email,
        subject="Someone tried to register with your e-mail address",
        template="account_exists",
        context={
            "name": user.get_short_name(),
            "sign_in_url": f"{base_url}{reverse('accounts:sign_in')}",
            "reset_url": f"{base_url}{reverse('accounts:password_reset')}",
        },
        kind="account.register_attempt",
        # At most one such warning an hour, however often the form is sent.
        dedupe_key=f"account.register_attempt:{user.pk}:{_hour_key()}",
    )


def _save_addresses(*, user: User, shipping: dict, billing: dict | None) -> None:
    user.addresses.all().delete()
    same = billing is None or _address_key(billing) == _address_key(shipping)
    Address.objects.create(
        user=user, is_default_shipping=True, is_default_billing=same, **_only(shipping)
    )
    if not same:
        Address.objects.create(user=user, is_default_billing=True, **_only(billing))


def _only(values: dict) -> dict:
    return {name: values.get(name) or "" for name in ADDRESS_FIELDS}


def _address_key(values: dict) -> tuple:
    return tuple((values.get(name) or "").strip().lower() for name in ADDRESS_FIELDS)


def _record_choices(*, user: User, data: Registration) -> None:
    version = policy_version()
    for purpose, granted in (
        (Purpose.VIVRE_MAILINGS, data.vivre_mailings),
        (Purpose.PARTNER_OFFERS, data.partner_offers),
    ):
        record_consent(
            subject_key=subject_key_for_customer(user.pk),
            purpose=purpose,
            granted=granted,
            channel=data.channel,
            recorded_by="self",
            policy_version=version,
        )


def register(*, data: Registration, base_url: str, warn_owner: bool = True) -> RegistrationResult:
    """Register a customer: an inactive account, its addresses and choices, and a link.

    - New address: an inactive account with the password, the address book (default
      shipping and billing) and both P22 choices in the consent ledger; a
      confirmation link is e-mailed.
    - An unconfirmed account has the address: it takes the new details, password and
      addresses (so its older links stop working) and a fresh link is e-mailed.
    - An active account has it: nothing is created or changed; its owner is told,
      at most once an hour, that someone tried to register with their address
      (unless ``warn_owner`` is False: the caller tells them something better).

    One transaction: an error leaves no account, address or consent behind.
    """
    email = normalize_email(data.email)
    try:
        with transaction.atomic():
            return _register(data=data, email=email, base_url=base_url, warn_owner=warn_owner)
    except IntegrityError:
        # The same address registered a moment ago, in a parallel request: the same
        # answer as for any existing account, and nothing of this one is kept.
        return RegistrationResult(outcome=Outcome.EXISTS)


def _register(*, data: Registration, email: str, base_url: str, warn_owner: bool):
    existing = User.objects.select_for_update().filter(email=email).first()
    if existing is not None and not _is_unconfirmed(existing):
        if existing.is_active and warn_owner:
            _send_already_registered(user=existing, base_url=base_url)
        return RegistrationResult(outcome=Outcome.EXISTS, user=existing)
    user = existing or User(email=email, is_active=False)
    user.full_name = data.full_name
    user.day_phone = data.day_phone
    user.evening_phone = data.evening_phone
    user.is_active = False
    # Unconfirmed accounts are forgotten some days after this (see below).
    user.date_joined = timezone.now()
    user.set_password(data.password)
    user.save()
    _save_addresses(user=user, shipping=data.shipping, billing=data.billing)
    _record_choices(user=user, data=data)
    _send_confirmation(user=user, base_url=base_url)
    return RegistrationResult(outcome=Outcome.REPLACED if existing else Outcome.CREATED, user=user)


def resend_confirmation(*, email: str, base_url: str) -> None:
    """E-mail a fresh confirmation link if an unconfirmed account has ``email``.

    For any other address nothing happens; the visitor sees the same page either way.
    """
    user = User.objects.filter(email=normalize_email(email)).first()
    if user is not None and _is_unconfirmed(user):
        with transaction.atomic():
            _send_confirmation(user=user, base_url=base_url)


def check_confirmation(*, uidb64: str, token: str) -> User | None:
    """Return the unconfirmed account a confirmation link is for, or None if it is dead."""
    user = user_from_uid(uidb64)
    if user is None or not _is_unconfirmed(user):
        return None
    if not confirmation_tokens.check_token(user, token):
        return None
    return user


def confirm_account(*, uidb64: str, token: str) -> User | None:
    """Activate the account a live confirmation link is for; None if the link is dead."""
    with transaction.atomic():
        user = user_from_uid(uidb64, lock=True)
        if user is None or not _is_unconfirmed(user):
            return None
        if not confirmation_tokens.check_token(user, token):
            return None
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


# --- an account after checkout -------------------------------------------------------


def registration_from_order(
    *, order: Order, password: str, vivre_mailings: bool, partner_offers: bool
) -> Registration:
    """Return what the order already told us, as a registration (name from its billing)."""
    shipping = {name: getattr(order.shipping_address, name) for name in ADDRESS_FIELDS}
    billing = {name: getattr(order.billing_address, name) for name in ADDRESS_FIELDS}
    return Registration(
        full_name=order.billing_address.name,
        email=order.email,
        password=password,
        shipping=shipping,
        billing=None if _address_key(billing) == _address_key(shipping) else billing,
        day_phone=order.phone,
        vivre_mailings=vivre_mailings,
        partner_offers=partner_offers,
        # The choices are made on the order's thank-you page: a registration form.
        channel=Channel.REGISTRATION,
    )


def register_from_order(
    *, order: Order, password: str, vivre_mailings: bool, partner_offers: bool, base_url: str
) -> RegistrationResult:
    """Save a guest's order details as an account and attach the order to it.

    Registers exactly like the form (inactive until the e-mailed link is used). If an
    active account already has the order's e-mail, the order joins that account (it
    was placed with that verified address, whose owner gets its mails anyway) and the
    owner is told by e-mail; the visitor sees the same page either way.
    """
    data = registration_from_order(
        order=order,
        password=password,
        vivre_mailings=vivre_mailings,
        partner_offers=partner_offers,
    )
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        result = register(data=data, base_url=base_url, warn_owner=False)
        user = result.user
        if user is None:
            return result
        # A switched-off account does not collect orders.
        attach = result.outcome != Outcome.EXISTS or user.is_active
        if attach and order.customer_id in (None, user.pk):
            first_time = order.customer_id is None
            order.customer = user
            order.save(update_fields=["customer", "updated_at"])
            if result.outcome == Outcome.EXISTS and first_time:
                send_email(
                    to=user.email,
                    subject=f"Your order {order.number} is now in your Vivre account",
                    template="account_order_added",
                    context={
                        "name": user.get_short_name(),
                        "order_number": order.number,
                        "orders_url": f"{base_url}{reverse('accounts:orders')}",
                    },
                    kind="account.order_added",
                    dedupe_key=f"account.order_added:{order.pk}",
                    order_id=order.pk,
                )
    return result


# --- passwords -----------------------------------------------------------------------


def password_reset_link(*, user: User, base_url: str) -> str:
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": uid_for(user), "token": default_token_generator.make_token(user)},
    )
    return f"{base_url}{path}"


def send_password_reset(*, user: User, base_url: str) -> None:
    """E-mail ``user`` a link to choose a new password (through the outbox)."""
    with transaction.atomic():
        send_email(
            to=user.email,
            subject="Choose a new password for Vivre",
            template="account_password_reset",
            context={
                "name": user.get_short_name(),
                "reset_url": password_reset_link(user=user, base_url=base_url),
                "hours": 24,
            },
            kind="account.password_reset",
            dedupe_key=f"account.password_reset:{user.pk}:{uuid.uuid4()}",
        )


def send_password_changed(*, user: User, base_url: str) -> None:
    """Tell ``user`` their password was changed, with what to do if it was not them."""
    send_email(
        to=user.email,
        subject="Your Vivre password was changed",
        template="account_password_changed",
        context={
            "name": user.get_short_name(),
            "reset_url": f"{base_url}{reverse('accounts:password_reset')}",
        },
        kind="account.password_changed",
        dedupe_key=f"account.password_changed:{user.pk}:{uuid.uuid4()}",
    )


def forget_unconfirmed_accounts(*, now=None) -> int:
    """Delete accounts never confirmed within ``UNCONFIRMED_ACCOUNT_DAYS`` (a retention rule).

    Someone typed these details but never proved the address was theirs, so they are
    not erased like a customer's (that would touch guest orders placed with the
    address): the account and what hangs on it go; an order it claimed stays a
    guest order. Returns how many accounts were deleted.
    """
    days = settings.VIVRE.get("UNCONFIRMED_ACCOUNT_DAYS", 7)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    stale = User.objects.filter(
        is_active=False, last_login__isnull=True, is_staff=False, date_joined__lt=cutoff
    )
    _, per_model = stale.delete()
    return per_model.get(User._meta.label, 0)
