"""Checkout for a signed-in customer: step 1 starts from the account; the order joins it."""

from __future__ import annotations

import pytest

from tests.browser import conftest as browser_kit
from vivre.accounts.models import Address, User
from vivre.cart.models import Cart
from vivre.cart.services import add_to_cart, create_cart
from vivre.checkout.models import CheckoutDetails
from vivre.checkout.services import save_to_address_book
from vivre.orders.models import Order

from .conftest import DETAILS, card_data, hidden_fields, review_form

# The browser test below runs on the browser tests' live server and catalogue.
browser_context_args = browser_kit.browser_context_args
catalogue = browser_kit.catalogue

HOME = {
    "name": "Ann Example",
    "line1": "11 Mercer Street",
    "line2": "Floor 3",
    "city": "New York",
    "state": "NY",
    "postal_code": "10013",
}
OFFICE = {
    "name": "Ann Example",
    "line1": "200 Park Avenue",
    "line2": "",
    "city": "New York",
    "state": "NY",
    "postal_code": "10166",
}
COTTAGE = {
    "name": "Ann Example",
    "line1": "4 Dune Road",
    "line2": "",
    "city": "Montauk",
    "state": "NY",
    "postal_code": "11954",
}


@pytest.fixture
def customer(db):
    return User.objects.create_user(
        "ann@example.com",
        "a long pass phrase 7",
        full_name="Ann Example",
        day_phone="+12125550148",
        evening_phone="+12125550199",
    )


def save_address(user, values, **flags) -> Address:
    return Address.objects.create(user=user, **values, **flags)


@pytest.fixture
def signed_in(client, customer, variant):
    """The customer, signed in, with two of the product in their bag."""
    client.force_login(customer)
    cart = create_cart(ip_address="127.0.0.1", customer=customer)
    add_to_cart(cart=cart, variant_id=variant.pk, quantity=2)
    return cart


def initial(response) -> dict:
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields}


def place(client, **card) -> object:
    return client.post("/checkout/review/", review_form(client, **card))


def ship_fields(values) -> dict:
    return {f"ship_{k}": v for k, v in values.items()}


def bill_fields(values) -> dict:
    return {f"bill_{k}": v for k, v in values.items()}


# --- pre-fill -----------------------------------------------------------------------------


@pytest.mark.promise("P3")
def test_step_one_starts_from_the_account(client, customer, signed_in):
    # given a default shipping and a different default billing address
    save_address(customer, HOME, is_default_shipping=True)
    save_address(customer, OFFICE, is_default_billing=True)

    # when
    response = client.get("/checkout/")

    # then
    assert response.status_code == 200
    values = initial(response)
    assert values["email"] == "ann@example.com"
    assert values["phone"] == "(212) 555-0148"
    assert {k: values[k] for k in ship_fields(HOME)} == ship_fields(HOME)
    assert values["billing_same"] is False
    assert {k: values[k] for k in bill_fields(OFFICE)} == bill_fields(OFFICE)


def test_billing_is_the_shipping_address_when_the_defaults_are_one_address(
    client, customer, signed_in
):
    save_address(customer, HOME, is_default_shipping=True, is_default_billing=True)

    values = initial(client.get("/checkout/"))

    assert values["billing_same"] is True
    assert values["bill_line1"] in (None, "")


def test_billing_is_the_shipping_address_without_a_default_billing_address(
    client, customer, signed_in
):
    save_address(customer, HOME, is_default_shipping=True)

    assert initial(client.get("/checkout/"))["billing_same"] is True


def test_the_evening_phone_is_used_when_there_is_no_day_phone(client, customer, signed_in):
    User.objects.filter(pk=customer.pk).update(day_phone="")

    assert initial(client.get("/checkout/"))["phone"] == "(212) 555-0199"


def test_an_empty_address_book_gives_contact_details_only(client, customer, signed_in):
    values = initial(client.get("/checkout/"))

    assert values["email"] == "ann@example.com"
    assert values["ship_line1"] in (None, "")
    assert values["billing_same"] is True


def test_details_given_before_win_over_the_account(client, customer, signed_in):
    # given the customer already went through step 1 with another address and e-mail
    save_address(customer, HOME, is_default_shipping=True)
    client.post("/checkout/", {**DETAILS, **ship_fields(COTTAGE), "email": "gift@example.com"})

    # when they come back to step 1
    values = initial(client.get("/checkout/"))

    # then
    assert values["email"] == "gift@example.com"
    assert values["ship_line1"] == COTTAGE["line1"]
    assert values["shipping_method"] == "standard"


def test_a_guest_still_starts_from_an_empty_form(client, bag):
    CheckoutDetails.objects.all().delete()

    values = initial(client.get("/checkout/"))

    assert values["email"] is None and values["ship_line1"] is None
    assert "save_address" not in values


# --- ?ship= -------------------------------------------------------------------------------


