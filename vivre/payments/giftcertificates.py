"""Gift certificates: issue, deliver, look up, redeem, reverse, on a double-entry ledger.

A certificate's balance is never stored: it is the sum of its ``certificate``
ledger entries, and every ledger transaction's entries sum to zero (checked
before anything is written). Money moves only under a row lock on the
certificate, so two checkouts spending one certificate at once cannot overspend.

The code exists in clear only in the e-mail to the recipient: the table keeps an
HMAC-SHA256 of it, keyed with ``SECRET_KEY``, and its last four characters.
Failed look-ups are throttled per IP address (P12).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from vivre.core.money import format_usd
from vivre.core.throttle import is_throttled, record_failure

from .models import GiftCertificate, LedgerEntry, LedgerTransaction

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# No 0/O or 1/I/L: what is read aloud or copied by hand comes out right.
# 31 symbols, 16 of them drawn: about 79 bits, far beyond guessing.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_PREFIX = "VIVR"
CODE_LENGTH = 16
GROUP = 4

LOOKUP_SCOPE = "gift-certificate"
LOOKUP_LIMIT = 10
LOOKUP_WINDOW = timedelta(hours=1)

UNKNOWN_CODE = (
    "We couldn’t find a gift certificate with that code. Please check it against the "
    "e-mail: it looks like VIVR-XXXX-XXXX-XXXX-XXXX."
)
TOO_MANY_ATTEMPTS = (
    "Too many attempts with codes we couldn’t find. Please wait an hour and try again, "
    "or call us and we will help."
)
VOID = "That gift certificate is no longer valid."
NOT_YET_ACTIVE = "That gift certificate is not active yet."
SPENT = "That gift certificate has been spent in full."


class GiftCertificateError(Exception):
    """A certificate that cannot be used, with a message fit for the customer."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


class UnbalancedTransaction(ValueError):
    """A ledger transaction whose entries do not sum to zero (a bug, never written)."""


# --- codes ---------------------------------------------------------------------------


def shop_today() -> date:
    """Return today's date in the shop's time zone."""
    return timezone.localdate(timezone=ZoneInfo(settings.TIME_ZONE))


