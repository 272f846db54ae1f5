"""Real threads against PostgreSQL: two sign-ins at once merge without loss or duplicates."""

import threading

import pytest
from django.db import connection

from vivre.accounts.models import User
from vivre.cart.models import Cart, CartLine
from vivre.cart.services import add_to_cart, create_cart, merge_guest_cart
from vivre.catalog.testing import make_product

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Run each callable at the same moment from its own thread; re-raise any failure."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            barrier.wait()
            call()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def guest_bag(*items):
    cart = create_cart(ip_address="198.51.100.1")
    for variant, quantity in items:
        add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


@pytest.mark.parametrize("has_saved_bag", [False, True])
def test_two_sign_ins_at_once_merge_into_one_bag(has_saved_bag):
    # given one customer signing in on two devices, each with a guest bag
    customer = User.objects.create_user("ann@example.com", "a long pass phrase 7")
    shared = make_product(stock=50).variants.get()
    laptop_only = make_product(stock=50).variants.get()
    phone_only = make_product(stock=50).variants.get()
    if has_saved_bag:
        saved = create_cart(ip_address=None, customer=customer)
        add_to_cart(cart=saved, variant_id=shared.pk, quantity=1)
    laptop = guest_bag((shared, 2), (laptop_only, 1))
    phone = guest_bag((shared, 3), (phone_only, 4))

    # when both sign in at the same moment
    run_together(
        *(
            lambda bag=bag: merge_guest_cart(
                guest_cart_id=bag.pk, customer=customer, ip_address="203.0.113.5"
            )
            for bag in (laptop, phone)
        )
    )

    # then one open bag holds everything, once
    open_bags = Cart.objects.filter(customer=customer, checked_out_at__isnull=True)
    assert open_bags.count() == 1
    lines = CartLine.objects.filter(cart=open_bags.get())
    assert sorted(lines.values_list("variant_id", "quantity")) == sorted(
        [
            (shared.pk, 5 + (1 if has_saved_bag else 0)),
            (laptop_only.pk, 1),
            (phone_only.pk, 4),
        ]
    )
    assert Cart.objects.count() == 1