def test_other_saved_addresses_are_offered_as_links(client, customer, signed_in):
    # given
    home = save_address(customer, HOME, is_default_shipping=True)
    office = save_address(customer, OFFICE)
    cottage = save_address(customer, COTTAGE)

    # when
    html = client.get("/checkout/").content.decode()

    # then the two others are offered, not the one already filled in
    assert (
        f'href="/checkout/?ship={office.pk}">Ship to: Ann Example, 200 Park Avenue, New York<'
        in (html)
    )
    assert f'href="/checkout/?ship={cottage.pk}"' in html
    assert f"?ship={home.pk}" not in html


def test_a_chosen_saved_address_fills_the_shipping_address(client, customer, signed_in):
    # given
    home = save_address(customer, HOME, is_default_shipping=True, is_default_billing=True)
    cottage = save_address(customer, COTTAGE)

    # when
    response = client.get(f"/checkout/?ship={cottage.pk}")

    # then the cottage is filled in; billing stays the default (home), so not "same"
    values = initial(response)
    assert {k: values[k] for k in ship_fields(COTTAGE)} == ship_fields(COTTAGE)
    assert values["billing_same"] is False and values["bill_line1"] == HOME["line1"]
    assert f"?ship={home.pk}" in response.content.decode()


def test_a_chosen_address_overrides_details_given_before(client, customer, signed_in):
    cottage = save_address(customer, COTTAGE)
    client.post("/checkout/", DETAILS)

    values = initial(client.get(f"/checkout/?ship={cottage.pk}"))

    assert values["ship_line1"] == COTTAGE["line1"]
    assert values["email"] == DETAILS["email"]


@pytest.mark.promise("P12")
def test_another_customers_address_is_not_found(client, customer, signed_in):
    # given
    stranger = User.objects.create_user("bo@example.com", "a long pass phrase 8")
    theirs = save_address(stranger, COTTAGE, is_default_shipping=True)

    # when
    response = client.get(f"/checkout/?ship={theirs.pk}")

    # then
    assert response.status_code == 404
    assert COTTAGE["line1"] not in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "99999999999999999999999", "0", "%00"])
def test_a_malformed_ship_choice_is_not_found_never_an_error(client, customer, signed_in, value):
    save_address(customer, HOME, is_default_shipping=True)

    assert client.get("/checkout/", {"ship": value}).status_code == 404


def test_an_empty_ship_choice_is_ignored(client, customer, signed_in):
    save_address(customer, HOME, is_default_shipping=True)

    response = client.get("/checkout/?ship=")

    assert response.status_code == 200 and initial(response)["ship_line1"] == HOME["line1"]


def test_a_guest_has_no_saved_addresses_to_choose(client, bag, customer):
    address = save_address(customer, HOME, is_default_shipping=True)

    assert client.get(f"/checkout/?ship={address.pk}").status_code == 404


