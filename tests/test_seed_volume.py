"""``flask seed-volume``: bulk rows the app reads like its own (small numbers, both databases)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from weibo_app.core.clock import to_local, utcnow
from weibo_app.core.extensions import db
from weibo_app.demo_volume import ADMIN, HOT_POST_THREADS, SUPERVISOR
from weibo_app.metrics.figures import compute_metrics
from weibo_app.metrics.queries import make_period
from weibo_app.models import Department, Post, Reply, Thread, User
from weibo_app.threads.operations import due_for


def _seed(runner, *extra):
    result = runner.invoke(args=["seed-volume", "--posts", "300", "--threads", "1500", "--departments", "12",
                                 *extra])
    assert result.exit_code == 0, result.output
    return result


def test_counts_and_consistent_rows(app, runner):
    result = _seed(runner)
    assert "volume loaded" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Department)) == 12
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 300
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 1500
    states = dict(db.session.execute(sa.select(Thread.state, sa.func.count()).group_by(Thread.state)).all())
    assert {"answered", "awaiting", "closed", "dismissed"} <= set(states)
    now = utcnow()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)
                             .where(Thread.state == "awaiting", Thread.due_at < now)) > 0  # overdue ones
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread).where(Thread.rating.is_not(None))) > 0
    # Consistency: answers after the question, a first response for every answered thread.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread).where(
        Thread.first_response_at < Thread.opened_at)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread).where(
        Thread.state.in_(("answered", "closed")), Thread.first_response_at.is_(None))) == 0
    first_reply = (sa.select(sa.func.min(Reply.visible_at)).where(Reply.thread_id == Thread.id, Reply.official)
                   .correlate(Thread).scalar_subquery())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread).where(
        Thread.first_response_at.is_not(None), Thread.first_response_at != first_reply)) == 0
    # Threads on a post come after it; the hot post has its long list.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread).join(Post, Thread.post_id == Post.id)
                             .where(Thread.opened_at < Post.published_at)) == 0
    assert db.session.scalar(sa.select(sa.func.max(sa.select(sa.func.count()).where(Thread.post_id == Post.id)
                                                   .correlate(Post).scalar_subquery()))) >= HOT_POST_THREADS
    # Due times are the working-day calendar's.
    for thread in db.session.scalars(sa.select(Thread).order_by(Thread.id).limit(20)):
        assert thread.due_at == due_for(thread.kind, thread.opened_at) == thread.first_due_at
    # Once there, a second run adds nothing.
    again = runner.invoke(args=["seed-volume", "--posts", "10", "--threads", "10"])
    assert again.exit_code == 0 and "already present" in again.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 1500
    # New rows after the bulk ones still get ids (PostgreSQL's sequences moved on).
    db.session.add(Post(department_id=thread.department_id, author_id=thread.author_id, body="x", body_html="x"))
    db.session.flush()


def test_metrics_equal_a_direct_count(app, runner):
    _seed(runner)
    today = to_local(utcnow()).date()
    period = make_period(today - timedelta(days=90), today + timedelta(days=1))
    rows = {r["department"]: r for r in compute_metrics(period)}
    for dept in db.session.scalars(sa.select(Department)):
        opened = db.session.scalar(sa.select(sa.func.count()).select_from(Thread).where(
            Thread.department_id == dept.id, Thread.opened_at >= period.start, Thread.opened_at < period.end))
        awaiting = db.session.scalar(sa.select(sa.func.count()).select_from(Thread).where(
            Thread.department_id == dept.id, Thread.state == "awaiting"))
        assert rows[dept.slug]["threads"] == opened
        assert rows[dept.slug]["awaiting"] == awaiting
    assert sum(r["threads"] for r in rows.values()) > 0


def test_pages_render(app, runner, client, login):
    _seed(runner)
    dept = db.session.scalar(sa.select(Department).where(Department.slug == "vol-00"))
    post_id = db.session.scalar(sa.select(sa.func.max(Post.id)).where(Post.state == "published"))
    for path in ("/", f"/d/{dept.slug}", f"/d/{dept.slug}?tab=board", f"/p/{post_id}", "/scoreboard"):
        assert client.get(path).status_code == 200, path
    login(db.session.scalar(sa.select(User).where(User.username == SUPERVISOR)))
    assert client.get("/dashboard").status_code == 200
    login(db.session.scalar(sa.select(User).where(User.username == "vol_staff01")))
    inbox = client.get("/inbox")
    assert inbox.status_code == 200


def test_refuses_a_database_with_real_accounts(app, runner, make):
    make.user(username="wangfang")
    result = runner.invoke(args=["seed-volume", "--posts", "5", "--threads", "5"])
    assert result.exit_code == 1
    assert "refusing to seed" in result.output and "wangfang" in result.output and "--force" in result.output
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 0
    forced = runner.invoke(args=["seed-volume", "--posts", "20", "--threads", "30", "--departments", "3", "--force"])
    assert forced.exit_code == 0, forced.output
    assert db.session.scalar(sa.select(User.id).where(User.username == ADMIN)) is not None
