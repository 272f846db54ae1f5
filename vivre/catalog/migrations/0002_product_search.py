"""Full-text search over product names and descriptions, in the database's own engine.

SQLite: an FTS5 external-content table kept in step by triggers. PostgreSQL: a GIN
expression index over the same weighted tsvector that ``catalog.search`` queries.
Each half does nothing on the other database.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

SQLITE_CREATE = [
    # porter stems ("scarves" finds "scarf"); remove_diacritics folds "étoile" to "etoile".
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS catalog_product_fts USING fts5(
        name, description,
        content='catalog_product', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER IF NOT EXISTS catalog_product_fts_insert AFTER INSERT ON catalog_product
    BEGIN
        INSERT INTO catalog_product_fts(rowid, name, description)
        VALUES (new.id, new.name, new.description);
    END
    """,
    # An external-content index must be told the old text to forget it exactly.
    """
    CREATE TRIGGER IF NOT EXISTS catalog_product_fts_delete AFTER DELETE ON catalog_product
    BEGIN
        INSERT INTO catalog_product_fts(catalog_product_fts, rowid, name, description)
        VALUES ('delete', old.id, old.name, old.description);
    END
    """,
    """
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
    "INSERT INTO catalog_product_fts(catalog_product_fts) VALUES ('rebuild')",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS catalog_product_fts_insert",
    "DROP TRIGGER IF EXISTS catalog_product_fts_delete",
    "DROP TRIGGER IF EXISTS catalog_product_fts_update",
    "DROP TABLE IF EXISTS catalog_product_fts",
]

POSTGRES_INDEX_NAME = "catalog_product_search_gin"


def postgres_index():
    # Must stay the very expression catalog.search.product_search_vector() builds,
    # or the planner will not use the index.
    return GinIndex(
        SearchVector("name", weight="A", config="english")
        + SearchVector("description", weight="B", config="english"),
        name=POSTGRES_INDEX_NAME,
    )


def create_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.add_index(apps.get_model("catalog", "Product"), postgres_index())


def drop_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("catalog", "Product"), postgres_index())


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(create_search_index, drop_search_index, elidable=False)]
