"""Saved cards (P7): one row per customer and card, only usable cards offered, expired purged."""

import datetime
import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from vivre.accounts.models import User
from vivre.payments import saved_cards, tasks
from vivre.payments.cards import CardDetails
from vivre.payments.gateway import BillingAddress
from vivre.payments.models import SavedCard
from vivre.payments.sandbox import SandboxProcessor

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P7")]

NUMBER = "4242424242424242"


@pytest.fixture(autouse=True)
def key_file(settings, tmp_path):
    path = tmp_path / "card_keys.json"
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


def test_the_same_card_saved_twice_is_one_row_with_the_newer_expiry(ada):
    # given
    first = saved_cards.save_card(customer=ada, card=card(month=12, year=2030))
    # when: saved again, typed with spaces, after the bank sent a new card
    again = saved_cards.save_card(customer=ada, card=card("4242 4242 4242 4242", 3, 2032))
    # then
    assert again.pk == first.pk
    row = SavedCard.objects.get()
    assert (row.exp_month, row.exp_year) == (3, 2032)
    assert saved_cards.card_for_charge(saved_card=row, cvv="123", actor=ada).number == NUMBER


def test_another_customer_saving_the_same_card_gets_their_own_row(ada, grace):
    adas = saved_cards.save_card(customer=ada, card=card())
    graces = saved_cards.save_card(customer=grace, card=card())
    assert adas.pk != graces.pk
    assert SavedCard.objects.count() == 2
    assert saved_cards.usable_cards(ada) == [adas]
    assert saved_cards.usable_cards(grace) == [graces]


def test_only_brand_last_four_and_expiry_are_kept_in_the_clear(ada):
    saved = saved_cards.save_card(customer=ada, card=card("378282246310005", cvv="7351"))
    assert (saved.brand, saved.last4, saved.exp_month, saved.exp_year) == (
        "amex",
        "0005",
        12,
        2030,
    )
    assert str(saved) == "American Express •••• 0005"


def test_the_security_code_is_never_kept_it_is_typed_for_each_charge(ada):
    saved = saved_cards.save_card(customer=ada, card=card(cvv="123"))
    opened = saved_cards.card_for_charge(saved_card=saved, cvv="456", actor=ada)
    assert opened.cvv == "456"
    assert opened.name == ""  # nor the name on the card


@pytest.mark.parametrize("number", ["4242424242424241", "1234567890123456", "not a card"])
def test_an_invalid_number_is_not_saved(ada, number):
    with pytest.raises(ValueError, match="valid card"):
        saved_cards.save_card(customer=ada, card=card(number))
    assert not SavedCard.objects.exists()


def test_usable_cards_are_the_unexpired_ones_newest_first(ada):
    today = timezone.localdate()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    expired = saved_cards.save_card(
        customer=ada, card=card("5555555555554444", last_month.month, last_month.year)
    )
    this_month = saved_cards.save_card(
        customer=ada, card=card("378282246310005", today.month, today.year, "1234")
    )
    newest = saved_cards.save_card(customer=ada, card=card(NUMBER, 1, today.year + 3))
    assert saved_cards.usable_cards(ada) == [newest, this_month]
    assert expired in saved_cards.cards_for(ada)


def test_a_saved_card_charges_through_the_processor(ada):
    saved = saved_cards.save_card(customer=ada, card=card())
    opened = saved_cards.card_for_charge(saved_card=saved, cvv="123", actor=ada)
    authorization = SandboxProcessor().authorize(
        card=opened,
        amount=Decimal("49.00"),
        currency="USD",
        billing_address=BillingAddress(line1="11 Mercer Street", postal_code="10013"),
    )
    assert authorization.last4 == "4242"


def test_a_customer_deletes_only_their_own_card(ada, grace):
    adas = saved_cards.save_card(customer=ada, card=card())
    graces = saved_cards.save_card(customer=grace, card=card())
    assert saved_cards.delete_card(customer=ada, card_id=graces.pk) is False
    assert saved_cards.delete_card(customer=ada, card_id=uuid.uuid4()) is False
    assert saved_cards.delete_card(customer=ada, card_id="not-a-uuid") is False
    assert SavedCard.objects.count() == 2
    assert saved_cards.delete_card(customer=ada, card_id=adas.pk) is True
    assert list(SavedCard.objects.all()) == [graces]


def test_purge_deletes_cards_whose_expiry_month_has_passed(ada, grace):
    # given: cards expiring in January, February and March 2027
    jan = saved_cards.save_card(customer=ada, card=card("5555555555554444", 1, 2027))
    feb = saved_cards.save_card(customer=ada, card=card(NUMBER, 2, 2027))
    mar = saved_cards.save_card(customer=grace, card=card(NUMBER, 3, 2027))
    old = saved_cards.save_card(customer=grace, card=card("378282246310005", 12, 2026, "1234"))
    # when: it is the last day of February 2027
    now = timezone.make_aware(datetime.datetime(2027, 2, 28, 23, 0))
    deleted = saved_cards.purge_expired_cards(now=now)
    # then: February's card still works through today
    assert deleted == 2
    assert set(SavedCard.objects.values_list("pk", flat=True)) == {feb.pk, mar.pk}
    assert not SavedCard.objects.filter(pk__in=[jan.pk, old.pk]).exists()
    # and on the first of March it goes too
    assert saved_cards.purge_expired_cards(now=now + datetime.timedelta(hours=2)) == 1


def test_the_purge_task_runs_on_the_worker(settings, ada):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    saved_cards.save_card(customer=ada, card=card(NUMBER, 1, 2020))
    saved_cards.save_card(customer=ada, card=card("5555555555554444", 1, 2099))
    result = tasks.purge_expired_cards.enqueue()
    assert result.return_value == 1
    assert SavedCard.objects.count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_tabs_saving_the_same_card_at_once_make_one_row():
    # given: one customer, two requests saving the same card at the same moment
    ada = User.objects.create_user("ada@example.com", "correct horse battery")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def save():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                results.append(saved_cards.save_card(customer=ada, card=card()).pk)
                time.sleep(0.2)  # hold the insert open so the other one waits on it
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then
    assert errors == []
    assert SavedCard.objects.count() == 1
    assert results == [SavedCard.objects.get().pk] * 2
