"""The packing slip (P25): what is in the parcel and where it goes; a gift's shows no prices."""

from decimal import Decimal

import pytest

from vivre.orders.testing import make_order

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P25")]

MESSAGE = 'Happy birthday!\n<b>Love</b>, Ada <script>alert("x")</script>'


@pytest.fixture
def gift(db):
    return make_order(quantities=(2, 1), is_gift=True, gift_message=MESSAGE, gift_wrap=True,
                      gift_wrap_charge=Decimal("7.50"))  # fmt: skip


def slip(client, order):
    return client.get(f"/staff/fulfilment/orders/{order.number}/packing-slip/")


def test_a_gifts_slip_has_items_recipient_message_and_wrap_but_no_prices(packer_client, gift):
    response = slip(packer_client, gift)
    assert response.status_code == 200
    html = response.content.decode()
    main = html[html.index('class="packing-slip"') :]
    for line in gift.lines.all():
        assert line.product_name in main
    assert ">2<" in main and ">1<" in main
    assert gift.shipping_address.name in main
    assert gift.shipping_address.line1 in main
    assert "Happy birthday!<br>" in main
    assert "Gift wrap" in main
    assert "$" not in main
    assert "vivre/print.css" in html


def test_markup_in_the_gift_message_is_escaped_on_the_slip(packer_client, gift):
    html = slip(packer_client, gift).content.decode()
    assert "<b>Love</b>" not in html and "<script>alert" not in html
    assert "&lt;b&gt;Love&lt;/b&gt;" in html


def test_an_ordinary_orders_slip_lists_prices(packer_client, order):
    html = slip(packer_client, order).content.decode()
    main = html[html.index('class="packing-slip"') :]
    assert "$40.00" in main
    assert "Gift message" not in main


def test_the_fulfilment_order_page_links_to_the_slip(packer_client, gift):
    html = packer_client.get(f"/staff/fulfilment/orders/{gift.number}/").content.decode()
    assert f"/staff/fulfilment/orders/{gift.number}/packing-slip/" in html


def test_only_fulfilment_staff_see_the_slip(client, carer, gift):
    assert slip(client, gift).status_code in (302, 403)
    client.force_login(carer)
    assert slip(client, gift).status_code == 403


def test_an_unknown_order_has_no_slip(packer_client):
    assert (
        packer_client.get("/staff/fulfilment/orders/VV-NONE-XXXX/packing-slip/").status_code == 404
    )
