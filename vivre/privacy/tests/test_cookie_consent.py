"""Cookie consent (P21): only strictly necessary cookies until the visitor says yes."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template.loader import get_template
from django.test import Client, RequestFactory

from vivre.accounts.models import User
from vivre.catalog.testing import make_product
from vivre.checkout.testing import ensure_checkout_defaults
from vivre.orders.models import Order
from vivre.privacy.consent import Channel, Purpose, subject_key_for_customer
from vivre.privacy.cookies import (
    ATTRIBUTION_COOKIE,
    CHOICE_COOKIE,
    VISITOR_COOKIE,
    cookie_choices,
    shop_cookies,
)
from vivre.privacy.models import ConsentRecord

pytestmark = [pytest.mark.django_db, pytest.mark.promise("P21")]

COOKIES_URL = "/privacy/cookies/"
NECESSARY = {c.name for c in shop_cookies() if c.necessary}
OPTIONAL = {c.name for c in shop_cookies() if not c.necessary}


@pytest.fixture
def product():
    ensure_checkout_defaults()
    return make_product(price="100.00", stock=5)


def set_cookie_names(response) -> set[str]:
    """Names of the cookies a response sets (not those it deletes)."""
    return {name for name, morsel in response.cookies.items() if morsel["max-age"] != 0}


def deleted_cookie_names(response) -> set[str]:
    return {name for name, morsel in response.cookies.items() if morsel["max-age"] == 0}


def choose(client, choice: str, next_url: str = "/"):
    return client.post(COOKIES_URL, {"choice": choice, "next": next_url})


def first_visit(client, product) -> set[str]:
    """Visit home, a product page and the bag, add to the bag; return every cookie set."""
    seen: set[str] = set()
    for url in ("/", f"/p/{product.slug}/", "/cart/"):
        response = client.get(url)
        assert response.status_code == 200, url
        seen |= set_cookie_names(response)
    response = client.post("/cart/add/", {"variant": product.variants.get().pk, "quantity": 1})
    assert response.status_code == 302
    seen |= set_cookie_names(response)
    seen |= set_cookie_names(client.get("/cart/"))
    return seen


def test_a_first_visit_sets_only_strictly_necessary_cookies(client, product):
    # when a new visitor browses and fills a bag without choosing
    seen = first_visit(client, product)
    # then every cookie set is a necessary one, and the bag's is among them
    assert seen <= NECESSARY, seen - NECESSARY
    assert settings.VIVRE["CART_COOKIE"] in seen
    assert not seen & OPTIONAL
    assert CHOICE_COOKIE not in seen


def test_the_banner_offers_accept_and_reject_as_equals_until_a_choice(client):
    # when
    page = client.get("/").content.decode()
    # then the banner is a named region with two identical buttons
    assert 'role="region" aria-label="Cookie choices"' in page
    button = '<button type="submit" class="button" name="choice" value="accepted">Accept</button>'
    assert button in page
    button = '<button type="submit" class="button" name="choice" value="rejected">Reject</button>'
    assert button in page
    assert page.count(f'action="{COOKIES_URL}"') == 2
    # and once a choice is made it is gone
    choose(client, "rejected")
    assert 'aria-label="Cookie choices"' not in client.get("/").content.decode()


def test_accepting_sets_the_tracking_cookies(client, product):
    # given a visitor who landed from a campaign
    landing = "/?utm_source=newsletter&utm_campaign=spring-2026"
    client.get(landing)
    # when they accept
    response = choose(client, "accepted", landing)
    # then they go back where they were with the choice remembered for a year
    assert response.status_code == 302
    assert response["Location"] == landing
    morsel = response.cookies[CHOICE_COOKIE]
    assert morsel["max-age"] == 365 * 24 * 3600
    assert morsel["samesite"] == "Lax"
    assert morsel["httponly"]
    assert VISITOR_COOKIE in set_cookie_names(response)
    # and the landing URL's campaign is kept for 30 days
    followed = client.get(landing)
    attribution = followed.cookies[ATTRIBUTION_COOKIE]
    assert attribution.value == "newsletter:spring-2026"
    assert attribution["max-age"] == 30 * 24 * 3600
    assert client.cookies[VISITOR_COOKIE].value
    # and the visitor id is not replaced on every page
    assert VISITOR_COOKIE not in client.get(f"/p/{product.slug}/").cookies


def test_attribution_keeps_only_safe_characters(client):
    choose(client, "accepted")
    response = client.get("/?utm_source=<script>x&utm_campaign=" + "a" * 300)
    assert response.cookies[ATTRIBUTION_COOKIE].value == "script-x:" + "a" * 50


def test_rejecting_deletes_tracking_cookies(client, product):
    # given a visitor who accepted, then browsed
    choose(client, "accepted")
    client.get("/?utm_source=partner")
    assert {VISITOR_COOKIE, ATTRIBUTION_COOKIE} <= set(client.cookies.keys())
    # when they reject
    response = choose(client, "rejected")
    # then both tracking cookies are deleted, and never set again
    assert deleted_cookie_names(response) >= {VISITOR_COOKIE, ATTRIBUTION_COOKIE}
    assert client.cookies[CHOICE_COOKIE].value
    for url in ("/?utm_source=partner", f"/p/{product.slug}/", "/cart/"):
        assert not set_cookie_names(client.get(url)) & OPTIONAL


def test_tracking_cookies_left_over_without_a_choice_are_deleted(client):
    client.cookies[VISITOR_COOKIE] = "left-over"
    response = client.get("/")
    assert VISITOR_COOKIE in deleted_cookie_names(response)


def test_a_tampered_choice_cookie_counts_as_no_choice(client):
    client.cookies[CHOICE_COOKIE] = "accepted"  # not signed
    response = client.get("/")
    assert not set_cookie_names(response) & OPTIONAL
    assert 'aria-label="Cookie choices"' in response.content.decode()


@pytest.mark.promise("P16")
def test_a_signed_in_customers_choice_goes_into_the_ledger(client):
    customer = User.objects.create_user("ada@example.com", "correct horse battery")
    client.force_login(customer)
    choose(client, "accepted")
    choose(client, "rejected")
    rows = ConsentRecord.objects.filter(subject_key=subject_key_for_customer(customer.pk))
    assert [(r.purpose, r.granted, r.channel, r.recorded_by) for r in rows.order_by("id")] == [
        (Purpose.TRACKING_COOKIES, True, Channel.COOKIE_BANNER, "self"),
        (Purpose.TRACKING_COOKIES, False, Channel.COOKIE_BANNER, "self"),
    ]


def test_a_guests_choice_leaves_nothing_in_the_ledger(client):
    choose(client, "accepted")
    assert not ConsentRecord.objects.exists()


def test_the_cookie_page_shows_the_choice_and_lists_every_cookie(client, product):
    # given every cookie the shop set along a visit, an acceptance and a sign-in
    seen = first_visit(client, product)
    seen |= set_cookie_names(choose(client, "accepted"))
    seen |= set_cookie_names(client.get("/?utm_source=a&utm_campaign=b"))
    # when
    response = client.get(COOKIES_URL)
    page = response.content.decode()
    # then each is listed, with the device cookie of "keep me signed in" too
    assert response.status_code == 200
    for name in seen | {c.name for c in shop_cookies()}:
        assert f"<code>{name}</code>" in page, name
    assert {VISITOR_COOKIE, ATTRIBUTION_COOKIE, "vivre_device"} <= {c.name for c in shop_cookies()}
    assert page.count("Optional, only if you accept") == 2
    assert "<strong>accepted</strong>" in page
    assert 'value="accepted">Accept</button>' in page
    assert 'value="rejected">Reject</button>' in page


def test_the_cookie_page_before_any_choice(client):
    page = client.get(COOKIES_URL).content.decode()
    assert "not chosen yet, so they are off" in page
    # the banner does not repeat the page's own buttons
    assert page.count('value="accepted">Accept</button>') == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "https://evil.example", "HTTP_SEC_FETCH_SITE": "same-origin"},
    ],
)
def test_a_choice_not_sent_from_this_site_is_refused(headers):
    # a forged cross-site form (or one that does not say where it came from)
    client = Client(enforce_csrf_checks=True)
    response = client.post(COOKIES_URL, {"choice": "accepted", "next": "/"}, **headers)
    # gets the shop's 403 page and changes nothing
    assert response.status_code == 403
    assert "That page is not open to you" in response.content.decode()
    assert CHOICE_COOKIE not in response.cookies
    assert VISITOR_COOKIE not in response.cookies


@pytest.mark.parametrize(
    "headers", [{"HTTP_ORIGIN": "http://testserver"}, {"HTTP_SEC_FETCH_SITE": "same-origin"}]
)
def test_the_banner_form_sent_from_this_site_counts(headers):
    client = Client(enforce_csrf_checks=True)
    response = client.post(COOKIES_URL, {"choice": "accepted"}, **headers)
    assert response.status_code == 302
    assert VISITOR_COOKIE in response.cookies


def test_the_banner_sets_no_csrf_cookie_and_echoes_no_address(client):
    # the banner is on every page: it must not make browsing set a cookie,
    # nor copy the address (a query string, an order number) into the page
    response = client.get("/search/?q=secret-word")
    assert not response.cookies
    banner = response.content.decode().split('aria-label="Cookie choices"')[1].split("</main")[0]
    assert "secret-word" not in banner.split("<main")[0]


def test_without_next_the_visitor_goes_back_to_the_page_they_were_on(client):
    response = client.post(
        COOKIES_URL, {"choice": "rejected"}, HTTP_REFERER="http://testserver/p/x/?utm_source=a"
    )
    assert response["Location"] == "/p/x/?utm_source=a"
    off_site = client.post(
        COOKIES_URL, {"choice": "rejected"}, HTTP_REFERER="https://evil.example/p/x/"
    )
    assert off_site["Location"] == COOKIES_URL


@pytest.mark.parametrize(
    "bad_next",
    ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "http:/evil", "x" * 3000],
)
def test_an_off_site_next_is_ignored(client, bad_next):
    response = choose(client, "rejected", bad_next)
    assert response.status_code == 302
    assert response["Location"] == COOKIES_URL


@pytest.mark.parametrize("data", [{}, {"choice": "maybe"}, {"choice": "x" * 5000}])
def test_a_bad_choice_is_a_400_and_changes_nothing(client, data):
    response = client.post(COOKIES_URL, data)
    assert response.status_code == 400
    assert "Please choose Accept or Reject." in response.content.decode()
    assert CHOICE_COOKIE not in response.cookies


def test_the_banner_costs_no_database_query_for_a_guest(django_assert_num_queries):
    request = RequestFactory().get("/p/some-thing/")
    with django_assert_num_queries(0):
        html = get_template("privacy/_cookie_banner.html").render(
            {**cookie_choices(request), "request": request}
        )
    assert "Accept" in html and "Reject" in html


def test_a_guest_who_rejected_cookies_can_still_check_out(client, product):
    # given a visitor who rejected the optional cookies and filled a bag
    choose(client, "rejected")
    variant = product.variants.get()
    client.post("/cart/add/", {"variant": variant.pk, "quantity": 1})
    details = {
        "email": "ada@example.com", "phone": "(212) 555-0148", "ship_name": "Ada Lovelace",
        "ship_line1": "11 Mercer Street", "ship_city": "New York", "ship_state": "NY",
        "ship_postal_code": "10013", "billing_same": "on", "shipping_method": "standard",
    }  # fmt: skip
    from vivre.checkout.tests.conftest import card_data, hidden_fields

    assert client.post("/checkout/", details).status_code == 302
    review = client.get("/checkout/review/")
    response = client.post("/checkout/review/", {**hidden_fields(review), **card_data()})
    # then the order is placed, and no optional cookie was ever set
    assert response.status_code == 302
    assert Order.objects.count() == 1
    assert not set(client.cookies.keys()) & OPTIONAL
