"""Post views: counted in a buffer (memory or Redis), written in batches, never on the post page."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
import time_machine

from weibo_app.core.extensions import db
from weibo_app.metrics.figures import compute_metrics
from weibo_app.metrics.queries import make_period
from weibo_app.models import PostViewDaily
from weibo_app.posts.view_counts import MemoryBuffer, RedisBuffer, ViewCounter, flush_views, get_counter

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def app_config(app_config, backend, tmp_path):
    """SQLite in a file here: the background flusher runs on a thread with a connection of its own,
    which the shared in-memory test database cannot give it."""
    if backend != "sqlite":
        return app_config
    config = {k: v for k, v in app_config.items() if k != "SQLALCHEMY_ENGINE_OPTIONS"}
    return {**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'views.db'}"}


def stored(post_id=None):
    stmt = sa.select(PostViewDaily.post_id, PostViewDaily.day, PostViewDaily.views).order_by(PostViewDaily.day)
    if post_id is not None:
        stmt = stmt.where(PostViewDaily.post_id == post_id)
    return [tuple(r) for r in db.session.execute(stmt)]


def test_post_page_writes_nothing_and_views_are_flushed_by_local_day(app, make, client, count_queries):
    dept = make.department()
    post = make.post(department=dept)
    # 17:30 UTC on 4 May is 01:30 on 5 May in Shanghai.
    with time_machine.travel(datetime(2027, 5, 4, 17, 30, tzinfo=UTC), tick=False):
        with count_queries() as counter:
            for _ in range(3):
                assert client.get(f"/p/{post.id}").status_code == 200
        assert not [s for s in counter.statements if s.lstrip().upper().startswith(WRITES)]
        assert stored() == []
        assert flush_views() == 3
    assert stored() == [(post.id, date(2027, 5, 5), 3)]
    with time_machine.travel(datetime(2027, 5, 5, 3, 0, tzinfo=UTC), tick=False):
        client.get(f"/p/{post.id}")
        client.get(f"/p/{post.id}")
        assert flush_views() == 2  # the same local day: added to the stored figure
    with time_machine.travel(datetime(2027, 5, 5, 17, 0, tzinfo=UTC), tick=False):
        client.get(f"/p/{post.id}")
        assert flush_views() == 1
        page = client.get(f"/p/{post.id}").get_data(as_text=True)
    assert stored() == [(post.id, date(2027, 5, 5), 5), (post.id, date(2027, 5, 6), 1)]
    assert "阅读 6" in page
    assert flush_views() == 1  # the view of the page just rendered
    may5 = compute_metrics(make_period(date(2027, 5, 5), date(2027, 5, 6)), department_ids=[dept.id])[0]
    assert may5["views"] == 5
    assert client.get(f"/api/v1/posts/{post.id}").get_json()["counts"]["views"] == 7


def test_nothing_to_flush(app):
    assert flush_views() == 0


def test_withdrawn_posts_are_not_counted(app, make, client):
    post = make.post()
    post.state = "withdrawn"
    post.withdrawn_at = post.published_at
    db.session.commit()
    client.get(f"/p/{post.id}")
    assert flush_views() == 0


def test_flush_views_command(app, make, client, runner):
    post = make.post()
    client.get(f"/p/{post.id}")
    result = runner.invoke(args=["flush-views"])
    assert result.exit_code == 0 and "1 views written" in result.output
    assert [v for _p, _d, v in stored()] == [1]


def test_failed_flush_keeps_the_views(app, make, monkeypatch):
    post = make.post()
    counter = get_counter()
    counter.record(post.id)
    counter.record(post.id)

    def broken(_counts):
        raise RuntimeError("database away")

    monkeypatch.setattr("weibo_app.posts.view_counts._upsert", broken)
    with pytest.raises(RuntimeError):
        counter.flush()
    monkeypatch.undo()
    assert counter.flush() == 2


def test_many_views_wake_the_flusher_early(app, make, monkeypatch):
    post = make.post()
    app.config.update(VIEWS_BACKGROUND_FLUSH=True, VIEWS_FLUSH_MAX=3, VIEWS_FLUSH_SECONDS=3600)
    counter = ViewCounter(app, MemoryBuffer())
    monkeypatch.setattr(counter, "_ensure_thread", lambda: None)  # no thread here: check the trigger only
    counter.record(post.id)
    counter.record(post.id)
    assert not counter._wake.is_set()
    counter.record(post.id)
    assert counter._wake.is_set()


def test_background_flusher_thread(app, make):
    post = make.post()
    app.config.update(VIEWS_BACKGROUND_FLUSH=True, VIEWS_FLUSH_MAX=2, VIEWS_FLUSH_SECONDS=3600)
    counter = ViewCounter(app, MemoryBuffer())
    counter.record(post.id)
    counter.record(post.id)
    for _ in range(100):
        db.session.rollback()
        if stored(post.id):
            break
        time.sleep(0.05)
    assert [v for _p, _d, v in stored(post.id)] == [2]


def test_memory_buffer_is_thread_safe():
    import threading

    buffer = MemoryBuffer()
    day = date(2026, 1, 1)
    threads = [threading.Thread(target=lambda: [buffer.add(1, day) for _ in range(1000)]) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert buffer.drain() == {(1, day): 8000}
    assert buffer.drain() == {}


@pytest.fixture
def redis_url(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(  # noqa: S603 - a fixed local binary, our own arguments
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(5)


def test_redis_buffer_shared_by_processes(redis_url):
    import redis

    day = date(2026, 2, 3)
    one = RedisBuffer(redis.Redis.from_url(redis_url))
    two = RedisBuffer(redis.Redis.from_url(redis_url))  # another process, same Redis
    one.client.flushdb()
    assert one.add(7, day) == 1
    assert two.add(7, day) == 2
    assert two.add(8, day, 3) == 5
    assert one.drain() == {(7, day): 2, (8, day): 3}
    assert two.drain() == {}
    assert one.add(7, day) == 1  # the waiting total restarted


def test_views_through_redis(app_config, make, redis_url, backend):
    from weibo_app import create_app

    app = create_app({**app_config, "REDIS_URL": redis_url})
    with app.app_context():
        if backend == "sqlite":
            db.create_all()
        post = make.post()
        client = app.test_client()
        client.get(f"/p/{post.id}")
        client.get(f"/p/{post.id}")
        assert isinstance(get_counter().buffer, RedisBuffer)
        assert flush_views() == 2
        assert [v for _p, _d, v in stored(post.id)] == [2]
        db.session.remove()
        db.engine.dispose()
