"""Promotion codes at the review step: applied, explained when refused, and used once."""

from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from vivre.accounts.models import User
from vivre.cart.models import GiftCertificateItem
from vivre.cart.services import add_to_cart, create_cart
from vivre.catalog.models import Variant
from vivre.catalog.testing import make_product
from vivre.checkout.views import PROMOTION_KEY
from vivre.marketing.models import Promotion, PromotionRedemption
from vivre.marketing.tests.test_promotions import make_promotion, use
from vivre.messaging.models import Message
from vivre.orders.models import Order
from vivre.payments.models import Payment
from vivre.privacy.consent import subject_key_for_customer, subject_key_for_email

from .conftest import DETAILS, card_data, fill_bag, hidden_fields, review_form

pytestmark = pytest.mark.django_db

# The bag fixture: two items at $100, standard shipping ($9.95), New York tax 8.875%.


def apply(client, code):
    return client.post("/checkout/review/", {"action": "apply_promotion", "promotion_code": code})


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.promise("P3", "P9")
def test_a_code_takes_money_off_the_merchandise_and_tax_is_on_the_rest(client, bag, variant):
    # given a 25% code
    make_promotion("SPRING-25", value=Decimal("25"))
    # when the shopper applies it, typed their own way
    response = apply(client, " spring-25 ")
    assert response.status_code == 302
    review = client.get("/checkout/review/")
    text = page_text(review)
    # then the summary shows it, and tax is charged on $150
    summary = review.context["summary"]
    assert summary.quote.discount == Decimal("50.00")
    assert summary.quote.tax == Decimal("13.31")  # 150 × 0.08875 = 13.3125
    assert summary.quote.total == Decimal("173.26")  # 200 + 9.95 + 13.31 − 50
    assert "Promotion SPRING-25" in text
    assert "−$50.00" in text
    assert 'You will be charged <span class="price">$173.26</span>' in text
    # when the order is placed
    response = client.post("/checkout/review/", {**hidden_fields(review), **card_data()})
    assert response.status_code == 302, response.content.decode()
    # then the order records the discount and the code, and adds up (the DB checks it too)
    order = Order.objects.get()
    assert (order.subtotal, order.discount, order.promotion_code) == (
        Decimal("200.00"),
        Decimal("50.00"),
        "SPRING-25",
    )
    assert (order.tax, order.shipping_charge, order.total) == (
        Decimal("13.31"),
        Decimal("9.95"),
        Decimal("173.26"),
    )
    assert Payment.objects.get(order=order).amount == Decimal("173.26")
    # and one use is recorded, for the guest's keyed e-mail hash
    redemption = PromotionRedemption.objects.get()
    assert (redemption.order, redemption.amount) == (order, Decimal("50.00"))
    assert redemption.customer_key == subject_key_for_email("ada@example.com")
    assert PROMOTION_KEY not in client.session
    # and the confirmation page and e-mail show it
    confirmation = page_text(client.get(response["Location"]))
    assert "Promotion SPRING-25" in confirmation
    assert "−$50.00" in confirmation
    mail = Message.objects.get(kind="order.confirmation")
    assert "Promotion SPRING-25: −$50.00" in mail.text_body
    assert "Promotion SPRING-25" in mail.html_body
    assert "$173.26" in mail.text_body


def test_an_amount_off_is_never_more_than_the_merchandise(client, checkout_defaults):
    # given a $500 code and one $100 item with gift wrap
    variant = make_product(price="100.00", stock=5).variants.get()
    fill_bag(client, (variant, 1))
    response = client.post("/checkout/", {**DETAILS, "is_gift": "on", "gift_wrap": "on"})
    assert response.status_code == 302, response.content.decode()
    make_promotion("BIG", kind=Promotion.Kind.AMOUNT, value=Decimal("500.00"))
    # when
    assert apply(client, "big").status_code == 302
    response = client.post("/checkout/review/", review_form(client))
    # then only the $100 comes off: shipping and gift wrap are still paid, no tax is due
    assert response.status_code == 302, response.content.decode()
    order = Order.objects.get()
    assert order.discount == Decimal("100.00")
    assert order.tax == Decimal("0.00")
    assert order.total == order.shipping_charge + order.gift_wrap_charge
    assert order.total > 0


