"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL.

Each database goes up to the head, down to the base and up again, then its
schema is compared with the models (Alembic's ``compare_metadata``: no
difference allowed) and its search objects with those ``create_all`` makes.
Fails whenever a model or the search DDL changes without a new revision.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from weibo_app import create_app
from weibo_app.core.extensions import db
from weibo_app.search.ddl import alembic_include_name

from .conftest import ADMIN_PG_URL, BASE_CONFIG

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'migrated.sqlite3'}"


@pytest.fixture
def postgres_db_url():
    """A throwaway PostgreSQL database, dropped afterwards."""
    admin = sa.create_engine(ADMIN_PG_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"weibo_migrate_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception as err:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        admin.dispose()
        pytest.skip(f"PostgreSQL not available at {ADMIN_PG_URL}: {type(err).__name__}: {str(err)[:120]}")
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _schema_objects(conn) -> set[str]:
    """Every table, index and trigger the database holds, by name."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
    else:
        rows = conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "UNION SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
        )
    return {row[0] for row in rows}


def _search_objects(conn) -> dict[str, str]:
    """The search index's objects (no model describes them), name -> definition."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' OR name = 'search_fts'"
        )
        # IF NOT EXISTS is kept in the stored text; spacing aside, the statements must match.
        return {name: " ".join(sql.split()) for name, sql in rows}
    rows = conn.execute(
        sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE :p"),
        {"p": "%\\_trgm"},
    )
    return dict(rows.all())


def _differences(conn) -> list:
    # The same filter the app gives Alembic: the search index has no model.
    context = MigrationContext.configure(
        conn, opts={"compare_type": True, "compare_server_default": True, "include_name": alembic_include_name}
    )
    return compare_metadata(context, db.metadata)


def _up_down_up(url: str):
    """Run the migrations up, down and up again; return what the comparisons found."""
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        try:
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                first_search = _search_objects(conn)
            flask_migrate.downgrade(revision="base")
            with db.engine.connect() as conn:
                left_at_base = _schema_objects(conn) - {"alembic_version", "pk_alembic_version", "alembic_version_pkc"}
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                return first_search, left_at_base, _differences(conn), _search_objects(conn)
        finally:
            db.engine.dispose()


def _search_objects_of_create_all(url: str) -> dict[str, str]:
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        try:
            db.create_all()
            with db.engine.connect() as conn:
                return _search_objects(conn)
        finally:
            db.drop_all()
            db.engine.dispose()


def test_sqlite_up_down_up_matches_the_models(sqlite_url, tmp_path):
    first_search, left_at_base, diff, search = _up_down_up(sqlite_url)
    assert left_at_base == set(), "downgrade to base left these behind"
    assert diff == []
    assert search == first_search
    assert len(search) == 10, sorted(search)  # the FTS table and three triggers on each of three tables
    # The migrated search index is the one the application builds today.
    assert search == _search_objects_of_create_all(f"sqlite:///{tmp_path / 'created.sqlite3'}")


def test_postgresql_up_down_up_matches_the_models(postgres_db_url):
    first_search, left_at_base, diff, search = _up_down_up(postgres_db_url)
    assert left_at_base == set(), "downgrade to base left these behind"
    assert diff == []
    assert search == first_search
    assert set(search) == {"ix_posts_body_trgm", "ix_threads_body_trgm", "ix_replies_body_trgm"}
    # The migrated search index is the one the application builds today (on an emptied schema).
    engine = sa.create_engine(postgres_db_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()
    assert search == _search_objects_of_create_all(postgres_db_url)


def test_revisions_do_not_import_the_application_search_ddl():
    """A revision is frozen: it must not run DDL that lives (and changes) in the application."""
    for path in MIGRATIONS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "weibo_app.search" not in text, path.name
        assert "install_search" not in text, path.name
