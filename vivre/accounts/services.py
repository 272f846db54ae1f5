"""My Account rules: name and telephone, the address book, e-mail change, preferences.

Each function changes one customer's own data in one transaction; views parse the
input, call one of these, and render the result (P23: the My Account channel).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from vivre.core.throttle import record_failure
from vivre.messaging.services import send_email
from vivre.privacy.consent import Channel, Purpose, record_consent, subject_key_for_customer
from vivre.privacy.models import ConsentRecord

from .models import Address, User, normalize_email

#: Enough for family, friends and offices; a longer list is more likely an abuse.
MAX_ADDRESSES = 20
EMAIL_CHANGE_SALT = "vivre.accounts.email_change"
#: Throttle scope shared by wrong passwords and sent requests on the e-mail form.
EMAIL_CHANGE_SCOPE = "email-change"


class AccountErrorCode(Enum):
    TOO_MANY_ADDRESSES = "too_many_addresses"
    LINK_INVALID = "link_invalid"
    LINK_EXPIRED = "link_expired"
    LINK_USED = "link_used"
    LINK_FOR_ANOTHER_ACCOUNT = "link_for_another_account"
    EMAIL_TAKEN = "email_taken"
    UNKNOWN_PURPOSE = "unknown_purpose"


class AccountError(Exception):
    """A My Account change that cannot be made; ``message`` is written for the customer."""

    def __init__(self, code: AccountErrorCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# --- name and telephone ---------------------------------------------------------


def update_profile(*, user: User, full_name: str, day_phone: str, evening_phone: str) -> User:
    """Save the customer's name and telephone numbers (E.164, at least one; P4, P23)."""
    user.full_name = full_name
    user.day_phone = day_phone
    user.evening_phone = evening_phone
    user.save(update_fields=["full_name", "day_phone", "evening_phone"])
    return user


# --- address book ---------------------------------------------------------------


def _lock_address_book(user: User) -> None:
    # Locking the owner's row serializes concurrent edits of one address book, so
    # the cap and the "one default each" rule hold under double submits.
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


def _clear_defaults(user: User, *, shipping: bool, billing: bool, keep: int | None = None):
    others = Address.objects.filter(user=user).exclude(pk=keep)
    if shipping:
        others.filter(is_default_shipping=True).update(is_default_shipping=False)
    if billing:
        others.filter(is_default_billing=True).update(is_default_billing=False)


def add_address(
    *, user: User, values: dict, default_shipping: bool = False, default_billing: bool = False
) -> Address:
    """Add an address to the customer's book, optionally as a default.

    The first address becomes both defaults. Raises ``AccountError`` when the
    book already holds ``MAX_ADDRESSES``; then nothing is saved.
    """
    with transaction.atomic():
        _lock_address_book(user)
        count = Address.objects.filter(user=user).count()
        if count >= MAX_ADDRESSES:
            raise AccountError(
                AccountErrorCode.TOO_MANY_ADDRESSES,
                f"Your address book holds {MAX_ADDRESSES} addresses, the most it can keep. "
                "Delete one you no longer use, then add the new one.",
            )
        if count == 0:
            default_shipping = default_billing = True
        # Clear the old default first: the unique constraints allow one at a time.
        _clear_defaults(user, shipping=default_shipping, billing=default_billing)
        return Address.objects.create(
            user=user,
            is_default_shipping=default_shipping,
            is_default_billing=default_billing,
            **values,
        )


def update_address(
    *, address: Address, values: dict, default_shipping: bool, default_billing: bool
) -> Address:
    """Change an address and its default marks (an unticked box clears that default)."""
    with transaction.atomic():
        _lock_address_book(address.user)
        _clear_defaults(
            address.user, shipping=default_shipping, billing=default_billing, keep=address.pk
        )
        for name, value in values.items():
            setattr(address, name, value)
        address.is_default_shipping = default_shipping
        address.is_default_billing = default_billing
        address.save()
    return address