def test_gift_certificates_bought_in_the_bag_are_not_discounted(client, bag):
    GiftCertificateItem.objects.create(
        cart=bag,
        amount=Decimal("50.00"),
        recipient_name="Grace Hopper",
        recipient_email="grace@example.com",
        deliver_on=timezone.localdate(),
    )
    make_promotion("HALF", value=Decimal("50"))
    apply(client, "HALF")
    response = client.post("/checkout/review/", review_form(client, **card_data()))
    assert response.status_code == 302, response.content.decode()
    order = Order.objects.get()
    assert order.discount == Decimal("100.00")  # half of the $200 of goods only
    assert order.gift_certificates_total == Decimal("50.00")
    assert order.tax == Decimal("8.88")  # on the $100 left: 8.875 rounds up
    assert order.total == Decimal("168.83")  # 200 + 50 + 9.95 + 8.88 − 100


@pytest.mark.parametrize(
    ("fields", "typed", "message"),
    [
        ({}, "NOPE", "We don't know that code. Please check it and try again."),
        ({"active": False}, "SPRING-25", "This code is no longer available."),
        (
            {"minimum_spend": Decimal("250.00")},
            "SPRING-25",
            "Spend at least $250.00 on merchandise to use the code SPRING-25.",
        ),
        (
            {"starts_at": timezone.make_aware(timezone.datetime(2099, 5, 1, 9))},
            "SPRING-25",
            "The code SPRING-25 starts on 1 May 2099.",
        ),
        (
            {
                "starts_at": timezone.make_aware(timezone.datetime(2020, 1, 1)),
                "ends_at": timezone.make_aware(timezone.datetime(2020, 3, 31, 12)),
            },
            "SPRING-25",
            "The code SPRING-25 expired on 31 March 2020.",
        ),
        ({"max_uses": 0}, "SPRING-25", "This code is no longer available."),
    ],
)
def test_why_a_code_does_not_apply_is_shown_beside_the_field(client, bag, fields, typed, message):
    make_promotion("SPRING-25", **fields)
    response = apply(client, typed)
    assert response.status_code == 400
    errors = response.context["promotion_form"].errors["promotion_code"]
    assert message in errors[0]
    text = page_text(response)
    assert message in text
    assert 'id_promotion_code-error"' in response.content.decode()
    assert PROMOTION_KEY not in client.session


def test_a_code_already_used_by_this_guest_email(client, bag):
    promotion = make_promotion(max_uses_per_customer=1)
    use(promotion, subject_key_for_email("ADA@example.com"))
    response = apply(client, "SPRING-25")
    assert response.status_code == 400
    assert "You have already used this code." in page_text(response)


def test_a_signed_in_customer_is_limited_by_account_not_by_email(client, variant):
    customer = User.objects.create_user("grace@example.com", password="pw-for-tests")
    client.force_login(customer)
    add_to_cart(
        cart=create_cart(ip_address="127.0.0.1", customer=customer),
        variant_id=variant.pk,
        quantity=1,
    )
    assert client.post("/checkout/", {**DETAILS, "email": "other@example.com"}).status_code == 302
    promotion = make_promotion(max_uses_per_customer=1)
    # a guest use with the same e-mail does not count against the account
    use(promotion, subject_key_for_email("other@example.com"))
    assert apply(client, "SPRING-25").status_code == 302
    response = client.post("/checkout/review/", review_form(client, **card_data()))
    assert response.status_code == 302, response.content.decode()
    redemption = PromotionRedemption.objects.get(order__customer=customer)
    assert redemption.customer_key == subject_key_for_customer(customer.pk)
    # and the account cannot use it again
    add_to_cart(
        cart=create_cart(ip_address="127.0.0.1", customer=customer),
        variant_id=variant.pk,
        quantity=1,
    )
    client.post("/checkout/", DETAILS)
    response = apply(client, "SPRING-25")
    assert "You have already used this code." in page_text(response)


def test_a_code_that_runs_out_before_paying_places_nothing(client, bag, variant):
    # given a code with one use left, applied at review
    promotion = make_promotion(max_uses=1)
    assert apply(client, "SPRING-25").status_code == 302
    form = review_form(client, **card_data())
    stock = Variant.objects.get(pk=variant.pk).stock
    # when someone else takes the last use before this shopper pays
    use(promotion, subject_key_for_email("grace@example.com"))
    response = client.post("/checkout/review/", form)
    # then nothing is placed or charged, no stock moves, and the shopper is told why
    assert response.status_code == 409
    text = page_text(response)
    assert "Your promotion code SPRING-25 can't be used: This code is no longer available." in text
    assert "remove it to continue" in text
    assert not Order.objects.filter(cart=bag).exists()
    assert not Payment.objects.filter(order__cart=bag).exists()
    assert Variant.objects.get(pk=variant.pk).stock == stock
    assert PromotionRedemption.objects.count() == 1
    # the review page shows the code with its problem and a Remove button
    review = client.get("/checkout/review/")
    assert "This code is no longer available. Remove it to continue." in page_text(review)
    assert review.context["summary"].quote.discount == 0
    # when the shopper removes it, the order goes through at full price
    assert client.post("/checkout/review/", {"action": "remove_promotion"}).status_code == 302
    response = client.post("/checkout/review/", review_form(client, **card_data()))
    assert response.status_code == 302, response.content.decode()
    order = Order.objects.get(cart=bag)
    assert (order.discount, order.promotion_code, order.total) == (
        Decimal("0.00"),
        "",
        Decimal("227.70"),
    )