def generate_code() -> str:
    """Return a new random code, grouped for reading: ``VIVR-7KQ2-MX9D-4HTP-R8WC``."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    groups = [body[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP)]
    return "-".join([CODE_PREFIX, *groups])


def normalize_code(raw: str) -> str:
    """Return a typed code as stored: upper case, no spaces or dashes, with its prefix."""
    compact = re.sub(r"[^0-9A-Za-z]", "", raw or "").upper()
    if len(compact) == CODE_LENGTH and not compact.startswith(CODE_PREFIX):
        compact = CODE_PREFIX + compact
    return compact


def _looks_like_code(normalized: str) -> bool:
    body = normalized.removeprefix(CODE_PREFIX)
    return (
        normalized.startswith(CODE_PREFIX)
        and len(body) == CODE_LENGTH
        and all(c in ALPHABET for c in body)
    )


def _hash_with(key: str, normalized: str) -> str:
    return hmac.new(key.encode(), normalized.encode(), hashlib.sha256).hexdigest()


def code_hash(code: str) -> str:
    """Return the keyed hash under which a code is stored (HMAC-SHA256, SECRET_KEY)."""
    return _hash_with(settings.SECRET_KEY, normalize_code(code))


def _candidate_hashes(normalized: str) -> list[str]:
    # A rotated SECRET_KEY stays in SECRET_KEY_FALLBACKS, so codes already sent still work.
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_hash_with(key, normalized) for key in keys]


# --- the ledger ----------------------------------------------------------------------


def balance(certificate: GiftCertificate) -> Decimal:
    """Return what is left on a certificate: the sum of its ledger entries."""
    total = LedgerEntry.objects.filter(
        account=LedgerEntry.Account.CERTIFICATE, certificate_id=certificate.pk
    ).aggregate(total=Sum("amount"))["total"]
    return (total or ZERO).quantize(CENT)


def _post(
    *,
    kind: str,
    order,
    entries: list[tuple[str, GiftCertificate | None, Decimal]],
) -> LedgerTransaction:
    """Write one ledger transaction; refuse it unless its entries sum to zero."""
    if sum((amount for _, _, amount in entries), ZERO) != ZERO:
        raise UnbalancedTransaction(f"A {kind} transaction must sum to zero.")
    if any(amount == ZERO for _, _, amount in entries):
        raise UnbalancedTransaction(f"A {kind} transaction has an empty entry.")
    with transaction.atomic():
        record = LedgerTransaction.objects.create(kind=kind, order=order)
        LedgerEntry.objects.bulk_create(
            LedgerEntry(transaction=record, account=account, certificate=certificate, amount=amount)
            for account, certificate, amount in entries
        )
    return record


def _money(amount) -> Decimal:
    """Return a positive amount in whole cents, or raise ValueError."""
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ValueError("Not an amount.") from error
    if not value.is_finite() or value <= 0 or value > Decimal("99999999.99"):
        raise ValueError("An amount must be positive.")
    if value != value.quantize(CENT):
        raise ValueError("An amount is in whole cents.")
    return value.quantize(CENT)


def _lock(certificate_id) -> GiftCertificate | None:
    return GiftCertificate.objects.select_for_update().filter(pk=certificate_id).first()


# --- look-up and redemption ----------------------------------------------------------


def look_up(code: str, *, ip: str | None) -> GiftCertificate:
    """Return the certificate with this code, whatever its state (for the balance page).

    Raises ``GiftCertificateError`` for an unknown code, counting it against the
    IP address, and once that address has used up its attempts (P12).
    """
    who = [ip or "unknown"]
    if is_throttled(scope=LOOKUP_SCOPE, values=who, limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW):
        raise GiftCertificateError(TOO_MANY_ATTEMPTS, code="throttled")
    normalized = normalize_code(code)
    certificate = None
    if _looks_like_code(normalized):
        certificate = GiftCertificate.objects.filter(
            code_hash__in=_candidate_hashes(normalized)
        ).first()
    if certificate is None:
        record_failure(scope=LOOKUP_SCOPE, values=who)
        raise GiftCertificateError(UNKNOWN_CODE, code="unknown")
    return certificate


def find_usable(code: str, *, ip: str | None) -> GiftCertificate:
    """Return the active certificate with this code and something left on it.

    Raises ``GiftCertificateError`` for an unknown, void, not yet delivered or
    spent certificate, and when the IP address is throttled.
    """
    certificate = look_up(code, ip=ip)
    if certificate.status == GiftCertificate.Status.VOID:
        raise GiftCertificateError(VOID, code="void")
    if certificate.status != GiftCertificate.Status.ACTIVE or certificate.delivered_at is None:
        raise GiftCertificateError(NOT_YET_ACTIVE, code="not_active")
    if balance(certificate) <= ZERO:
        raise GiftCertificateError(SPENT, code="spent")
    return certificate


def redeem(*, certificate_id, amount: Decimal, order) -> Decimal:
    """Spend up to ``amount`` of a certificate on ``order``; return what was taken.

    Call inside the order's transaction. The certificate row is locked first, so
    a second checkout spending it waits and then sees the lower balance. Takes
    ``min(amount, balance)``, 0 from an empty certificate; raises
    ``GiftCertificateError`` for a certificate that is void or not yet active.
    """
    wanted = Decimal(amount)
    if not wanted.is_finite() or wanted < 0:
        raise ValueError("The amount to redeem cannot be negative.")
    wanted = wanted.quantize(CENT)
    with transaction.atomic():
        certificate = _lock(certificate_id)
        if certificate is None or certificate.status == GiftCertificate.Status.VOID:
            raise GiftCertificateError(VOID, code="void")
        if certificate.status != GiftCertificate.Status.ACTIVE:
            raise GiftCertificateError(NOT_YET_ACTIVE, code="not_active")
        available = balance(certificate)
        taken = min(wanted, available)
        if taken <= ZERO:
            return ZERO
        _post(
            kind=LedgerTransaction.Kind.REDEEM,
            order=order,
            entries=[
                (LedgerEntry.Account.CERTIFICATE, certificate, -taken),
                (LedgerEntry.Account.ORDERS, None, taken),
            ],
        )
    return taken


# --- issuing and delivery ------------------------------------------------------------


def delivery_start(deliver_on: date) -> datetime:
    """Return the moment a delivery date begins in the shop's time zone."""
    return datetime.combine(deliver_on, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def schedule_delivery(certificate: GiftCertificate) -> None:
    """Queue the delivery task for the start of the delivery date, after commit."""
    from .gift_certificate_tasks import deliver_gift_certificate

    start = delivery_start(certificate.deliver_on)
    run_after = start if start > timezone.now() else None
    certificate_id = str(certificate.pk)

    def enqueue():
        task = deliver_gift_certificate.using(run_after=run_after) if run_after else None
        (task or deliver_gift_certificate).enqueue(certificate_id)

    transaction.on_commit(enqueue, robust=True)


def issue_for_order(*, order, items: Iterable) -> list[GiftCertificate]:
    """Create a scheduled certificate for each gift-certificate item of an order.

    Call inside the order's transaction, after payment is authorized. Each gets
    an "issue" ledger transaction (certificate +amount, sales -amount) and its
    delivery e-mail is queued for its delivery date once the order commits.
    """
    certificates = []
    with transaction.atomic():
        for item in items:
            amount = _money(item.amount)
            certificate = GiftCertificate.objects.create(
                kind=GiftCertificate.Kind.PURCHASED,
                status=GiftCertificate.Status.SCHEDULED,
                amount=amount,
                order=order,
                recipient_name=item.recipient_name,
                recipient_email=item.recipient_email,
                sender_name=item.sender_name,
                message=item.message,
                deliver_on=item.deliver_on,
            )
            _post(
                kind=LedgerTransaction.Kind.ISSUE,
                order=order,
                entries=[
                    (LedgerEntry.Account.CERTIFICATE, certificate, amount),
                    (LedgerEntry.Account.SALES, None, -amount),
                ],
            )
            schedule_delivery(certificate)
            certificates.append(certificate)
    return certificates


def _new_unique_code() -> str:
    while True:
        code = generate_code()
        if not GiftCertificate.objects.filter(code_hash=code_hash(code)).exists():
            return code


def _site_url() -> str:
    return settings.VIVRE.get("SITE_URL", "").rstrip("/")


def deliver_certificate(certificate_id) -> str:
    """Make a certificate's code, activate it and e-mail the code; return the outcome.

    One transaction under the certificate's row lock: a certificate already
    delivered (a retried task) gets no second code and no second e-mail. A void
    certificate is not delivered; one run before its date is queued again.
    """
    from django.urls import reverse

    from vivre.messaging.services import send_email

    with transaction.atomic():
        certificate = _lock(certificate_id)
        if certificate is None:
            return "missing"
        if certificate.delivered_at is not None:
            return "already_delivered"
        if certificate.status == GiftCertificate.Status.VOID:
            return "void"
        if certificate.deliver_on > shop_today():
            schedule_delivery(certificate)
            return "not_due"
        code = _new_unique_code()
        certificate.code_hash = code_hash(code)
        certificate.code_hint = normalize_code(code)[-4:]
        certificate.status = GiftCertificate.Status.ACTIVE
        certificate.delivered_at = timezone.now()
        certificate.save(
            update_fields=["code_hash", "code_hint", "status", "delivered_at", "updated_at"]
        )
        credit = certificate.kind == GiftCertificate.Kind.REFUND_CREDIT
        store = settings.VIVRE.get("STORE_NAME", "Vivre")
        if credit:
            subject = f"Your {store} refund, as gift-certificate credit"
        elif certificate.sender_name:
            subject = f"{certificate.sender_name} sent you a {store} gift certificate"
        else:
            subject = f"You have received a {store} gift certificate"
        site = _site_url()
        # Not linked to the order: the mail is the recipient's, not the buyer's,
        # and nothing listing an order's mail may show the code to anyone else.
        send_email(
            to=certificate.recipient_email,
            subject=subject,
            template="gift_certificate_credit" if credit else "gift_certificate_delivery",
            context={
                "code": code,
                "amount": format_usd(certificate.amount),
                "recipient_name": certificate.recipient_name,
                "sender_name": certificate.sender_name,
                "message": certificate.message,
                "order_number": certificate.order.number if certificate.order_id else "",
                "shop_url": f"{site}/" if site else "",
                "balance_url": f"{site}{reverse('gift_certificates:balance')}" if site else "",
            },
            kind="payments.gift_certificate",
            dedupe_key=f"payments.gift_certificate.delivery:{certificate.pk}",
        )
    return "delivered"


# --- cancellation and refunds --------------------------------------------------------


def reverse_for_order(*, order) -> None:
    """Undo an order's certificate money when it is cancelled before shipping.

    Each certificate that paid for the order gets back what the order took (a
    "reverse" transaction); certificates the order bought that were not yet
    delivered become void (a "void" transaction of what was left on them).
    Running it again changes nothing.
    """
    with transaction.atomic():
        spent = (
            LedgerEntry.objects.filter(
                account=LedgerEntry.Account.CERTIFICATE,
                transaction__order=order,
                transaction__kind__in=[
                    LedgerTransaction.Kind.REDEEM,
                    LedgerTransaction.Kind.REVERSE,
                ],
            )
            .values("certificate_id")
            .annotate(net=Sum("amount"))
            .order_by("certificate_id")
        )
        for row in spent:
            owed = -(row["net"] or ZERO)
            if owed <= ZERO:
                continue
            certificate = _lock(row["certificate_id"])
            _post(
                kind=LedgerTransaction.Kind.REVERSE,
                order=order,
                entries=[
                    (LedgerEntry.Account.CERTIFICATE, certificate, owed),
                    (LedgerEntry.Account.ORDERS, None, -owed),
                ],
            )
        bought = (
            GiftCertificate.objects.filter(
                order=order,
                kind=GiftCertificate.Kind.PURCHASED,
                delivered_at__isnull=True,
            )
            .exclude(status=GiftCertificate.Status.VOID)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for certificate_id in list(bought):
            certificate = _lock(certificate_id)
            # Delivered meanwhile: the recipient has the code, so it stays good.
            if certificate.delivered_at is not None:
                continue
            left = balance(certificate)
            if left > ZERO:
                _post(
                    kind=LedgerTransaction.Kind.VOID,
                    order=order,
                    entries=[
                        (LedgerEntry.Account.CERTIFICATE, certificate, -left),
                        (LedgerEntry.Account.SALES, None, left),
                    ],
                )
            certificate.status = GiftCertificate.Status.VOID
            certificate.save(update_fields=["status", "updated_at"])


def issue_credit(
    *, order, amount: Decimal, recipient_name: str, recipient_email: str
) -> GiftCertificate:
    """Give a refund as gift-certificate credit: active at once, its code e-mailed now.

    Call inside the refund's transaction; the e-mail leaves after commit.
    """
    value = _money(amount)
    with transaction.atomic():
        certificate = GiftCertificate.objects.create(
            kind=GiftCertificate.Kind.REFUND_CREDIT,
            status=GiftCertificate.Status.SCHEDULED,
            amount=value,
            order=order,
            recipient_name=recipient_name[:100],
            recipient_email=recipient_email,
            deliver_on=shop_today(),
        )
        _post(
            kind=LedgerTransaction.Kind.ISSUE,
            order=order,
            entries=[
                (LedgerEntry.Account.CERTIFICATE, certificate, value),
                (LedgerEntry.Account.REFUNDS, None, -value),
            ],
        )
        deliver_certificate(certificate.pk)
    certificate.refresh_from_db()
    return certificate


def deliver_due_certificates() -> int:
    """Deliver every certificate whose date has come but which is still scheduled.

    The delivery task is queued after the order commits; if that enqueue was lost
    (a crash in between), this sweep, run from cron, still gets the code out.
    Returns how many were delivered now.
    """
    due = GiftCertificate.objects.filter(
        status=GiftCertificate.Status.SCHEDULED,
        delivered_at__isnull=True,
        deliver_on__lte=shop_today(),
    ).values_list("pk", flat=True)
    return sum(1 for pk in list(due) if deliver_certificate(pk) == "delivered")