def delete_address(*, address: Address) -> None:
    """Delete an address; a default it held passes to the oldest remaining address.

    Orders keep their own copies of addresses, so deleting one never changes an order.
    """
    user = address.user
    with transaction.atomic():
        _lock_address_book(user)
        was_shipping, was_billing = address.is_default_shipping, address.is_default_billing
        address.delete()
        successor = Address.objects.filter(user=user).order_by("created_at", "id").first()
        if successor is not None and (was_shipping or was_billing):
            successor.is_default_shipping = successor.is_default_shipping or was_shipping
            successor.is_default_billing = successor.is_default_billing or was_billing
            successor.save(update_fields=["is_default_shipping", "is_default_billing"])


def set_default_address(*, address: Address, kind: str) -> Address:
    """Make ``address`` the default for ``kind`` ("shipping" or "billing").

    The old default is cleared before the new one is set, in one transaction, so
    the one-default-each constraint is never violated and never left with none.
    """
    if kind not in ("shipping", "billing"):
        raise ValueError(f"Unknown default kind {kind!r}")
    field = f"is_default_{kind}"
    with transaction.atomic():
        _lock_address_book(address.user)
        _clear_defaults(
            address.user,
            shipping=kind == "shipping",
            billing=kind == "billing",
            keep=address.pk,
        )
        setattr(address, field, True)
        address.save(update_fields=[field])
    return address


# --- e-mail change ---------------------------------------------------------------


@dataclass(frozen=True)
class EmailChange:
    """What a valid confirmation link asks for."""

    user_id: int
    new_email: str


def _email_fingerprint(user: User) -> str:
    # Changes when the e-mail is changed (the link is used) or the password is
    # (a customer who secures a taken-over account kills pending links too).
    return salted_hmac(
        EMAIL_CHANGE_SALT, f"{user.pk}:{user.email}:{user.password}", algorithm="sha256"
    ).hexdigest()[:32]


def make_email_change_token(*, user: User, new_email: str) -> str:
    """Return the signed token of the link that confirms ``new_email`` for ``user``."""
    return signing.dumps(
        {"u": user.pk, "e": normalize_email(new_email), "f": _email_fingerprint(user)},
        salt=EMAIL_CHANGE_SALT,
    )


def read_email_change_token(token: str) -> tuple[EmailChange, str]:
    """Return the change a link asks for and its fingerprint; raise ``AccountError``
    for a tampered or expired link (links last ``PASSWORD_RESET_TIMEOUT`` seconds)."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=settings.PASSWORD_RESET_TIMEOUT)
    except signing.SignatureExpired as error:
        raise AccountError(
            AccountErrorCode.LINK_EXPIRED,
            "This link has expired. Ask for a new one from the e-mail page of your account.",
        ) from error
    except signing.BadSignature as error:
        raise AccountError(
            AccountErrorCode.LINK_INVALID,
            "This link is not valid. Please use the whole link from the e-mail, "
            "or ask for a new one.",
        ) from error
    try:
        return EmailChange(user_id=int(data["u"]), new_email=str(data["e"])), str(data["f"])
    except (KeyError, TypeError, ValueError) as error:
        raise AccountError(AccountErrorCode.LINK_INVALID, "This link is not valid.") from error


def mask_email(email: str) -> str:
    """Return ``a•••@example.com``: enough to recognise an address, not to harvest it."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def request_email_change(*, user: User, new_email: str, confirm_url: Callable[[str], str]) -> None:
    """E-mail a confirmation link to ``new_email``; nothing changes until it is opened.

    ``confirm_url`` turns a token into the absolute link. If the address already
    belongs to another account, the new address is told so instead of getting a
    link, and the caller shows the same page either way: the form must not reveal
    who is a customer. The current address always hears that a change was asked for.
    """
    new_email = normalize_email(new_email)
    token = make_email_change_token(user=user, new_email=new_email)
    key = hashlib.sha256(token.encode()).hexdigest()[:40]
    taken = User.objects.filter(email=new_email).exclude(pk=user.pk).exists()
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    with transaction.atomic():
        if taken:
            send_email(
                to=new_email,
                subject="This address already has a Vivre account",
                template="account_email_change_taken",
                context={},
                kind="accounts.email_change.taken",
                dedupe_key=f"accounts.email_change.taken:{key}",
            )
        else:
            send_email(
                to=new_email,
                subject="Confirm your new e-mail address",
                template="account_email_change_confirm",
                context={"name": user.full_name, "confirm_url": confirm_url(token), "hours": hours},
                kind="accounts.email_change.confirm",
                dedupe_key=f"accounts.email_change.confirm:{key}",
            )
        send_email(
            to=user.email,
            subject="A change of your e-mail address was requested",
            template="account_email_change_requested",
            context={"name": user.full_name, "hours": hours},
            kind="accounts.email_change.requested",
            dedupe_key=f"accounts.email_change.requested:{key}",
        )
        # Counts toward the form's limit, so it cannot be used to flood a mailbox.
        record_failure(scope=EMAIL_CHANGE_SCOPE, values=[str(user.pk)])


