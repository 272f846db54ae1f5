"""Fixtures for the browser tests: a small catalogue, the live server, a bag with items."""

from dataclasses import dataclass

import pytest

from vivre.catalog.models import Category, Department, Product, Variant
from vivre.catalog.testing import make_category, make_department, make_product

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 800}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

# A word found in several product descriptions (and one name), for search.
SEARCH_WORD = "linen"


@dataclass
class Catalogue:
    home: Department
    fashion: Department
    textiles: Category
    tableware: Category
    scarves: Category
    throw: Product  # three colours, one of them sold out
    napkins: Product  # two colours, both in stock
    carafe: Product  # one variant
    scarf: Product  # linen scarf, two colours
    sold_out: Product  # every variant sold out


@pytest.fixture
def browser_context_args(browser_context_args, live_server):
    """Point relative URLs (``page.goto("/")``) at the live server."""
    return {**browser_context_args, "base_url": live_server.url, "viewport": DESKTOP}


def _sell_out(variant: Variant) -> None:
    variant.stock = 0
    variant.save(update_fields=["stock", "updated_at"])
    variant.product.refresh_summary()


@pytest.fixture
def catalogue(transactional_db) -> Catalogue:
    """Load two departments, three categories and a handful of products with variants.

    The live server needs ``transactional_db``, whose flush also empties the rows
    that data migrations made (shipping methods, tax rates, service pages); the
    root conftest's ``_migrated_defaults`` puts them back before each test.
    """
    home = make_department(
        slug="home", name="Home", tagline="Linen, glass and things for the table."
    )
    fashion = make_department(
        slug="fashion-accessories", name="Fashion accessories", tagline="Scarves and more."
    )
    textiles = make_category(
        home, slug="textiles", name="Textiles", description="Throws and cushions in linen."
    )
    tableware = make_category(home, slug="tableware", name="Tableware")
    scarves = make_category(fashion, slug="scarves", name="Scarves")

    throw = make_product(
        textiles,
        slug="washed-linen-throw",
        name="Washed linen throw",
        description="A heavy throw of stone-washed Belgian linen, soft from the first day.",
        details="100% linen. 130 × 180 cm. Machine wash cool.",
        price="180.00",
        variants=3,
        is_featured=True,
    )
    _sell_out(throw.variants.order_by("position").last())
    napkins = make_product(
        tableware,
        slug="linen-napkins",
        name="Set of four napkins",
        description="Napkins of heavy linen with a mitred hem.",
        price="64.00",
        variants=2,
        is_featured=True,
    )
    carafe = make_product(
        tableware,
        slug="glass-carafe",
        name="Blown glass carafe",
        description="A mouth-blown carafe with a slender neck.",
        price="95.00",
    )
    scarf = make_product(
        scarves,
        slug="linen-scarf",
        name="Linen gauze scarf",
        description="A long, light scarf of linen gauze with hand-rolled edges.",
        price="120.00",
        variants=2,
        is_featured=True,
    )
    sold_out = make_product(
        scarves,
        slug="cashmere-wrap",
        name="Cashmere wrap",
        description="A cashmere wrap from the Scottish Borders.",
        price="420.00",
        stock=0,
    )
    for n in range(4):
        make_product(
            textiles,
            slug=f"cushion-{n}",
            name=f"Cushion cover no. {n + 1}",
            description="A cushion cover of washed linen with a hidden zip.",
            price="75.00",
        )
    return Catalogue(
        home=home,
        fashion=fashion,
        textiles=textiles,
        tableware=tableware,
        scarves=scarves,
        throw=throw,
        napkins=napkins,
        carafe=carafe,
        scarf=scarf,
        sold_out=sold_out,
    )


def add_to_bag(page, product: Product, colour: str | None = None) -> None:
    """Open a product page, choose a colour (or keep the default) and add it to the bag."""
    page.goto(f"/p/{product.slug}/")
    if colour:
        page.get_by_role("radio", name=colour).check()
    page.get_by_role("button", name="Add to bag").click()
    page.wait_for_url("**/cart/")


@pytest.fixture
def bag(page, catalogue) -> Catalogue:
    """Put two different products in this page's bag."""
    add_to_bag(page, catalogue.throw, colour="Ink")
    add_to_bag(page, catalogue.carafe)
    return catalogue


GUEST = {
    "email": "ada.guest@example.com",
    "phone": "212 555 0148",
    "name": "Ada Guest",
    "line1": "11 Mercer Street",
    "city": "New York",
    "state": "NY",
    "zip": "10013",
}
CARD = {"number": "4242 4242 4242 4242", "expiry": "12/30", "cvv": "123", "name": "Ada Guest"}


def fill_checkout_details(page, shipping_method: str = "Express") -> None:
    """Fill step 1 of the checkout as a guest shipping to the US, and continue."""
    page.get_by_label("E-mail").fill(GUEST["email"])
    page.get_by_label("Phone").fill(GUEST["phone"])
    shipping = page.get_by_role("group", name="Shipping address")
    shipping.get_by_label("Full name").fill(GUEST["name"])
    shipping.get_by_label("Address", exact=True).fill(GUEST["line1"])
    shipping.get_by_label("City").fill(GUEST["city"])
    shipping.get_by_label("State").select_option(GUEST["state"])
    shipping.get_by_label("ZIP code").fill(GUEST["zip"])
    page.get_by_label("Billing address is the same as shipping").check()
    page.get_by_role("group", name="Shipping method").get_by_role(
        "radio", name=shipping_method
    ).check()
    page.get_by_role("button", name="Continue to review and pay").click()
    page.wait_for_url("**/checkout/review/")


def pay_and_place_order(page) -> None:
    """Enter the sandbox's approving test card on the review step and place the order."""
    page.get_by_label("Card number").fill(CARD["number"])
    page.get_by_label("Expiry date").fill(CARD["expiry"])
    page.get_by_label("Security code").fill(CARD["cvv"])
    page.get_by_label("Name on card").fill(CARD["name"])
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/checkout/confirmation/*/")


def staff_page(browser, live_server, username: str = "boss"):
    """Return a page in a new browser context, signed in as a new superuser."""
    from vivre.accounts.models import User

    password = "correct horse battery"
    User.objects.create_superuser(f"{username}@vivre.example", password)
    page = browser.new_context(base_url=live_server.url).new_page()
    page.goto("/admin/login/")
    page.get_by_label("E-mail address").fill(f"{username}@vivre.example")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    return page
