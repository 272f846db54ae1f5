"""Saved cards (P7): kept encrypted in the vault for later purchases, used only for billing.

A customer's card is saved only when they tick the box at checkout. The vault
(``vivre.payments.vault``) keeps the number encrypted; this module is the only
caller that opens it, through ``card_for_charge``, which records who read the
number and why in the access log before decrypting. Brand, last four digits and
expiry are all that is ever shown. The security code is never saved: it is typed
again for every charge (docs/decisions/0005-card-vault.md).
"""

from __future__ import annotations

import datetime
import logging
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from vivre.privacy.access import read_personal
from vivre.privacy.datamap import Use

from . import vault
from .cards import CardDetails, detect_brand, luhn_valid
from .models import SavedCard

logger = logging.getLogger(__name__)

ROTATION_ACTOR = "system: card key rotation"


def _context(card: SavedCard) -> str:
    # Binds both ciphertexts to this row and this customer: copied elsewhere, they fail.
    return f"saved-card:{card.pk}:{card.customer_id}"


def _sealed(card: SavedCard) -> vault.Sealed:
    return vault.Sealed(
        ciphertext=bytes(card.number_ciphertext),
        wrapped_key=bytes(card.wrapped_key),
        kek_id=card.kek_id,
    )


def _expired_q(today: datetime.date) -> Q:
    # A card works through the last day of its expiry month.
    return Q(exp_year__lt=today.year) | Q(exp_year=today.year, exp_month__lt=today.month)


@sensitive_variables("card", "number")
def _find_saved(customer, number: str, keyring: vault.KeyRing) -> SavedCard | None:
    """Return the customer's saved copy of ``number``, matched under any fingerprint key."""
    match = Q()
    for key_id, digest in vault.all_fingerprints(number, keyring=keyring).items():
        match |= Q(fingerprint_key_id=key_id, fingerprint=digest)
    return SavedCard.objects.filter(match, customer=customer).first()


def _update_expiry(saved: SavedCard, card: CardDetails) -> SavedCard:
    if (saved.exp_month, saved.exp_year) != (card.exp_month, card.exp_year):
        saved.exp_month, saved.exp_year = card.exp_month, card.exp_year
        saved.save(update_fields=["exp_month", "exp_year", "updated_at"])
    return saved


@sensitive_variables("card", "number")
def save_card(*, customer, card: CardDetails) -> SavedCard:
    """Keep ``card`` encrypted with the customer's account; return the saved card.

    The same number saved again by the same customer returns the existing row
    (found by its keyed fingerprint) with the new expiry. The CVV is not kept.
    Raises ``ValueError`` for a number that is not a valid card number.
    """
    number = card.number
    brand = detect_brand(number)
    if brand is None or not luhn_valid(number):
        raise ValueError("Only a valid card number can be saved.")
    keyring = vault.load_keyring()
    existing = _find_saved(customer, number, keyring)
    if existing is not None:
        return _update_expiry(existing, card)
    saved = SavedCard(
        id=uuid.uuid4(),
        customer=customer,
        brand=brand,
        last4=card.last4,
        exp_month=card.exp_month,
        exp_year=card.exp_year,
    )
    sealed = vault.seal(number, context=_context(saved), keyring=keyring)
    saved.number_ciphertext = sealed.ciphertext
    saved.wrapped_key = sealed.wrapped_key
    saved.kek_id = sealed.kek_id
    saved.fingerprint_key_id, saved.fingerprint = vault.fingerprint(number, keyring=keyring)
    try:
        with transaction.atomic():
            saved.save(force_insert=True)
    except IntegrityError:
        # The same card saved at the same moment from another tab: keep the first.
        existing = _find_saved(customer, number, keyring)
        if existing is None:
            raise
        return _update_expiry(existing, card)
    return saved


def cards_for(customer) -> list[SavedCard]:
    """Return all the customer's saved cards, newest first, expired ones included."""
    return list(SavedCard.objects.filter(customer=customer).order_by("-created_at", "-pk"))


