"""Full-text product search in the database's own engine.

SQLite uses the FTS5 table ``catalog_product_fts`` (migration 0002) ranked by
bm25; PostgreSQL uses a weighted ``tsvector`` over the same two fields, served by a
GIN expression index. Either way the name weighs more than the description, every
word must match, and the last word also matches as a prefix, so that "cash" finds
"cashmere" while the customer is still typing.

User text never reaches a query language as written: it is cut into plain words
first, and only those words are quoted into the FTS5 or tsquery syntax.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, connections

from .models import Product

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
# A one-letter prefix matches most of the catalogue and says little.
MIN_PREFIX_CHARS = 2
# bm25 weights for the FTS5 columns (name, description).
NAME_WEIGHT = 10.0
DESCRIPTION_WEIGHT = 1.0

# Letters and digits in any script; everything else (quotes, stars, brackets,
# hyphens, carets, colons, underscores) separates words and is never passed on.
_WORD = re.compile(r"[^\W_]+")

FTS_TRIGGERS = {
    "catalog_product_fts_insert": """
        CREATE TRIGGER IF NOT EXISTS catalog_product_fts_insert
        AFTER INSERT ON catalog_product
        BEGIN
            INSERT INTO catalog_product_fts(rowid, name, description)
            VALUES (new.id, new.name, new.description);
        END
    """,
    "catalog_product_fts_delete": """
        CREATE TRIGGER IF NOT EXISTS catalog_product_fts_delete
        AFTER DELETE ON catalog_product
        BEGIN
            INSERT INTO catalog_product_fts(catalog_product_fts, rowid, name, description)
            VALUES ('delete', old.id, old.name, old.description);
        END
    """,
    "catalog_product_fts_update": """
        CREATE TRIGGER IF NOT EXISTS catalog_product_fts_update
        AFTER UPDATE OF id, name, description ON catalog_product
        WHEN old.id IS NOT new.id OR old.name IS NOT new.name
            OR old.description IS NOT new.description
        BEGIN
            INSERT INTO catalog_product_fts(catalog_product_fts, rowid, name, description)
            VALUES ('delete', old.id, old.name, old.description);
            INSERT INTO catalog_product_fts(rowid, name, description)
            VALUES (new.id, new.name, new.description);
        END
    """,
}


def search_terms(query: str) -> list[str]:
    """Return the plain words of a customer's query, lower-cased, at most ``MAX_TERMS``."""
    words = _WORD.findall((query or "")[:MAX_QUERY_CHARS].lower())
    return words[:MAX_TERMS]


def search_products(query: str, limit: int = 500) -> list[int]:
    """Return the ids of live products matching ``query``, best match first.

    Every word must appear in the name or description; the last word may be the
    start of a longer word. A query with no words (empty, punctuation) matches
    nothing. Ties are broken by id so that pages are stable.
    """
    terms = search_terms(query)
    if not terms or limit <= 0:
        return []
    if connection.vendor == "postgresql":
        return _search_postgresql(terms, limit)
    if connection.vendor == "sqlite":
        return _search_sqlite(terms, limit)
    raise NotImplementedError(f"No product search for {connection.vendor}")


def fts5_match_expression(terms: list[str]) -> str:
    """Return an FTS5 MATCH expression requiring every term, the last also as a prefix.

    Each term is a double-quoted string, so FTS5 operators (AND, OR, NOT, NEAR, ``*``,
    ``^``, column filters) typed by a customer are only ever words.
    """
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
    if len(terms[-1]) >= MIN_PREFIX_CHARS:
        quoted[-1] += "*"
    return " ".join(quoted)


def _search_sqlite(terms: list[str], limit: int) -> list[int]:
    sql = """
        SELECT p.id
        FROM catalog_product_fts
        JOIN catalog_product AS p ON p.id = catalog_product_fts.rowid
        WHERE catalog_product_fts MATCH %s AND p.is_active
        ORDER BY bm25(catalog_product_fts, %s, %s), p.id
        LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [fts5_match_expression(terms), NAME_WEIGHT, DESCRIPTION_WEIGHT, limit])
        return [row[0] for row in cursor.fetchall()]


def product_search_vector() -> SearchVector:
    """Return the weighted tsvector that the PostgreSQL GIN index (migration 0002) covers."""
    return SearchVector("name", weight="A", config="english") + SearchVector(
        "description", weight="B", config="english"
    )


def _postgresql_query(terms: list[str]) -> SearchQuery:
    # Each whole word goes to websearch_to_tsquery in quotes, so "or" and "-" stay
    # words; the prefix term is built from letters and digits only, so no tsquery
    # operator can slip into to_tsquery.
    *whole, last = terms
    if len(last) >= MIN_PREFIX_CHARS:
        query = SearchQuery(f"{last}:*", search_type="raw", config="english")
    else:
        whole.append(last)
        query = None
    if whole:
        words = SearchQuery(
            " ".join(f'"{term}"' for term in whole), search_type="websearch", config="english"
        )
        query = words if query is None else words & query
    return query


def _search_postgresql(terms: list[str], limit: int) -> list[int]:
    query = _postgresql_query(terms)
    vector = product_search_vector()
    matches = (
        Product.objects.live()
        .annotate(search=vector)
        .filter(search=query)
        .annotate(rank=SearchRank(vector, query))
        .order_by("-rank", "id")
        .values_list("id", flat=True)
    )
    return list(matches[:limit])


def ensure_search_index(using: str = "default") -> bool:
    """Recreate the SQLite search triggers if a table rebuild dropped them; say if it did.

    SQLite migrations that alter ``catalog_product`` copy it to a new table and drop
    the old one, which drops its triggers too. Run after ``migrate`` (a
    ``post_migrate`` receiver) to put them back and re-index what they missed.
    """
    conn = connections[using]
    if conn.vendor != "sqlite":
        return False
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'catalog_product'"
        )
        present = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'catalog_product_fts'"
        )
        if cursor.fetchone() is None or present >= set(FTS_TRIGGERS):
            return False
        for statement in FTS_TRIGGERS.values():
            cursor.execute(statement)
        cursor.execute("INSERT INTO catalog_product_fts(catalog_product_fts) VALUES ('rebuild')")
    return True
