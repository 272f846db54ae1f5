"""Card key rotation (P7): every card re-keyed, old keys retired, nothing lost.

Runs on SQLite and on PostgreSQL::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vivre_vault \\
        .venv/bin/python -m pytest vivre/payments/tests/test_key_rotation.py
"""

import io
import json
import stat
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from vivre.accounts.models import User
from vivre.payments import saved_cards, vault
from vivre.payments.cards import CardDetails
from vivre.payments.gateway import BillingAddress
from vivre.payments.models import SavedCard
from vivre.payments.sandbox import SandboxProcessor
from vivre.privacy.models import AccessRecord

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P7")]

NUMBERS = ["4242424242424242", "5555555555554444", "378282246310005", "6011111111111117"]


@pytest.fixture(autouse=True)
def key_file(settings, tmp_path):
    path = tmp_path / "card_keys.json"
    settings.VIVRE = {**settings.VIVRE, "CARD_KEYS": "", "CARD_KEY_FILE": str(path)}
    return path


def use_keys(settings, ring_json: str) -> None:
    settings.VIVRE = {**settings.VIVRE, "CARD_KEYS": ring_json}


def cvv_for(number: str) -> str:
    return "1234" if number.startswith("3") else "123"


@pytest.fixture
def cards() -> dict:
    """Seven cards of three customers; returns {card id: number}."""
    saved = {}
    for i, email in enumerate(["ada@example.com", "grace@example.com", "edsger@example.com"]):
        customer = User.objects.create_user(email, "correct horse battery")
        for number in NUMBERS[: 3 - i] if i else NUMBERS:
            card = CardDetails(
                number=number, exp_month=11, exp_year=2031, cvv=cvv_for(number), name=""
            )
            saved[saved_cards.save_card(customer=customer, card=card).pk] = number
    return saved


