"""Promotion codes: what applies, what it takes off, recording uses, and the staff pages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.utils import timezone

from vivre.accounts.models import User
from vivre.core.staff import Role
from vivre.marketing import promotions
from vivre.marketing.models import Promotion, PromotionRedemption
from vivre.marketing.promotions import PromotionError
from vivre.orders.testing import make_order
from vivre.privacy.consent import subject_key_for_customer, subject_key_for_email

pytestmark = pytest.mark.django_db

ADA = subject_key_for_email("ada@example.com")
GRACE = subject_key_for_email("grace@example.com")


def make_promotion(code="SPRING-25", **fields) -> Promotion:
    values = {
        "description": "Spring sale",
        "kind": Promotion.Kind.PERCENT,
        "value": Decimal("25"),
        "starts_at": timezone.now() - timedelta(days=1),
        **fields,
    }
    return Promotion.objects.create(code=code, **values)


def use(promotion, customer_key=ADA, subtotal="100.00") -> Decimal:
    with transaction.atomic():
        return promotions.redeem(
            promotion_id=promotion.pk,
            order=make_order(),
            customer_key=customer_key,
            subtotal=Decimal(subtotal),
        )


def refusal(code, *, subtotal="100.00", customer_key=ADA) -> str:
    with pytest.raises(PromotionError) as raised:
        promotions.find_applicable(code, subtotal=Decimal(subtotal), customer_key=customer_key)
    return raised.value.message


# --- Discounts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "subtotal", "expected"),
    [
        ("25", "100.00", "25.00"),
        ("15", "33.33", "5.00"),  # 4.9995 rounds half-up to 5.00
        ("10", "0.05", "0.01"),  # 0.005 → 0.01
        ("12.5", "19.99", "2.50"),  # 2.49875
        ("100", "80.00", "80.00"),
    ],
)
def test_percentage_discounts_round_to_cents(percent, subtotal, expected):
    promotion = make_promotion(value=Decimal(percent))
    assert promotions.discount_for(promotion, Decimal(subtotal)) == Decimal(expected)


def test_amount_off_never_exceeds_the_subtotal():
    promotion = make_promotion(kind=Promotion.Kind.AMOUNT, value=Decimal("50.00"))
    assert promotions.discount_for(promotion, Decimal("120.00")) == Decimal("50.00")
    assert promotions.discount_for(promotion, Decimal("30.10")) == Decimal("30.10")
    assert promotions.discount_for(promotion, Decimal("0")) == Decimal("0.00")


def test_describe():
    assert promotions.describe(make_promotion(value=Decimal("12.50"))) == "12.5% off"
    amount = make_promotion("TEN", kind=Promotion.Kind.AMOUNT, value=Decimal("1500"))
    assert promotions.describe(amount) == "$1,500.00 off"


# --- Which code applies ----------------------------------------------------------


@pytest.mark.parametrize("typed", ["SPRING-25", "spring-25", "  Spring - 25 ", "s p r i n g-25"])
def test_codes_match_whatever_their_case_and_spacing(typed):
    promotion = make_promotion()
    found = promotions.find_applicable(typed, subtotal=Decimal("10.00"), customer_key=ADA)
    assert found == promotion


@pytest.mark.parametrize("typed", ["", "NOPE", "SPRING25", "SPRING-25-X", "<b>x</b>", "x" * 500])
def test_unknown_codes_are_refused(typed):
    make_promotion()
    assert refusal(typed) == "We don't know that code. Please check it and try again."


def test_an_inactive_code_is_no_longer_available():
    make_promotion(active=False)
    assert refusal("SPRING-25") == "This code is no longer available."


def test_a_code_not_yet_started_says_when_it_starts():
    starts = timezone.make_aware(timezone.datetime(2099, 5, 1, 9, 0))
    make_promotion(starts_at=starts)
    assert (
        refusal("spring-25") == "The code SPRING-25 starts on 1 May 2099. Please use it from then."
    )


def test_an_expired_code_says_when_it_expired():
    ends = timezone.now() - timedelta(minutes=1)
    make_promotion(starts_at=ends - timedelta(days=30), ends_at=ends)
    day = timezone.localtime(ends)
    message = refusal("SPRING-25")
    assert message == f"The code SPRING-25 expired on {day.day} {day:%B %Y}."


def test_a_code_inside_its_dates_applies():
    make_promotion(ends_at=timezone.now() + timedelta(hours=1))
    assert promotions.find_applicable("SPRING-25", subtotal=Decimal("1"), customer_key=ADA)


def test_minimum_spend_is_on_the_merchandise_subtotal():
    make_promotion(minimum_spend=Decimal("150.00"))
    assert refusal("SPRING-25", subtotal="149.99") == (
        "Spend at least $150.00 on merchandise to use the code SPRING-25."
    )
    assert promotions.find_applicable("SPRING-25", subtotal=Decimal("150.00"), customer_key=ADA)


def test_a_bag_without_merchandise_gets_no_discount():
    make_promotion()
    assert "your bag has none" in refusal("SPRING-25", subtotal="0")


def test_total_usage_limit():
    promotion = make_promotion(max_uses=2)
    use(promotion, ADA)
    use(promotion, GRACE)
    assert refusal("SPRING-25", customer_key=subject_key_for_email("new@example.com")) == (
        "This code is no longer available."
    )
    with pytest.raises(PromotionError):
        use(promotion, subject_key_for_email("new@example.com"))
    assert PromotionRedemption.objects.filter(promotion=promotion).count() == 2


@pytest.mark.promise("P3", "P9")
def test_per_customer_limit_for_a_guest_is_by_email():
    promotion = make_promotion(max_uses_per_customer=1)
    use(promotion, subject_key_for_email("Ada@Example.com"))
    assert refusal("SPRING-25", customer_key=ADA) == "You have already used this code."
    # Someone else may still use it.
    assert promotions.find_applicable("SPRING-25", subtotal=Decimal("5"), customer_key=GRACE)


def test_per_customer_limit_for_a_customer_is_by_account():
    user = User.objects.create_user("ada@example.com", password="pw-for-tests")
    key = promotions.customer_key_for(customer=user, email="other@example.com")
    assert key == subject_key_for_customer(user.pk)
    promotion = make_promotion(max_uses_per_customer=2)
    use(promotion, key)
    use(promotion, key)
    assert refusal("SPRING-25", customer_key=key) == "You have already used this code."


@pytest.mark.promise("P3", "P9")
def test_customer_key_for_a_guest_is_the_keyed_email_hash_never_the_address():
    key = promotions.customer_key_for(customer=None, email="Ada@Example.com ")
    assert key == ADA
    assert "ada" not in key


# --- Recording a use -------------------------------------------------------------


def test_redeem_records_the_use_and_returns_the_discount():
    promotion = make_promotion(kind=Promotion.Kind.AMOUNT, value=Decimal("15.00"))
    order = make_order()
    with transaction.atomic():
        amount = promotions.redeem(
            promotion_id=promotion.pk, order=order, customer_key=ADA, subtotal=Decimal("120")
        )
    assert amount == Decimal("15.00")
    redemption = PromotionRedemption.objects.get()
    assert (redemption.order, redemption.customer_key, redemption.amount) == (
        order,
        ADA,
        Decimal("15.00"),
    )


@pytest.mark.django_db(transaction=True)
def test_redeem_needs_the_callers_transaction():
    promotion = make_promotion()
    with pytest.raises(RuntimeError):
        promotions.redeem(
            promotion_id=promotion.pk, order=make_order(), customer_key=ADA, subtotal=Decimal("1")
        )


def test_redeem_rechecks_every_limit():
    promotion = make_promotion()
    Promotion.objects.filter(pk=promotion.pk).update(active=False)
    with pytest.raises(PromotionError):
        use(promotion)
    assert not PromotionRedemption.objects.exists()


def test_redeem_of_a_deleted_code():
    with pytest.raises(PromotionError, match="no longer available"), transaction.atomic():
        promotions.redeem(
            promotion_id=987654, order=make_order(), customer_key=ADA, subtotal=Decimal("1")
        )


# --- Staff pages -----------------------------------------------------------------


def _staff(username, *roles) -> User:
    user = User.objects.create_user(username, password="pw-for-tests", is_staff=True)
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def marketer(client):
    client.force_login(_staff("marketer", Role.MARKETING))
    return client


FORM = {
    "code": " summer-10 ",
    "description": "Summer <b>sale</b>",
    "kind": "amount",
    "value": "10.00",
    "minimum_spend": "50",
    "starts_at": "2026-06-01T09:00",
    "ends_at": "2026-08-31T23:59",
    "max_uses": "100",
    "max_uses_per_customer": "1",
    "active": "on",
}


@pytest.mark.parametrize(
    "url", ["/staff/marketing/promotions/", "/staff/marketing/promotions/new/"]
)
def test_staff_pages_are_for_marketing_only(client, url):
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(_staff("carer", Role.CARE))
    assert client.get(url).status_code == 403
    assert client.post("/staff/marketing/promotions/new/", FORM).status_code == 403
    assert not Promotion.objects.exists()


def test_staff_create_a_code(marketer):
    response = marketer.post("/staff/marketing/promotions/new/", FORM)
    assert response.status_code == 302
    promotion = Promotion.objects.get()
    assert promotion.code == "SUMMER-10"
    assert promotion.kind == Promotion.Kind.AMOUNT
    assert promotion.value == Decimal("10.00")
    assert promotion.minimum_spend == Decimal("50")
    assert (promotion.max_uses, promotion.max_uses_per_customer, promotion.active) == (
        100,
        1,
        True,
    )
    assert timezone.localtime(promotion.starts_at).hour == 9
    page = marketer.get("/staff/marketing/promotions/").content.decode()
    assert "SUMMER-10" in page
    assert "Summer &lt;b&gt;sale&lt;/b&gt;" in page
    assert "<b>sale</b>" not in page


def test_staff_list_shows_uses_so_far(marketer):
    promotion = make_promotion(max_uses=10)
    use(promotion, ADA)
    use(promotion, GRACE)
    page = marketer.get("/staff/marketing/promotions/").content.decode()
    assert "2 of 10" in page
    assert "25% off" in page


def test_staff_edit_a_code(marketer):
    promotion = make_promotion()
    page = marketer.get(f"/staff/marketing/promotions/{promotion.pk}/")
    assert page.status_code == 200
    assert 'value="SPRING-25"' in page.content.decode()
    response = marketer.post(
        f"/staff/marketing/promotions/{promotion.pk}/",
        {**FORM, "code": "spring-25", "active": ""},
    )
    assert response.status_code == 302
    promotion.refresh_from_db()
    assert (promotion.code, promotion.active, promotion.kind) == ("SPRING-25", False, "amount")


def test_staff_unknown_code_is_404(marketer):
    assert marketer.get("/staff/marketing/promotions/999999/").status_code == 404
    assert marketer.get("/staff/marketing/promotions/99999999999999999999999/").status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"code": "NO SPACES"}, "code", "Use letters, digits and single dashes"),
        ({"code": "BAD--DASH"}, "code", "Use letters, digits and single dashes"),
        ({"code": "AB"}, "code", "at least 3 characters"),
        ({"code": "X" * 31}, "code", "at most 30 characters"),
        ({"description": "d" * 201}, "description", "at most 200 characters"),
        ({"description": ""}, "description", "This field is required"),
        ({"kind": "bogus"}, "kind", "Choose a percentage or an amount off"),
        ({"kind": "percent", "value": "0.5"}, "value", "A percentage is from 1 to 100"),
        ({"kind": "percent", "value": "101"}, "value", "A percentage is from 1 to 100"),
        ({"kind": "amount", "value": "0"}, "value", "more than $0.00"),
        ({"value": "ten"}, "value", "Enter a number"),
        ({"value": "1" * 40}, "value", "too large"),
        ({"value": "1.234"}, "value", "two decimal places"),
        ({"minimum_spend": "-1"}, "minimum_spend", "Enter 0 or more"),
        ({"starts_at": ""}, "starts_at", "This field is required"),
        ({"starts_at": "yesterday"}, "starts_at", "Enter a date and time"),
        ({"ends_at": "2026-05-01T09:00"}, "ends_at", "The end must come after the start"),
        ({"max_uses": "0"}, "max_uses", "Enter 1 or more"),
        ({"max_uses": "9" * 30}, "max_uses", "too large"),
        ({"max_uses_per_customer": "x"}, "max_uses_per_customer", "Enter a whole number"),
        ({"max_uses": "1", "max_uses_per_customer": "2"}, "max_uses_per_customer", "more often"),
    ],
)
def test_staff_bad_input_is_a_field_error(marketer, change, field, message):
    response = marketer.post("/staff/marketing/promotions/new/", {**FORM, **change})
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert not Promotion.objects.exists()


def test_staff_a_taken_code_is_a_field_error(marketer):
    make_promotion("SUMMER-10")
    response = marketer.post("/staff/marketing/promotions/new/", FORM)
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == ["There is already a code SUMMER-10."]


def test_staff_form_needs_csrf(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(_staff("marketer", Role.MARKETING))
    response = client.post("/staff/marketing/promotions/new/", FORM)
    assert response.status_code == 403
    assert not Promotion.objects.exists()
