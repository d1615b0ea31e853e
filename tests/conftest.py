"""Fixtures: a fresh database per test, on SQLite and on PostgreSQL.

Every test that uses ``app`` runs twice: ``[sqlite]`` and ``[postgresql]``.
PostgreSQL comes from ``TEST_POSTGRES_URL`` (default: this machine's server on
loopback); each test session gets a database of its own, dropped at the end.
Where the server cannot be reached, the PostgreSQL runs skip and say why.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.pool import StaticPool
from werkzeug.security import generate_password_hash

from weibo_app import create_app
from weibo_app.core.extensions import db
from weibo_app.models import user as user_model

from .factories import Factory

ADMIN_PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "PAGE_CACHE_SECONDS": 0,  # tests/test_pagecache.py turns it on
    "SERVER_NAME": "localhost",
}


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL database for this test session, with the schema made once."""
    admin = sa.create_engine(ADMIN_PG_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"weibo_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception as err:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        admin.dispose()
        pytest.skip(f"PostgreSQL not available at {ADMIN_PG_URL}: {type(err).__name__}: {str(err)[:120]}")
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, monkeypatch):
    """Cheap hashes for the accounts tests make: a production hash (scrypt) costs about 0.17 s of
    CPU, and the suite makes thousands of accounts. Logins still check them. A test marked
    ``real_password_hashing`` keeps the production hash (tests/test_sessions.py holds it)."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        monkeypatch.setattr(user_model, "generate_password_hash",
                            partial(generate_password_hash, method="pbkdf2:sha256:1000"))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def app_config(backend, request):
    """Settings for the test app; tests may extend this through indirect parametrisation."""
    if backend == "postgresql":
        uri = request.getfixturevalue("postgres_url")
        extra = {}
    else:
        uri = "sqlite://"
        extra = {"SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}}
    return {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": uri, **extra}


@pytest.fixture
def app(app_config, backend):
    app = create_app(app_config)
    with app.app_context():
        if backend == "sqlite":
            db.create_all()
        else:
            _truncate_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def _truncate_all() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


class FreshRequestClient(FlaskClient):
    """Each request starts with an empty ``g``, as in production.

    The ``app`` fixture keeps one application context pushed so tests can call
    services directly; Flask reuses that context for the client's requests, so
    without this, ``g`` (Flask-Login's user, per-request caches) would leak from
    one request into the next.
    """

    def open(self, *args, **kwargs):
        _clear_g()
        try:
            return super().open(*args, **kwargs)
        finally:
            _clear_g()


def _clear_g() -> None:
    if has_app_context():
        g.__dict__.clear()


@pytest.fixture
def client(app):
    app.test_client_class = FreshRequestClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app) -> Factory:
    """Build departments, users, posts and threads through the real services."""
    return Factory()


@pytest.fixture
def login(client):
    """``login(user)``: the test client is now that user (a real session, no form)."""

    def _login(user):
        from flask_login.utils import _create_identifier

        # Session protection is "strong": the session must carry the identifier
        # Flask-Login derives from the client's address and user agent.
        with client.application.test_request_context(environ_base=client.environ_base):
            ident = _create_identifier()
        with client.session_transaction() as sess:
            sess["_user_id"] = user.get_id()  # "<id>:<session epoch>"
            sess["_fresh"] = True
            sess["_id"] = ident
        return client

    return _login


@pytest.fixture
def api_headers(client):
    """``api_headers(user)``: bearer-token headers obtained through ``POST /api/v1/tokens``."""

    def _headers(user, password: str = Factory.PASSWORD):
        import base64

        basic = base64.b64encode(f"{user.username}:{password}".encode()).decode()
        resp = client.post("/api/v1/tokens", headers={"Authorization": f"Basic {basic}"})
        assert resp.status_code == 201, resp.get_json()
        return {"Authorization": f"Bearer {resp.get_json()['token']}"}

    return _headers


@pytest.fixture
def count_queries(app):
    """``with count_queries() as n: ...`` then ``n.count`` statements were sent."""

    @contextmanager
    def _counter():
        class Counter:
            count = 0
            statements: list[str] = []

        counter = Counter()
        counter.statements = []

        def _before(conn, cursor, statement, *args):
            counter.count += 1
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", _before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", _before)

    return _counter


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