def assert_every_card_charges(saved: dict) -> None:
    """Open every card as checkout would, and authorise it with the sandbox processor."""
    for card_id, number in saved.items():
        row = SavedCard.objects.get(pk=card_id)
        card = saved_cards.card_for_charge(saved_card=row, cvv=cvv_for(number), actor="test")
        assert card.number == number
        authorization = SandboxProcessor().authorize(
            card=card,
            amount=Decimal("120.00"),
            currency="USD",
            billing_address=BillingAddress(line1="11 Mercer Street", postal_code="10013"),
        )
        assert authorization.last4 == number[-4:]


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("rotate_card_keys", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_rotation_with_the_key_file_moves_every_card_and_retires_the_old_keys(
    settings, key_file, cards
):
    # given: seven cards under the first keys
    old = vault.load_keyring()
    old_ciphertexts = {c.pk: bytes(c.number_ciphertext) for c in SavedCard.objects.all()}
    # when: rotated in batches of two
    out, err = run("--batch-size", "2", "--grace", "0")
    # then: the file holds only the new keys, still private to its owner
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    new = json.loads(key_file.read_text())
    assert list(new["keys"]) == [new["active"]]
    assert list(new["fingerprint"]["keys"]) == [new["fingerprint"]["active"]]
    assert new["active"] not in old.kek.keys
    assert new["fingerprint"]["active"] not in old.fingerprint.keys
    assert "Re-keyed 7 card(s)" in err
    assert f"every card uses {new['active']}" in out
    # every row moved: new wrapped key and fingerprint, same number ciphertext
    for row in SavedCard.objects.all():
        assert row.kek_id == new["active"]
        assert row.fingerprint_key_id == new["fingerprint"]["active"]
        assert bytes(row.number_ciphertext) == old_ciphertexts[row.pk]
    # and with ONLY the new keys configured, every card still opens and charges
    use_keys(settings, key_file.read_text())
    assert_every_card_charges(cards)
    # while the old keys alone open nothing any more
    use_keys(settings, old.to_json())
    row = SavedCard.objects.first()
    with pytest.raises(vault.KeyMissing):
        saved_cards.card_for_charge(saved_card=row, cvv="123", actor="test")


def test_after_rotation_the_same_card_saved_again_is_still_found(key_file, cards):
    run("--grace", "0")
    ada = User.objects.get(email="ada@example.com")
    again = CardDetails(number=NUMBERS[0], exp_month=1, exp_year=2033, cvv="123", name="")
    saved = saved_cards.save_card(customer=ada, card=again)
    assert SavedCard.objects.filter(customer=ada).count() == len(NUMBERS)
    assert (saved.exp_month, saved.exp_year) == (1, 2033)


def test_a_card_saved_between_activation_and_re_keying_is_not_duplicated(settings, cards):
    # given: new keys active, cards not yet moved
    ring = vault.load_keyring().with_new_keys()
    use_keys(settings, ring.to_json())
    ada = User.objects.get(email="ada@example.com")
    # when: Ada saves a card she already had (its fingerprint is under the old key)
    again = CardDetails(number=NUMBERS[1], exp_month=2, exp_year=2034, cvv="123", name="")
    saved = saved_cards.save_card(customer=ada, card=again)
    # then: her existing row is found and updated
    assert saved.pk in cards
    assert saved.fingerprint_key_id != ring.fingerprint.active
    result = saved_cards.rekey_cards(keyring=ring)
    assert result == {"moved": 7, "duplicates_removed": 0, "failed": 0, "unknown_key": 0}


def test_rotation_with_keys_in_the_environment_takes_two_steps(settings, cards):
    # given: the keys come from VIVRE_CARD_KEYS
    first = vault.new_keyring(source="environment")
    use_keys(settings, first.to_json())
    SavedCard.objects.all().delete()
    ada = User.objects.create_user("ada2@example.com", "correct horse battery")
    saved = {}
    for number in NUMBERS:
        card = CardDetails(number=number, exp_month=5, exp_year=2030, cvv="123", name="")
        saved[saved_cards.save_card(customer=ada, card=card).pk] = number
    # when: step one proposes old and new keys together, and changes nothing yet
    proposed, note = run()
    assert "--rewrap" in note
    both = json.loads(proposed)
    assert set(first.kek.keys) < set(both["keys"])
    assert both["active"] not in first.kek.keys
    assert set(SavedCard.objects.values_list("kek_id", flat=True)) == {first.kek.active}
    # the operator installs it everywhere, then step two moves every card
    use_keys(settings, proposed)
    final, note = run("--rewrap", "--batch-size", "3")
    assert "may now be removed" in note
    only_new = json.loads(final)
    assert list(only_new["keys"]) == [both["active"]]
    # then: with only the new keys installed, every card opens and charges
    use_keys(settings, final)
    assert_every_card_charges(saved)


def test_rewrap_refuses_to_release_old_keys_while_a_card_still_needs_them(settings, cards):
    ring = vault.load_keyring().with_new_keys()
    use_keys(settings, ring.to_json())
    # a card that cannot be opened (its data key was damaged) stays on the old key
    row = SavedCard.objects.first()
    SavedCard.objects.filter(pk=row.pk).update(wrapped_key=b"\0" * 60)
    with pytest.raises(CommandError, match="1 card"):
        run("--rewrap")
    assert SavedCard.objects.filter(kek_id=ring.kek.active).count() == len(cards) - 1


def test_check_reports_how_many_cards_use_which_key(key_file, cards):
    ring = vault.load_keyring()
    out, _ = run("--check")
    assert f"{ring.kek.active}: 7 card(s) (active)" in out
    assert f"{ring.fingerprint.active}: 7 card(s) (active)" in out
    assert "Cards not yet on the active keys: 0" in out
    # nothing about any card's number or the key material
    for number in NUMBERS:
        assert number not in out
    assert ring.kek.as_json()["keys"][ring.kek.active] not in out


def test_rotation_records_each_fingerprint_renewal_as_a_read(cards):
    run("--grace", "0")
    records = AccessRecord.objects.filter(subject_type="payments.SavedCard")
    assert records.count() == len(cards)
    assert {r.actor_label for r in records} == {saved_cards.ROTATION_ACTOR}
    assert {r.purpose for r in records} == {"essential.service.payment_processing"}
