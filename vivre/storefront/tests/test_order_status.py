"""“Your order”: guests find an order by number and e-mail, and nobody can guess one."""

from decimal import Decimal

import pytest

from vivre.orders.testing import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    return make_order(
        quantities=(2,),
        price="120.00",
        email="Ada@Example.com",
        shipping_charge=Decimal("0.00"),
        tax=Decimal("21.30"),
    )


@pytest.mark.promise("P25")
def test_guest_finds_the_order_by_number_and_email(client, order):
    # when (the e-mail in another case, the number in lower case)
    response = client.post(
        "/orders/", {"number": order.number.lower(), "email": "ada@example.com"}, follow=True
    )

    # then the order page shows its status, items and totals
    text = response.content.decode()
    assert response.status_code == 200
    assert order.number in text and order.lines.get().product_name in text
    assert "$261.30" in text
    assert "Nothing has shipped yet" in text


def test_wrong_email_finds_nothing_and_says_so(client, order):
    response = client.post("/orders/", {"number": order.number, "email": "eve@example.com"})
    assert response.status_code == 404
    assert "couldn’t find an order" in response.content.decode()
    assert client.get(f"/orders/{order.number}/").status_code == 302


def test_order_page_needs_a_lookup_first(client, order):
    response = client.get(f"/orders/{order.number}/")
    assert response.status_code == 302 and response["Location"] == "/orders/"
    assert client.get("/orders/VV-NOPE-NOPE/").status_code == 404


@pytest.mark.parametrize(
    "data", [{}, {"number": "", "email": "x"}, {"number": "x" * 500, "email": "a@b.c"}]
)
def test_bad_input_shows_field_errors(client, data):
    response = client.post("/orders/", data)
    assert response.status_code == 400
    assert "field-error" in response.content.decode()


def test_guessing_is_throttled_per_visitor(client, order):
    # given ten wrong guesses from one address
    for i in range(10):
        client.post("/orders/", {"number": f"VV-AAAA-AA{i:02d}", "email": "eve@example.com"})

    # when the right pair comes next from the same address
    response = client.post("/orders/", {"number": order.number, "email": "ada@example.com"})

    # then it is refused until the window passes
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_guessing_one_order_is_throttled_across_visitors(client, order):
    for i in range(10):
        client.post(
            "/orders/",
            {"number": order.number, "email": f"guess{i}@example.com"},
            REMOTE_ADDR=f"198.51.100.{i}",
        )
    response = client.post(
        "/orders/", {"number": order.number, "email": "ada@example.com"}, REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == 429
