"""Redis going away costs figures nothing and users no 500; a crash never loses a Redis batch."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from weibo_app import create_app
from weibo_app.core.extensions import db
from weibo_app.models import PostViewDaily, Thread, ViewBatch
from weibo_app.posts.view_counts import RedisBuffer, _claim, _upsert, get_counter

from .conftest import FreshRequestClient, _truncate_all
from .factories import Factory
from .redis_server import RedisServer


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def redis_app(app_config, backend, redis_server):
    app = create_app({**app_config, "REDIS_URL": redis_server.url, "VIEWS_REDIS_RETRY_SECONDS": 0,
                      "RATELIMIT_ENABLED": True})
    with app.app_context():
        if backend == "sqlite":
            db.create_all()
        else:
            _truncate_all()
        app.test_client_class = FreshRequestClient
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make(redis_app) -> Factory:
    """The factory on this module's application (not the ``app`` fixture's)."""
    return Factory()


def stored(post_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.sum(PostViewDaily.views)).where(PostViewDaily.post_id == post_id)) or 0


def token(client, user) -> dict[str, str]:
    import base64

    basic = base64.b64encode(f"{user.username}:{Factory.PASSWORD}".encode()).decode()
    resp = client.post("/api/v1/tokens", headers={"Authorization": f"Basic {basic}"})
    assert resp.status_code == 201
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


def outage_lines(caplog) -> int:
    return sum("Redis unreachable" in r.getMessage() for r in caplog.records)


def test_redis_down_the_site_keeps_counting_and_answering(redis_app, redis_server, make, caplog):
    caplog.set_level(logging.WARNING)
    dept = make.department()
    post = make.post(department=dept)
    staff, resident = make.staff(dept), make.user()
    client = redis_app.test_client()
    resident_headers, staff_headers = token(client, resident), token(client, staff)
    assert client.get(f"/p/{post.id}").status_code == 200  # counted in Redis
    redis_server.stop()

    for _ in range(3):
        assert client.get(f"/p/{post.id}").status_code == 200
    ask = {"body": "停电了什么时候来电？", "kind": "help"}
    resp = client.post(f"/api/v1/departments/{dept.slug}/threads", json=ask, headers=resident_headers)
    assert resp.status_code == 201, resp.get_json()
    assert client.get("/api/v1/inbox", headers=staff_headers).status_code == 200
    assert client.get("/").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 1
    assert outage_lines(caplog) == 1  # once, not once per request

    assert get_counter().flush() == 3  # the views of the outage, from process memory
    assert stored(post.id) == 3

    redis_server.start()  # same port, empty: the view counted in Redis before the stop is gone with it
    assert client.get(f"/p/{post.id}").status_code == 200
    assert any("Redis is back" in r.getMessage() for r in caplog.records)
    assert get_counter().buffer.fallback.drain() == {}  # buffered in Redis again
    assert get_counter().flush() == 1
    assert stored(post.id) == 4


def test_a_crash_before_the_commit_loses_no_batch(redis_app, make):
    post = make.post()
    counter = get_counter()
    assert isinstance(counter.buffer, RedisBuffer)
    counter.record(post.id)
    counter.record(post.id)
    taken = counter.buffer.take()  # renamed to a processing key, then the process dies
    assert [sum(b.counts.values()) for b in taken] == [2]
    assert counter.flush() == 2  # the next drain finds the leftover
    assert stored(post.id) == 2
    assert not list(counter.buffer.client.scan_iter(match=f"{RedisBuffer.PROCESSING}*"))


def test_a_crash_after_the_commit_counts_nothing_twice(redis_app, make):
    post = make.post()
    counter = get_counter()
    counter.record(post.id)
    counter.record(post.id)
    (batch,) = counter.buffer.take()
    assert _claim(batch.key)
    _upsert(batch.counts)
    db.session.commit()  # ... and the process dies before deleting the processing key
    counter.record(post.id)
    assert counter.flush() == 1  # only the new view; the leftover batch is recognised
    assert stored(post.id) == 3
    assert not list(counter.buffer.client.scan_iter(match=f"{RedisBuffer.PROCESSING}*"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ViewBatch)) == 2


def test_a_failed_commit_keeps_the_batch_in_redis(redis_app, make, monkeypatch):
    post = make.post()
    counter = get_counter()
    counter.record(post.id)

    def broken(_counts):
        raise RuntimeError("database away")

    monkeypatch.setattr("weibo_app.posts.view_counts._upsert", broken)
    with pytest.raises(RuntimeError):
        counter.flush()
    monkeypatch.undo()
    assert len(list(counter.buffer.client.scan_iter(match=f"{RedisBuffer.PROCESSING}*"))) == 1
    assert counter.flush() == 1
    assert stored(post.id) == 1
