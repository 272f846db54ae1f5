"""Test helpers for the privacy proofs: read the whole database as text."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


def dump_database() -> dict[str, str]:
    """Return every table of the database as text, every column cast to text.

    Django's and third-party tables included: a proof that something is nowhere
    must not trust the data map to know every place.
    """
    out = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            if connection.vendor == "sqlite":
                # SQLite's CAST of a BLOB (vault ciphertext) is not valid UTF-8; the
                # repr of the raw value shows text as text and bytes escaped.
                selected = ", ".join(quote(c) for c in columns)
            else:
                selected = ", ".join(f"CAST({quote(c)} AS TEXT)" for c in columns)
            cursor.execute(f"SELECT {selected} FROM {quote(table)}")  # noqa: S608
            out[table] = repr(cursor.fetchall())
    return out


@contextmanager
def log_to_file(path: Path, *filters):
    """Send every log record (INFO and up) to ``path`` while the block runs.

    The shop's own redaction happens when a record is created (see
    ``vivre.core.logging``), so a plain file handler sees what production files see.
    """
    handler = logging.FileHandler(path, encoding="utf-8")
    for f in filters:
        handler.addFilter(f)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()
