"""My Account: the address book, with one default shipping and one default billing (P23)."""

import pytest
from django.test import Client

from vivre.accounts import services
from vivre.accounts.models import Address, User

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P23")]

BOOK = "/account/addresses/"
NEW = "/account/addresses/new/"


@pytest.fixture
def customer():
    return User.objects.create_user("ada@example.com", "correct horse battery", full_name="Ada")


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


def address_data(**overrides):
    return {
        "name": "Ada Lovelace",
        "line1": "11 Mercer Street",
        "line2": "Floor 3",
        "city": "New York",
        "state": "NY",
        "postal_code": "10013",
        **overrides,
    }


def add(customer, **overrides) -> Address:
    values = address_data(**overrides)
    flags = {k: values.pop(k) for k in ("default_shipping", "default_billing") if k in values}
    return services.add_address(user=customer, values=values, **flags)


def defaults(customer):
    shipping = Address.objects.get(user=customer, is_default_shipping=True)
    billing = Address.objects.get(user=customer, is_default_billing=True)
    return shipping, billing


def test_the_first_address_added_becomes_both_defaults(signed_in, customer):
    # when
    response = signed_in.post(NEW, address_data(), follow=True)
    # then
    assert response.redirect_chain[-1][0] == BOOK
    address = Address.objects.get(user=customer)
    assert address.is_default_shipping and address.is_default_billing
    assert address.postal_code == "10013"
    page = response.content.decode()
    assert "11 Mercer Street" in page
    assert "Default shipping and billing" in page


def test_a_new_address_ticked_as_default_shipping_takes_over_that_default(signed_in, customer):
    # given
    first = add(customer)
    # when
    signed_in.post(NEW, address_data(line1="2 Second Avenue", default_shipping="on"))
    # then
    second = Address.objects.get(user=customer, line1="2 Second Avenue")
    assert defaults(customer) == (second, first)


def test_a_new_address_without_ticks_is_no_default(signed_in, customer):
    first = add(customer)
    signed_in.post(NEW, address_data(line1="2 Second Avenue"))
    assert defaults(customer) == (first, first)
    assert Address.objects.filter(user=customer).count() == 2


def test_editing_changes_the_address_and_its_default_marks(signed_in, customer):
    # given
    first = add(customer)
    second = add(customer, line1="2 Second Avenue")
    # when the second is edited and ticked as billing default
    response = signed_in.post(
        f"{BOOK}{second.pk}/", address_data(line1="3 Third Street", default_billing="on")
    )
    # then
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.line1 == "3 Third Street"
    assert defaults(customer) == (first, second)


def test_edit_page_shows_the_address_and_its_marks(signed_in, customer):
    address = add(customer)
    page = signed_in.get(f"{BOOK}{address.pk}/").content.decode()
    assert 'value="11 Mercer Street"' in page
    assert 'name="default_shipping" id="id_default_shipping" checked' in page.replace(
        'type="checkbox" ', ""
    )


def test_make_default_swaps_the_old_default_in_one_step(signed_in, customer):
    # given
    first = add(customer)
    second = add(customer, line1="2 Second Avenue")
    # when
    response = signed_in.post(f"{BOOK}{second.pk}/default/", {"kind": "shipping"}, follow=True)
    # then
    assert "now your default shipping address" in response.content.decode()
    assert defaults(customer) == (second, first)
    signed_in.post(f"{BOOK}{second.pk}/default/", {"kind": "billing"})
    assert defaults(customer) == (second, second)


def test_make_default_with_an_unknown_kind_is_a_bad_request(signed_in, customer):
    address = add(customer)
    response = signed_in.post(f"{BOOK}{address.pk}/default/", {"kind": "gift"})
    assert response.status_code == 400


def test_deleting_the_default_passes_it_to_the_oldest_remaining_address(signed_in, customer):
    # given
    first = add(customer)
    second = add(customer, line1="2 Second Avenue")
    # when
    response = signed_in.post(f"{BOOK}{first.pk}/delete/")
    # then
    assert response.status_code == 302
    assert not Address.objects.filter(pk=first.pk).exists()
    assert defaults(customer) == (second, second)


def test_delete_needs_a_post(signed_in, customer):
    address = add(customer)
    assert signed_in.get(f"{BOOK}{address.pk}/delete/").status_code == 405
    assert Address.objects.filter(pk=address.pk).exists()


def test_the_book_is_capped_with_a_clear_message_and_nothing_saved(signed_in, customer):
    # given a full book
    for n in range(services.MAX_ADDRESSES):
        add(customer, line1=f"{n} Mercer Street")
    # when
    response = signed_in.post(NEW, address_data(line1="One Too Many Lane"))
    # then
    assert response.status_code == 409
    assert "the most it can keep" in response.content.decode()
    assert Address.objects.filter(user=customer).count() == services.MAX_ADDRESSES
    assert "the most it can keep" in signed_in.get(BOOK).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postal_code", "1001", "Enter a ZIP code"),
        ("postal_code", "ABCDE", "Enter a ZIP code"),
        ("state", "", "This field is required"),
        ("state", "XX", "Select a valid choice"),
        ("line1", "x" * 101, "at most 100 characters"),
        ("name", "", "This field is required"),
    ],
)
def test_bad_input_is_an_error_beside_the_field_and_nothing_is_saved(
    signed_in, customer, field, value, message
):
    response = signed_in.post(NEW, address_data(**{field: value}))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}-error"' in page
    assert message in page
    assert not Address.objects.filter(user=customer).exists()


def test_a_bad_edit_leaves_the_address_as_it_was(signed_in, customer):
    address = add(customer)
    response = signed_in.post(f"{BOOK}{address.pk}/", address_data(line1="New", postal_code="1"))
    assert response.status_code == 400
    address.refresh_from_db()
    assert address.line1 == "11 Mercer Street"


def test_zip_plus_four_is_normalized(signed_in, customer):
    signed_in.post(NEW, address_data(postal_code="100131234"))
    assert Address.objects.get(user=customer).postal_code == "10013-1234"


def test_markup_in_an_address_is_shown_escaped(signed_in, customer):
    add(customer, name='<img src=x onerror="alert(1)">')
    page = signed_in.get(BOOK).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_missing_csrf_token_is_refused(customer):
    address = add(customer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    assert client.post(NEW, address_data()).status_code == 403
    assert client.post(f"{BOOK}{address.pk}/delete/").status_code == 403
    assert client.post(f"{BOOK}{address.pk}/default/", {"kind": "billing"}).status_code == 403
    assert Address.objects.filter(user=customer).count() == 1
