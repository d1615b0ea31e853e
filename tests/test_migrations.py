"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL.

Fails whenever a model changes without a migration: regenerate the migration then.
"""

from __future__ import annotations

import uuid

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from weibo_app import create_app
from weibo_app.core.extensions import db
from weibo_app.search.ddl import alembic_include_name

from .conftest import ADMIN_PG_URL, BASE_CONFIG


def differences_after_upgrade(url: str) -> list:
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        try:
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                # The same filter the app gives Alembic: the search index has no model.
                context = MigrationContext.configure(
                    conn, opts={"compare_type": True, "include_name": alembic_include_name}
                )
                return compare_metadata(context, db.metadata)
        finally:
            db.engine.dispose()


def test_sqlite_schema_matches_the_models(tmp_path):
    diff = differences_after_upgrade(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    assert diff == []


def test_postgresql_schema_matches_the_models():
    admin = sa.create_engine(ADMIN_PG_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"weibo_migrate_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        diff = differences_after_upgrade(admin.url.set(database=name).render_as_string(hide_password=False))
        assert diff == []
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
