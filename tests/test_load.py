"""Under load, through crashes and with Redis gone: no 5xx, no acknowledged write lost.

gunicorn serves the app with two workers on a throwaway PostgreSQL database
and a private redis-server (never the machine's own); a threaded client
drives readers, residents and staff at saturation for ``LOAD_SECONDS``
(default 30, e.g. 60 for a longer soak).
"""

from __future__ import annotations

import os
import signal
import time
import uuid

import pytest
import sqlalchemy as sa

from weibo_app import create_app
from weibo_app.core.extensions import db
from weibo_app.metrics import facts, upkeep
from weibo_app.models import Thread, ThreadDay

from .conftest import ADMIN_PG_URL
from .factories import Factory
from .load_harness import Gunicorn, Load, World, request
from .redis_server import RedisServer

pytestmark = pytest.mark.slow

LOAD_SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))
PHASE_SECONDS = 14


@pytest.fixture(scope="module")
def database_url():
    admin = sa.create_engine(ADMIN_PG_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"weibo_load_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception as err:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        admin.dispose()
        pytest.skip(f"PostgreSQL not available at {ADMIN_PG_URL}: {type(err).__name__}")
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def world(database_url) -> World:
    """The schema (create_all) and a few departments, staff, residents and posts, made by the services."""
    from weibo_app.auth.tokens import issue_token

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SECRET_KEY": "seed"})
    make = Factory()
    with app.app_context():
        db.create_all()
        departments = [make.department(), make.department()]
        staff = [make.staff(d) for d in departments]
        residents = [make.user() for _ in range(4)]
        posts = [make.post(department=d).id for d in departments for _ in range(2)]
        world = World([d.slug for d in departments], posts,
                      residents=[{"username": u.username, "token": issue_token(u)} for u in residents],
                      staff=[{"username": u.username, "token": issue_token(u)} for u in staff])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return world


@pytest.fixture(scope="module")
def server(database_url, redis_server, world, tmp_path_factory):
    gunicorn = Gunicorn(database_url, redis_server.url, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log")
    gunicorn.start().wait_ready(timeout=60)
    status, data = request(gunicorn.port, "GET", "/api/v1/inbox",
                           headers={"Authorization": f"Bearer {world.staff[0]['token']}"})
    assert status == 200, data  # the tokens made by the seed work through the server
    yield gunicorn
    gunicorn.stop()


def stored(database_url: str) -> dict:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            ids = set(conn.scalars(sa.text("SELECT id FROM threads")))
            answered = set(conn.scalars(sa.text(
                "SELECT id FROM threads WHERE first_response_at IS NOT NULL AND state <> 'dismissed'")))
    finally:
        engine.dispose()
    return {"threads": ids, "answered": answered}


def assert_no_acknowledged_write_lost(results, database_url: str) -> dict:
    rows = stored(database_url)
    acked = {tid for _, tid in results.threads}
    assert acked <= rows["threads"], f"acknowledged threads missing: {sorted(acked - rows['threads'])[:10]}"
    replied = {tid for _, tid in results.answered}
    assert replied <= rows["answered"], f"acknowledged answers missing: {sorted(replied - rows['answered'])[:10]}"
    return rows


def test_mixed_load_at_saturation(server, world, database_url):
    results = Load(lambda: server.port, world, LOAD_SECONDS).start().wait()

    assert results.server_errors == [], results.server_errors[:5]
    assert results.connection_errors == 0
    assert len(results.threads) > 0 and len(results.answered) > 0, results.statuses
    rows = assert_no_acknowledged_write_lost(results, database_url)
    # The published figures are the rows, counted directly, whichever worker answers (each may
    # have remembered figures while the load ran: the last writes must have dropped them).
    for _ in range(4):
        status, metrics = request(server.port, "GET", "/api/v1/metrics")
        assert status == 200
        assert sum(d["threads"] for d in metrics["departments"]) == len(rows["threads"])
        assert sum(d["answered"] for d in metrics["departments"]) == len(rows["answered"])
    assert_stored_figures_are_a_fresh_count(database_url)


def assert_stored_figures_are_a_fresh_count(database_url: str) -> None:
    """Two workers wrote replies and threads at once: the reply facts and daily counts they kept,
    each in its own transaction, are what recounting everything from the rows gives."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SECRET_KEY": "check"})
    facts_of = sa.select(Thread.id, *[getattr(Thread, name) for name in facts.COLUMNS]).order_by(Thread.id)
    days = sa.select(ThreadDay.__table__).order_by(ThreadDay.department_id, ThreadDay.day, ThreadDay.channel)
    with app.app_context():
        kept = (db.session.execute(facts_of).all(), db.session.execute(days).all())
        assert kept[1] and any(row.counted_first_response_at for row in kept[0])
        upkeep.refresh()
        assert (db.session.execute(facts_of).all(), db.session.execute(days).all()) == kept
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_redis_stopped_mid_load(server, world, redis_server, database_url):
    load = Load(lambda: server.port, world, PHASE_SECONDS).start()
    time.sleep(3)
    redis_server.stop()
    stopped_at = time.monotonic()
    time.sleep(5)
    redis_server.start()
    restarted_at = time.monotonic()
    results = load.wait()

    assert results.server_errors == [], results.server_errors[:5]
    assert_no_acknowledged_write_lost(results, database_url)
    during = [t for t in results.threads if stopped_at < t[0] < restarted_at]
    after = [t for t in results.threads if t[0] > restarted_at]
    assert during and after, results.statuses  # writes kept working, and go on afterwards
    log = server.log()
    workers = 2
    assert 1 <= log.count("Redis unreachable") <= workers, log[-3000:]  # once per process, not per request
    assert log.count("Rate limit storage unreachable") <= workers
    # Back to Redis within the retry interval: views are buffered there again.
    time.sleep(1.5)
    for post_id in world.posts:
        request(server.port, "GET", f"/p/{post_id}")
    assert "Redis is back" in server.log()


def test_kill_9_a_worker_then_the_master(server, world, database_url):
    load = Load(lambda: server.port, world, PHASE_SECONDS).start()
    time.sleep(3)
    victim = server.workers()[0]
    os.kill(victim, signal.SIGKILL)  # the master replaces it
    time.sleep(3)
    server.crash()
    server.start().wait_ready(timeout=60)  # serves again at once, no manual step
    restarted_at = time.monotonic()
    load.extend(5)  # and keeps serving the load
    results = load.wait()

    assert results.server_errors == [], results.server_errors[:5]
    assert_no_acknowledged_write_lost(results, database_url)
    assert victim not in server.workers()
    assert [t for t in results.threads if t[0] > restarted_at], results.statuses  # traffic went on
