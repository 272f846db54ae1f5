"""The card vault (P7): envelope encryption, keys outside the database, rows bound to their keys."""

import base64
import hashlib
import json
import stat

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from vivre.accounts.models import User
from vivre.payments import saved_cards, vault
from vivre.payments.cards import CardDetails
from vivre.payments.models import SavedCard
from vivre.privacy.models import AccessRecord

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P7")]

NUMBER = "4242424242424242"


@pytest.fixture(autouse=True)
def key_file(settings, tmp_path):
    """Each test gets its own key file, generated on first use."""
    path = tmp_path / "keys" / "card_keys.json"
    settings.VIVRE = {**settings.VIVRE, "CARD_KEYS": "", "CARD_KEY_FILE": str(path)}
    return path


@pytest.fixture
def ada():
    return User.objects.create_user("ada@example.com", "correct horse battery", full_name="Ada")


@pytest.fixture
def grace():
    return User.objects.create_user("grace@example.com", "correct horse battery", full_name="Grace")


def card(number=NUMBER, month=12, year=2030, cvv="123") -> CardDetails:
    return CardDetails(number=number, exp_month=month, exp_year=year, cvv=cvv, name="Ada Lovelace")


def test_a_saved_card_round_trips_through_the_vault(ada):
    # given
    saved = saved_cards.save_card(customer=ada, card=card())
    # when
    fresh = SavedCard.objects.get(pk=saved.pk)
    opened = saved_cards.card_for_charge(saved_card=fresh, cvv="987", actor=ada)
    # then
    assert opened.number == NUMBER
    assert (opened.exp_month, opened.exp_year) == (12, 2030)
    assert opened.cvv == "987"
    assert (fresh.brand, fresh.last4) == ("visa", "4242")


def database_text() -> str:
    """Every row of every table, as Python reprs (bytes columns included, undecoded)."""
    quote = connection.ops.quote_name
    out = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
            out.append(f"{table}: {cursor.fetchall()!r}")
    return "\n".join(out)


def test_the_database_holds_neither_the_number_nor_its_digits(ada):
    # given
    saved_cards.save_card(customer=ada, card=card(cvv="735"))
    row = SavedCard.objects.get()
    # then: the ciphertext is opaque bytes, not the number in any encoding
    for blob in (bytes(row.number_ciphertext), bytes(row.wrapped_key)):
        assert NUMBER.encode() not in blob
        assert NUMBER[:-4].encode() not in blob
        assert NUMBER.encode("utf-16-le") not in blob
        assert base64.b64encode(NUMBER.encode()) not in blob
    assert len(row.number_ciphertext) == 12 + len(NUMBER) + 16  # nonce + ciphertext + GCM tag
    # and no table holds the number or its first twelve digits
    text = database_text()
    assert NUMBER not in text
    assert NUMBER[:12] not in text


def test_no_model_has_a_place_for_a_security_code():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            name = field.name.lower()
            assert not any(w in name for w in ("cvv", "cvc", "security_code")), model


def test_two_saves_of_one_number_never_share_a_ciphertext_or_data_key(ada, grace):
    first = saved_cards.save_card(customer=ada, card=card())
    second = saved_cards.save_card(customer=grace, card=card())
    assert bytes(first.number_ciphertext) != bytes(second.number_ciphertext)
    assert bytes(first.wrapped_key) != bytes(second.wrapped_key)


def test_a_ciphertext_moved_to_another_row_does_not_decrypt(ada, grace):
    # given: two customers' cards
    adas = saved_cards.save_card(customer=ada, card=card())
    graces = saved_cards.save_card(customer=grace, card=card("5555555555554444"))
    # when: someone with database access copies Grace's ciphertexts into Ada's row
    SavedCard.objects.filter(pk=adas.pk).update(
        number_ciphertext=graces.number_ciphertext,
        wrapped_key=graces.wrapped_key,
        kek_id=graces.kek_id,
    )
    # then: the row's associated data no longer matches; nothing is charged
    with pytest.raises(vault.DecryptionFailed):
        saved_cards.card_for_charge(
            saved_card=SavedCard.objects.get(pk=adas.pk), cvv="123", actor=ada
        )
    # and only the ciphertext moved (data key left in place) fails too
    adas2 = saved_cards.save_card(customer=ada, card=card("378282246310005"))
    SavedCard.objects.filter(pk=adas2.pk).update(number_ciphertext=graces.number_ciphertext)
    with pytest.raises(vault.DecryptionFailed):
        saved_cards.card_for_charge(
            saved_card=SavedCard.objects.get(pk=adas2.pk), cvv="1234", actor=ada
        )


def test_a_row_moved_to_another_customer_does_not_decrypt(ada, grace):
    saved = saved_cards.save_card(customer=ada, card=card())
    SavedCard.objects.filter(pk=saved.pk).update(customer=grace)
    with pytest.raises(vault.DecryptionFailed):
        saved_cards.card_for_charge(
            saved_card=SavedCard.objects.get(pk=saved.pk), cvv="123", actor=grace
        )