def check_email_change(*, user: User, token: str) -> EmailChange:
    """Return the change a link asks for if ``user`` may apply it now; else raise.

    Raises ``AccountError``: tampered or expired link, a link of another account,
    a link already used (or made before the e-mail or password changed), or an
    address that meanwhile belongs to another account.
    """
    change, fingerprint = read_email_change_token(token)
    if change.user_id != user.pk:
        raise AccountError(
            AccountErrorCode.LINK_FOR_ANOTHER_ACCOUNT,
            "This link belongs to a different Vivre account. Sign out, then sign in with "
            "the account that asked for the change and open the link again.",
        )
    if fingerprint != _email_fingerprint(user):
        raise AccountError(
            AccountErrorCode.LINK_USED,
            "This link has already been used, or a newer change was made since it was "
            "sent. Your account keeps the address it has now.",
        )
    if User.objects.filter(email=change.new_email).exclude(pk=user.pk).exists():
        raise AccountError(
            AccountErrorCode.EMAIL_TAKEN,
            "This address cannot be used for your account. Please choose another.",
        )
    return change


def confirm_email_change(*, user: User, token: str) -> User:
    """Apply the change a confirmation link asks for, and tell the old address.

    Raises ``AccountError`` as ``check_email_change`` does; then nothing changes.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        change = check_email_change(user=user, token=token)
        old_email = user.email
        user.email = change.new_email
        try:
            with transaction.atomic():
                user.save(update_fields=["email"])
        except IntegrityError as error:  # registered between the check and the save
            raise AccountError(
                AccountErrorCode.EMAIL_TAKEN,
                "This address cannot be used for your account. Please choose another.",
            ) from error
        send_email(
            to=old_email,
            subject="Your e-mail address was changed",
            template="account_email_change_done",
            context={"name": user.full_name, "masked_email": mask_email(change.new_email)},
            kind="accounts.email_change.done",
            dedupe_key=f"accounts.email_change.done:{hashlib.sha256(token.encode()).hexdigest()[:40]}",
        )
    return user


# --- communication preferences ---------------------------------------------------


def policy_version() -> str:
    """Return the privacy policy's revision date as stored with each choice, or ""."""
    from vivre.storefront.service import privacy_policy_revised

    revised = privacy_policy_revised()
    return revised.isoformat() if revised else ""


def change_preference(*, user: User, purpose: str, granted: bool) -> ConsentRecord:
    """Record the customer's own choice for one purpose (P16, P22, P23).

    Appends to the consent ledger on the My Account channel; the newest choice is
    the preference from now on, honoured by every later send.
    """
    if purpose not in Purpose.values:
        raise AccountError(AccountErrorCode.UNKNOWN_PURPOSE, "There is no such choice.")
    return record_consent(
        subject_key=subject_key_for_customer(user.pk),
        purpose=purpose,
        granted=granted,
        channel=Channel.MY_ACCOUNT,
        recorded_by="self",
        policy_version=policy_version(),
    )
