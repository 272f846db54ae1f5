"""Full-text product search on the database's own engine (FTS5 or PostgreSQL tsvector)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vivre.catalog.models import Product
from vivre.catalog.search import (
    MAX_TERMS,
    ensure_search_index,
    fts5_match_expression,
    search_products,
    search_terms,
)
from vivre.catalog.testing import make_category, make_product

pytestmark = pytest.mark.django_db

HOSTILE = [
    '"',
    '""',
    "'",
    "*",
    "**cash",
    "NEAR(",
    "NEAR(silk scarf, 2)",
    "-",
    "-silk",
    "silk -scarf",
    "^silk",
    "name:silk",
    "{name description}: silk",
    "silk AND OR NOT",
    "OR",
    "(",
    ")",
    "silk)",
    "a & b | !c <-> d:*",
    "'; DROP TABLE catalog_product; --",
    "1' OR '1'='1",
    "%",
    "_",
    "\\",
    "\x00",
    "ünïcödé ✨ 🧣",
    "silk " * 200,
    "x" * 1000,
]


@pytest.fixture
def shop():
    category = make_category()
    return {
        "name_match": make_product(
            category,
            name="Ivory Cashmere Throw",
            description="Woven on narrow looms in the Scottish Borders.",
        ),
        "description_match": make_product(
            category,
            name="Oat Merino Blanket",
            description="Merino with a little cashmere, brushed for softness.",
        ),
        "unrelated": make_product(
            category,
            name="Fluted Stoneware Vase",
            description="Hand-thrown in Bassano del Grappa.",
        ),
    }


def test_name_match_ranks_above_description_only_match(shop):
    # when
    ids = search_products("cashmere")

    # then
    assert ids == [shop["name_match"].pk, shop["description_match"].pk]


def test_last_word_also_matches_as_a_prefix(shop):
    # when
    ids = search_products("cash")

    # then
    assert shop["name_match"].pk in ids and shop["description_match"].pk in ids


def test_every_word_must_match(shop):
    # when
    ids = search_products("cashmere looms")

    # then
    assert ids == [shop["name_match"].pk]


def test_search_ignores_case_and_punctuation(shop):
    # when
    ids = search_products("  IVORY,   cashmere!! ")

    # then
    assert ids == [shop["name_match"].pk]


def test_accented_names_are_found(db):
    # given
    product = make_product(name="Étoile Porcelain Plate", description="Gilded rim.")

    # then
    assert search_products("étoile") == [product.pk]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_never_errors(shop, query):
    # when
    ids = search_products(query)

    # then
    assert isinstance(ids, list)
    assert Product.objects.count() == 3


@pytest.mark.parametrize("query", ["", "   ", "***", '"-"', "()", "?!", "—", None])
def test_empty_or_punctuation_only_query_returns_nothing(shop, query):
    # when
    with CaptureQueriesContext(connection) as queries:
        ids = search_products(query)

    # then
    assert ids == []
    assert len(queries) == 0


def test_operators_typed_by_a_customer_are_only_words(shop):
    # then: neither "or" nor "-" widens or narrows the search
    assert search_products("cashmere OR vase") == []
    assert search_products("cashmere -throw") == [shop["name_match"].pk]
    assert search_products("cashmere NEAR vase") == []


def test_long_query_is_cut_short():
    # when
    terms = search_terms("silk " * 500)

    # then
    assert len(terms) <= MAX_TERMS


def test_inactive_products_are_excluded(shop):
    # given
    Product.objects.filter(pk=shop["name_match"].pk).update(is_active=False)

    # when
    ids = search_products("cashmere")

    # then
    assert ids == [shop["description_match"].pk]


def test_a_renamed_product_is_found_by_its_new_name_only(shop):
    # given
    vase = shop["unrelated"]
    vase.name = "Celadon Porcelain Bud Vase"
    vase.save()

    # then
    assert search_products("celadon") == [vase.pk]
    assert search_products("stoneware") == []


def test_a_changed_description_is_searched(shop):
    # given
    Product.objects.filter(pk=shop["unrelated"].pk).update(description="Glazed in Bizen.")

    # then
    assert search_products("bizen") == [shop["unrelated"].pk]
    assert search_products("bassano") == []


def test_a_deleted_product_disappears(shop):
    # given
    shop["name_match"].delete()

    # then
    assert search_products("cashmere") == [shop["description_match"].pk]


def test_bulk_created_products_are_searchable(db):
    # given
    category = make_category()
    Product.objects.bulk_create(
        Product(category=category, slug=f"alpaca-{i}", name=f"Alpaca Wrap {i}", description="Soft.")
        for i in range(30)
    )

    # then
    assert len(search_products("alpaca")) == 30


def test_limit_caps_the_results(db):
    # given
    category = make_category()
    for i in range(5):
        make_product(category, name=f"Linen Napkins {i}")

    # then
    assert len(search_products("linen", limit=3)) == 3
    assert search_products("linen", limit=0) == []


def test_fts5_expression_quotes_every_term():
    # then
    assert fts5_match_expression(["near", "silk"]) == '"near" "silk"*'
    assert fts5_match_expression(["a"]) == '"a"'


def test_sqlite_triggers_exist_after_migrations():
    # A migration that rebuilds catalog_product on SQLite drops its triggers;
    # this fails until ensure_search_index() puts them back.
    if connection.vendor != "sqlite":
        pytest.skip("SQLite keeps its search index with triggers")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'catalog_product'"
        )
        names = {row[0] for row in cursor.fetchall()}

    # then
    assert names >= {
        "catalog_product_fts_insert",
        "catalog_product_fts_update",
        "catalog_product_fts_delete",
    }


def test_ensure_search_index_restores_dropped_triggers(shop):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite keeps its search index with triggers")
    # given
    with connection.cursor() as cursor:
        for name in ("insert", "update", "delete"):
            cursor.execute(f"DROP TRIGGER catalog_product_fts_{name}")
    missed = make_product(name="Quokka Linen Cushion")

    # when
    restored = ensure_search_index()

    # then
    assert restored
    assert search_products("quokka") == [missed.pk]
    assert not ensure_search_index()


def test_postgresql_search_uses_the_gin_index(shop):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    # given
    with CaptureQueriesContext(connection) as queries:
        search_products("cashmere throw")
    sql = queries.captured_queries[-1]["sql"]

    # when
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql.replace('"catalog_product"."is_active" AND', ""))
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # then
    assert "catalog_product_search_gin" in plan