def usable_cards(customer) -> list[SavedCard]:
    """Return the customer's cards not yet expired, newest first."""
    today = timezone.localdate()
    return list(
        SavedCard.objects.filter(customer=customer)
        .exclude(_expired_q(today))
        .order_by("-created_at", "-pk")
    )


def get_card(*, customer, card_id) -> SavedCard | None:
    """Return one of the customer's own saved cards, or None (also for a malformed id)."""
    try:
        return SavedCard.objects.filter(customer=customer, pk=card_id).first()
    except (ValidationError, ValueError, TypeError):
        return None


def delete_card(*, customer, card_id) -> bool:
    """Delete one of the customer's own saved cards; return False if they have no such card.

    Payments made with it keep their brand and last four digits.
    """
    try:
        deleted, _ = SavedCard.objects.filter(customer=customer, pk=card_id).delete()
    except (ValidationError, ValueError, TypeError):
        return False
    return deleted > 0


def expires_label(card: SavedCard) -> str:
    """Return the expiry as printed on the card: ``12/30``."""
    return f"{card.exp_month:02d}/{card.exp_year % 100:02d}"


def is_expired(card: SavedCard, *, today: datetime.date | None = None) -> bool:
    """Return True once the card's expiry month is over."""
    today = today or timezone.localdate()
    return (card.exp_year, card.exp_month) < (today.year, today.month)


@sensitive_variables("cvv", "number")
def card_for_charge(
    *, saved_card: SavedCard, cvv: str, actor, reason: str = "billing: charge an order"
) -> CardDetails:
    """Open a saved card for one charge and return it with the CVV typed now.

    The read is for billing only: it goes through ``read_personal`` with the
    payment purpose, which records ``actor`` (the customer paying, or a process
    label) and ``reason`` in the access log before the number is decrypted.
    Raises ``vault.KeyMissing`` if the card's key is no longer configured and
    ``vault.DecryptionFailed`` if the ciphertext does not open; both carry a
    ``message`` for the shopper. The CVV is only passed through, never stored.
    """
    keyring = vault.load_keyring()
    if not vault.has_kek(saved_card.kek_id, keyring):
        logger.warning(
            "Saved card %s: its key %s is not configured", saved_card.pk, saved_card.kek_id
        )
        raise vault.KeyMissing()
    ciphertext = read_personal(
        saved_card, "number_ciphertext", purpose=Use.PAYMENT, actor=actor, reason=reason
    )
    sealed = vault.Sealed(
        ciphertext=bytes(ciphertext),
        wrapped_key=bytes(saved_card.wrapped_key),
        kek_id=saved_card.kek_id,
    )
    try:
        number = vault.unseal(sealed, context=_context(saved_card), keyring=keyring)
    except vault.DecryptionFailed:
        logger.warning("Saved card %s does not decrypt under its key and row", saved_card.pk)
        raise
    # The name on the card is not kept; processors are not sent a name (P17).
    return CardDetails(
        number=number,
        exp_month=saved_card.exp_month,
        exp_year=saved_card.exp_year,
        cvv=cvv,
        name="",
    )


def purge_expired_cards(*, now: datetime.datetime | None = None) -> int:
    """Delete saved cards whose expiry month has passed (a retention rule); return how many.

    An expired card can never be charged again, so there is no reason to keep it.
    """
    today = timezone.localdate(now) if now else timezone.localdate()
    deleted, _ = SavedCard.objects.filter(_expired_q(today)).delete()
    return deleted


# --- Key rotation ----------------------------------------------------------------


def key_usage() -> dict[str, dict[str, int]]:
    """Return how many saved cards use each key-encryption key and each fingerprint key."""
    return {
        "kek": {
            row["kek_id"]: row["n"]
            for row in SavedCard.objects.values("kek_id").annotate(n=Count("id")).order_by()
        },
        "fingerprint": {
            row["fingerprint_key_id"]: row["n"]
            for row in SavedCard.objects.values("fingerprint_key_id")
            .annotate(n=Count("id"))
            .order_by()
        },
    }