def test_saved_addresses_are_shown_escaped(client, customer, signed_in):
    save_address(customer, HOME, is_default_shipping=True)
    save_address(customer, {**OFFICE, "name": "<script>alert(1)</script>"})

    html = client.get("/checkout/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "Ship to: &lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- the order joins the account -------------------------------------------------------------


def test_an_order_placed_signed_in_belongs_to_the_customer(client, customer, signed_in):
    # given
    client.post("/checkout/", DETAILS)

    # when
    response = place(client)

    # then
    assert response.status_code == 302, response.content.decode()
    order = Order.objects.get()
    assert order.customer == customer and order.cart_id == signed_in.pk
    assert client.get(response["Location"]).status_code == 200


def test_a_guest_order_belongs_to_nobody(client, bag):
    response = place(client)

    assert response.status_code == 302
    assert Order.objects.get().customer is None


def test_a_signed_in_double_submit_shows_the_first_order(client, customer, signed_in):
    # given an order placed from a review form
    client.post("/checkout/", DETAILS)
    form = review_form(client)
    first = client.post("/checkout/review/", form)

    # when the same form is sent again
    again = client.post("/checkout/review/", form)

    # then it leads to the same order
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Order.objects.count() == 1


def test_the_bag_is_emptied_for_the_account_after_the_order(client, customer, signed_in):
    client.post("/checkout/", DETAILS)
    place(client)

    assert client.get("/").context["cart_count"] == 0
    assert not Cart.objects.filter(customer=customer, checked_out_at__isnull=True).exists()


# --- save this address ------------------------------------------------------------------------


def test_saving_a_new_address_adds_exactly_one_entry(client, customer, signed_in):
    # given the offer on a first checkout
    page = client.get("/checkout/")
    assert "Save this address to my address book" in page.content.decode()

    # when the customer ticks it and places the order
    client.post("/checkout/", {**DETAILS, "save_address": "on"})
    review = client.get("/checkout/review/")
    assert "We will add this shipping address to your address book" in review.content.decode()
    response = client.post("/checkout/review/", {**hidden_fields(review), **card_data()})

    # then the address is in the book, as the default for shipping (the book was empty)
    assert response.status_code == 302
    address = Address.objects.get(user=customer)
    assert (address.line1, address.line2, address.postal_code) == (
        "11 Mercer Street",
        "Floor 3",
        "10013",
    )
    assert address.is_default_shipping and not address.is_default_billing


def test_saving_an_address_already_in_the_book_adds_nothing(client, customer, signed_in):
    # given the address is already in the book, written differently
    save_address(customer, {**HOME, "line1": "11 MERCER STREET"})
    client.post("/checkout/", {**DETAILS, **ship_fields(HOME), "save_address": "on"})

    # when
    place(client)

    # then
    assert Address.objects.filter(user=customer).count() == 1


def test_the_address_book_keeps_one_entry_per_place(customer):
    # when the same place is saved twice, written differently
    first = save_to_address_book(customer=customer, values=HOME)
    again = save_to_address_book(
        customer=customer, values={**HOME, "city": "new york", "name": "ANN EXAMPLE"}
    )

    # then
    assert again == first and Address.objects.filter(user=customer).count() == 1


def test_the_offer_is_not_made_for_an_address_from_the_book(client, customer, signed_in):
    save_address(customer, HOME, is_default_shipping=True)

    page = client.get("/checkout/")

    assert "save_address" not in page.context["form"].fields
    assert "Save this address" not in page.content.decode()


def test_not_ticking_the_offer_saves_nothing(client, customer, signed_in):
    client.post("/checkout/", DETAILS)

    place(client)

    assert not Address.objects.filter(user=customer).exists()


def test_a_new_address_joins_a_book_without_changing_its_defaults(client, customer, signed_in):
    home = save_address(customer, HOME, is_default_shipping=True, is_default_billing=True)
    client.post("/checkout/", {**DETAILS, **ship_fields(COTTAGE), "save_address": "on"})

    place(client)

    added = Address.objects.get(user=customer, line1=COTTAGE["line1"])
    assert not added.is_default_shipping and not added.is_default_billing
    home.refresh_from_db()
    assert home.is_default_shipping


def test_a_declined_card_saves_no_address(client, customer, signed_in):
    client.post("/checkout/", {**DETAILS, "save_address": "on"})

    response = place(client, card_number="4000 0000 0000 0002")

    assert response.status_code == 402, response.status_code
    assert not Address.objects.exists() and not Order.objects.exists()


def test_a_guest_is_never_offered_the_address_book(client, bag):
    client.post("/checkout/", {**DETAILS, "save_address": "on"})

    place(client)

    assert not Address.objects.exists()
    assert "Save this address" not in client.get("/").content.decode()


# --- in a real browser ------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_guest_bag_merges_at_sign_in_and_checkout_starts_from_the_account(
    page, live_server, catalogue
):
    from axe_playwright_python.sync_playwright import Axe

    # given a member of staff (who signs in through the admin's real login page,
    # which calls django.contrib.auth.login like the shop's) with a saved bag and book
    user = User.objects.create_superuser(
        "ann@vivre.example", "correct horse battery", full_name="Ann", day_phone="+12125550148"
    )
    save_address(user, HOME, is_default_shipping=True, is_default_billing=True)
    save_address(user, COTTAGE)
    saved = create_cart(ip_address=None, customer=user)
    add_to_cart(cart=saved, variant_id=catalogue.carafe.variants.get().pk, quantity=1)

    # when, as a guest, they fill a bag and then sign in
    browser_kit.add_to_bag(page, catalogue.throw, colour="Ink")
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("E-mail address").fill("ann@vivre.example")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")

    # then the bag holds both, and step 1 starts from the account
    page.goto(f"{live_server.url}/cart/")
    assert Cart.objects.filter(customer=user, checked_out_at__isnull=True).count() == 1
    assert saved.lines.count() == 2
    page.goto(f"{live_server.url}/checkout/")
    assert page.get_by_label("E-mail").input_value() == "ann@vivre.example"
    assert page.get_by_label("Phone").input_value() == "(212) 555-0148"
    serious = [
        v for v in Axe().run(page).response["violations"] if v["impact"] in {"serious", "critical"}
    ]
    assert not serious, serious

    # and another saved address is one click away
    page.get_by_role("link", name="Ship to: Ann Example, 4 Dune Road, Montauk").click()
    shipping = page.get_by_role("group", name="Shipping address")
    assert shipping.get_by_label("Address", exact=True).input_value() == "4 Dune Road"
    page.get_by_role("button", name="Continue to review and pay").click()
    page.wait_for_url("**/checkout/review/")
    browser_kit.pay_and_place_order(page)
    order = Order.objects.get()
    assert order.customer == user and order.shipping_address.line1 == "4 Dune Road"
