"""The search index, in the database itself so it changes in the same transaction as the text.

SQLite: one FTS5 table with the trigram tokenizer (substring matching that
works for Chinese, which has no spaces between words), filled by triggers on
posts, threads and replies. Its rowid encodes the source row:
``id * 4 + kind`` (1 post, 2 thread, 3 reply), so a trigger finds its entry
by rowid instead of scanning.

PostgreSQL: the pg_trgm extension and GIN trigram indexes on the three body
columns; ``ILIKE '%...%'`` uses them, and PostgreSQL updates an index in
the writing transaction itself, so no triggers are needed.

``db.create_all()`` creates all of this through ``after_create`` listeners.
Alembic revisions do not call this module: each one carries, as literal
statements, the DDL of its own time (see the first revision), so an old
revision never changes when this file does. tests/test_migrations.py checks
that a migrated database has the same search objects as ``create_all``;
changing the statements here therefore needs a new revision too.
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from sqlalchemy import DDL, event
from sqlalchemy.engine import Connection

from ..models import Post, Reply, Thread

FTS_TABLE = "search_fts"
#: Entry kinds in the FTS rowid (``id * 4 + kind``).
KINDS = {"posts": 1, "threads": 2, "replies": 3}
#: The column each kind is searched by: residents' text as the public reads it
#: (personal information masked), so no search can probe a masked number or address.
COLUMNS = {"posts": "body", "threads": "body_public", "replies": "body_public"}
#: FTS5's trigram tokenizer arrived in SQLite 3.34.0.
TRIGRAM_SQLITE = (3, 34, 0)

_FTS = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} "
    "USING fts5(body, tokenize='trigram')"
)


# The statements below are built from the constant names above only, never from input.
def _sqlite_triggers(table: str) -> list[str]:
    n, col = KINDS[table], COLUMNS[table]
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_search_ai AFTER INSERT ON {table} BEGIN
  INSERT INTO {FTS_TABLE}(rowid, body) VALUES (new.id * 4 + {n}, coalesce(new.{col}, ''));
END""",  # noqa: S608 - constant names only
        f"""CREATE TRIGGER IF NOT EXISTS {table}_search_au AFTER UPDATE OF {col} ON {table} BEGIN
  DELETE FROM {FTS_TABLE} WHERE rowid = old.id * 4 + {n};
  INSERT INTO {FTS_TABLE}(rowid, body) VALUES (new.id * 4 + {n}, coalesce(new.{col}, ''));
END""",  # noqa: S608 - constant names only
        f"""CREATE TRIGGER IF NOT EXISTS {table}_search_ad AFTER DELETE ON {table} BEGIN
  DELETE FROM {FTS_TABLE} WHERE rowid = old.id * 4 + {n};
END""",  # noqa: S608 - constant names only
    ]


def _sqlite_rebuild(table: str) -> list[str]:
    """Refill one kind of entry from its table (rows may have changed while no trigger ran)."""
    n, col = KINDS[table], COLUMNS[table]
    return [
        f"DELETE FROM {FTS_TABLE} WHERE rowid % 4 = {n}",  # noqa: S608 - constant names only
        f"INSERT INTO {FTS_TABLE}(rowid, body) SELECT id * 4 + {n}, coalesce({col}, '') FROM {table}",  # noqa: S608
    ]


def _postgres_statements(table: str) -> list[str]:
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"CREATE INDEX IF NOT EXISTS ix_{table}_body_trgm ON {table} USING gin ({COLUMNS[table]} gin_trgm_ops)",
    ]


def sqlite_has_trigram() -> bool:
    return sqlite3.sqlite_version_info >= TRIGRAM_SQLITE


def install_search(connection: Connection) -> None:
    """Create the search index (idempotent) and fill it from the tables.

    For repairing a database by hand (for instance after a table was rebuilt
    on SQLite, whose triggers go with the old copy). Alembic revisions carry
    their own literal statements instead of calling this.
    """
    dialect = connection.dialect.name
    for table in KINDS:
        if dialect == "sqlite":
            if not sqlite_has_trigram():
                raise RuntimeError("search needs SQLite 3.34 or newer (FTS5 trigram tokenizer)")
            connection.execute(sa.text(_FTS))
            for statement in _sqlite_triggers(table):
                connection.execute(sa.text(statement))
            for statement in _sqlite_rebuild(table):
                connection.execute(sa.text(statement))
        elif dialect == "postgresql":
            for statement in _postgres_statements(table):
                connection.execute(sa.text(statement))


def _attach() -> None:
    """Make ``metadata.create_all()`` build the index with the tables."""
    for model in (Post, Thread, Reply):
        table = model.__table__
        name = table.name
        event.listen(table, "after_create", DDL(_FTS).execute_if(dialect="sqlite"))
        for statement in _sqlite_triggers(name):
            event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
        for statement in _postgres_statements(name):
            event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))
    # The FTS table belongs to no model; drop it with the posts so drop_all leaves nothing.
    event.listen(
        Post.__table__, "after_drop", DDL(f"DROP TABLE IF EXISTS {FTS_TABLE}").execute_if(dialect="sqlite")
    )


_attach()


def alembic_include_name(name: str | None, type_: str, parent_names) -> bool:
    """For ``context.configure(include_name=...)`` in migrations/env.py: autogenerate
    must not offer to drop the FTS table (and its shadow tables) or the trigram
    indexes, which no model declares."""
    if type_ == "table" and name and name.startswith(FTS_TABLE):
        return False
    if type_ == "index" and name and name.endswith("_body_trgm"):
        return False
    return True