def test_a_discount_changed_after_review_is_caught(client, bag):
    # given a review page seen without a code
    form = review_form(client, **card_data())
    # when a code is applied in another tab, then the first page is submitted
    make_promotion()
    apply(client, "SPRING-25")
    response = client.post("/checkout/review/", form)
    # then nothing is charged: the total the shopper saw is not the total now
    assert response.status_code == 409
    assert "changed after you reviewed it" in page_text(response)
    assert not Order.objects.exists()
    assert not PromotionRedemption.objects.exists()


def test_a_code_changed_by_staff_after_review_is_caught(client, bag):
    promotion = make_promotion(value=Decimal("10"))
    apply(client, "SPRING-25")
    form = review_form(client, **card_data())
    Promotion.objects.filter(pk=promotion.pk).update(value=Decimal("20"))
    response = client.post("/checkout/review/", form)
    assert response.status_code == 409
    assert not Order.objects.exists()
    assert not PromotionRedemption.objects.exists()


def test_one_code_per_order_a_second_replaces_the_first(client, bag):
    make_promotion("TEN", value=Decimal("10"))
    make_promotion("TWENTY", value=Decimal("20"))
    apply(client, "TEN")
    response = apply(client, "TWENTY")
    assert response.status_code == 302
    summary = client.get("/checkout/review/").context["summary"]
    assert summary.promotion.code == "TWENTY"
    assert summary.quote.discount == Decimal("40.00")


def test_remove_takes_the_code_off(client, bag):
    make_promotion()
    apply(client, "SPRING-25")
    assert client.post("/checkout/review/", {"action": "remove_promotion"}).status_code == 302
    review = client.get("/checkout/review/")
    assert review.context["summary"].promotion is None
    assert review.context["summary"].quote.discount == 0


def test_a_code_kept_for_another_bag_is_ignored(client, bag):
    promotion = make_promotion()
    session = client.session
    session[PROMOTION_KEY] = {"cart": "someone-elses-bag", "id": promotion.pk}
    session.save()
    assert client.get("/checkout/review/").context["summary"].promotion is None


@pytest.mark.parametrize("stored", ["junk", {"cart": None}, {"id": "1"}, {"id": True}, [1, 2]])
def test_a_malformed_session_value_is_ignored(client, bag, stored):
    session = client.session
    session[PROMOTION_KEY] = stored
    session.save()
    assert client.get("/checkout/review/").status_code == 200


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a promotion code."),
        ("X" * 41, "at most 40 characters"),
        ("<script>alert(1)</script>", "We don't know that code."),
    ],
)
def test_bad_codes_are_field_errors_shown_escaped(client, bag, typed, message):
    response = apply(client, typed)
    assert response.status_code == 400
    assert message in page_text(response)
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_applying_a_code_needs_csrf(bag, settings):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.VIVRE["CART_COOKIE"]] = str(bag.pk)
    make_promotion()
    response = client.post(
        "/checkout/review/", {"action": "apply_promotion", "promotion_code": "SPRING-25"}
    )
    assert response.status_code == 403
    assert PROMOTION_KEY not in client.session


def test_a_code_cannot_be_applied_before_step_one(client, variant):
    fill_bag(client, (variant, 1))
    make_promotion()
    response = apply(client, "SPRING-25")
    assert response.status_code == 302
    assert response["Location"] == "/checkout/"
    assert PROMOTION_KEY not in client.session


def test_an_expired_code_on_the_bag_is_explained_on_review(client, bag):
    promotion = make_promotion()
    apply(client, "SPRING-25")
    Promotion.objects.filter(pk=promotion.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    review = client.get("/checkout/review/")
    assert "expired on" in page_text(review)
    assert review.context["summary"].quote.discount == 0
    response = client.post("/checkout/review/", review_form(client, **card_data()))
    assert response.status_code == 409
    assert not Order.objects.exists()