def test_an_altered_ciphertext_does_not_decrypt(ada):
    saved = saved_cards.save_card(customer=ada, card=card())
    blob = bytearray(saved.number_ciphertext)
    blob[15] ^= 1
    SavedCard.objects.filter(pk=saved.pk).update(number_ciphertext=bytes(blob))
    with pytest.raises(vault.DecryptionFailed):
        saved_cards.card_for_charge(
            saved_card=SavedCard.objects.get(pk=saved.pk), cvv="123", actor=ada
        )


def test_the_fingerprint_is_keyed_not_a_plain_hash(ada, grace):
    saved = saved_cards.save_card(customer=ada, card=card())
    plain = {
        hashlib.sha256(NUMBER.encode()).hexdigest(),
        hashlib.sha256(f"{NUMBER}\n".encode()).hexdigest(),
        hashlib.sha512(NUMBER.encode()).hexdigest()[:64],
        hashlib.md5(NUMBER.encode()).hexdigest(),  # noqa: S324
    }
    assert saved.fingerprint not in plain
    assert len(saved.fingerprint) == 64
    # the same number under another fingerprint key gives another fingerprint
    other = vault.new_keyring()
    assert vault.fingerprint(NUMBER, keyring=other)[1] != saved.fingerprint


def test_the_local_key_file_is_generated_once_readable_by_its_owner_only(ada, key_file):
    assert not key_file.exists()
    saved_cards.save_card(customer=ada, card=card())
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    data = json.loads(key_file.read_text())
    assert data["active"] in data["keys"]
    assert len(base64.b64decode(data["keys"][data["active"]])) == 32
    assert data["fingerprint"]["active"] in data["fingerprint"]["keys"]
    assert data["fingerprint"]["active"] != data["active"]
    before = key_file.read_text()
    saved_cards.save_card(customer=ada, card=card("5555555555554444"))
    assert key_file.read_text() == before


def test_keys_in_the_environment_win_over_the_file(settings, ada, key_file):
    ring = vault.new_keyring()
    settings.VIVRE = {**settings.VIVRE, "CARD_KEYS": ring.to_json()}
    saved = saved_cards.save_card(customer=ada, card=card())
    assert saved.kek_id == ring.kek.active
    assert saved.fingerprint_key_id == ring.fingerprint.active
    assert not key_file.exists()


def test_production_never_generates_keys(settings, ada, key_file):
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="VIVRE_CARD_KEYS"):
        saved_cards.save_card(customer=ada, card=card())
    assert not key_file.exists()
    assert not SavedCard.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        '{"active": "a", "keys": {"a": "c2hvcnQ="}, "fingerprint": {"active": "f", "keys": {}}}',
        '{"active": "b", "keys": {}}',
    ],
)
def test_malformed_keys_are_a_configuration_error_that_shows_no_key(settings, raw):
    settings.VIVRE = {**settings.VIVRE, "CARD_KEYS": raw}
    with pytest.raises(ImproperlyConfigured) as error:
        vault.load_keyring()
    assert "c2hvcnQ" not in str(error.value)


def test_card_for_charge_records_who_read_the_number_and_for_what(ada):
    saved = saved_cards.save_card(customer=ada, card=card())
    assert not AccessRecord.objects.exists()
    saved_cards.card_for_charge(saved_card=saved, cvv="123", actor=ada)
    record = AccessRecord.objects.get()
    assert record.subject_type == "payments.SavedCard"
    assert record.subject_id == str(saved.pk)
    assert record.field == "number_ciphertext"
    assert record.purpose == "essential.service.payment_processing"
    assert record.category == "user.financial.credit_card"
    assert (record.actor_label, record.actor_id) == ("ada@example.com", ada.pk)
    assert record.reason.startswith("billing")


def test_card_for_charge_refuses_when_the_key_is_missing(settings, ada):
    # given: a card wrapped by a key that is no longer configured
    saved = saved_cards.save_card(customer=ada, card=card())
    settings.VIVRE = {**settings.VIVRE, "CARD_KEYS": vault.new_keyring().to_json()}
    # then
    with pytest.raises(vault.KeyMissing) as error:
        saved_cards.card_for_charge(saved_card=saved, cvv="123", actor="system")
    assert "card number" in error.value.message
    assert not AccessRecord.objects.exists()


def test_card_details_and_key_sets_never_show_secrets(ada):
    saved = saved_cards.save_card(customer=ada, card=card())
    opened = saved_cards.card_for_charge(saved_card=saved, cvv="123", actor=ada)
    ring = vault.load_keyring()
    for text in (repr(opened), str(opened), repr(ring), repr(ring.kek), str(saved)):
        assert NUMBER not in text
        assert all(base64.b64encode(k).decode() not in text for k in ring.kek.keys.values())