def cards_needing_old_keys(keyring: vault.KeyRing) -> int:
    """Return how many saved cards still need a configured key that is not active.

    While this is above zero, no old key may be retired. (A card whose key is not
    configured at all can no longer be opened by any key and does not count.)
    """
    old_keks = [k for k in keyring.kek.keys if k != keyring.kek.active]
    old_fps = [k for k in keyring.fingerprint.keys if k != keyring.fingerprint.active]
    return SavedCard.objects.filter(
        Q(kek_id__in=old_keks) | Q(fingerprint_key_id__in=old_fps)
    ).count()


def cards_not_on_active_keys(keyring: vault.KeyRing) -> int:
    """Return how many saved cards still use a key other than the ring's active ones."""
    return (
        SavedCard.objects.exclude(kek_id=keyring.kek.active)
        | SavedCard.objects.exclude(fingerprint_key_id=keyring.fingerprint.active)
    ).count()


@sensitive_variables("number")
def _rekey(card: SavedCard, keyring: vault.KeyRing, actor: str) -> bool:
    """Move one card to the active keys; return False if it was a duplicate and removed."""
    context = _context(card)
    sealed = _sealed(card)
    if card.kek_id != keyring.kek.active:
        sealed = vault.rewrap(sealed, context=context, keyring=keyring)
        card.wrapped_key, card.kek_id = sealed.wrapped_key, sealed.kek_id
    if card.fingerprint_key_id != keyring.fingerprint.active:
        # A keyed fingerprint can only be renewed from the number: a recorded read.
        read_personal(
            card, "number_ciphertext", purpose=Use.PAYMENT, actor=actor,
            reason="card key rotation: renew the fingerprint",
        )  # fmt: skip
        number = vault.unseal(sealed, context=context, keyring=keyring)
        card.fingerprint_key_id, card.fingerprint = vault.fingerprint(number, keyring=keyring)
        duplicate = (
            SavedCard.objects.filter(customer_id=card.customer_id, fingerprint=card.fingerprint)
            .exclude(pk=card.pk)
            .exists()
        )
        if duplicate:
            # The same card was saved again under the new key while this ran.
            card.delete()
            return False
    card.save(update_fields=["wrapped_key", "kek_id", "fingerprint", "fingerprint_key_id"])
    return True


def rekey_cards(
    *, keyring: vault.KeyRing | None = None, batch_size: int = 200, actor: str = ROTATION_ACTOR
) -> dict:
    """Move every saved card to the ring's active KEK and fingerprint key, in batches.

    Each batch is one transaction with its rows locked, so a crash leaves every
    card readable under either its old or its new key. Cards whose KEK is not in
    the ring, or that do not decrypt, are left as they are and counted.
    """
    keyring = keyring or vault.load_keyring()
    stale = ~Q(kek_id=keyring.kek.active) | ~Q(fingerprint_key_id=keyring.fingerprint.active)
    moved = duplicates = 0
    failed: list = []
    while True:
        with transaction.atomic():
            batch = list(
                SavedCard.objects.select_for_update()
                .filter(stale, kek_id__in=list(keyring.kek.keys))
                .exclude(pk__in=failed)
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            for card in batch:
                try:
                    with transaction.atomic():
                        if _rekey(card, keyring, actor):
                            moved += 1
                        else:
                            duplicates += 1
                except vault.VaultError:
                    logger.error("Saved card %s could not be re-keyed", card.pk)
                    failed.append(card.pk)
    unknown_key = SavedCard.objects.exclude(kek_id__in=list(keyring.kek.keys)).count()
    return {
        "moved": moved,
        "duplicates_removed": duplicates,
        "failed": len(failed),
        "unknown_key": unknown_key,
    }
