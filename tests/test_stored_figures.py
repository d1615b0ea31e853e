"""The stored reply facts and daily counts (metrics/facts.py, daily.py, upkeep.py) in the cases
the services rarely meet: a thread deleted, a write rolled back, a reply dated ahead of the
moment judged, a thread moved to another department and channel."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from weibo_app.core.clock import utcnow
from weibo_app.core.extensions import db
from weibo_app.metrics import facts, upkeep
from weibo_app.metrics.figures import compute_metrics
from weibo_app.metrics.queries import make_period
from weibo_app.models import Thread, ThreadDay
from weibo_app.models.thread import RESPONSE_BUCKETS
from weibo_app.threads import operations as ops


def _days() -> list[tuple]:
    return [tuple(row) for row in db.session.execute(
        sa.select(ThreadDay.department_id, ThreadDay.day, ThreadDay.channel, ThreadDay.threads, ThreadDay.responded,
                  *[getattr(ThreadDay, name) for name in RESPONSE_BUCKETS])
        .order_by(ThreadDay.department_id, ThreadDay.day, ThreadDay.channel))]


def _recounted() -> list[tuple]:
    """The days as a rebuild from the rows gives them (the transaction is rolled back after)."""
    with db.session.begin_nested():
        upkeep.refresh()
        found = _days()
        db.session.rollback()
    return found


def test_a_deleted_thread_leaves_its_day(app, make):
    dept = make.department()
    keep, gone = make.thread(department=dept), make.thread(department=dept)
    db.session.commit()
    assert sum(row[3] for row in _days()) == 2
    db.session.delete(gone)
    db.session.commit()
    assert _days() == _recounted() and sum(row[3] for row in _days()) == 1
    assert keep.id is not None


def test_a_rolled_back_answer_leaves_nothing(app, make):
    dept = make.department()
    staff = make.staff(dept)
    thread = make.thread(department=dept)
    db.session.commit()
    before = _days()
    ops.reply_to_thread(staff, thread, "答复")
    db.session.flush()
    assert _days() != before  # counted inside the transaction...
    db.session.rollback()
    assert _days() == before  # ...and gone with it
    assert db.session.scalar(sa.select(Thread.counted_first_response_at).where(Thread.id == thread.id)) is None


def test_a_move_recounts_both_days(app, make):
    a, b = make.department(), make.department()
    thread = make.thread(department=a)
    db.session.commit()
    thread.department_id = b.id
    thread.channel = "phone"
    db.session.commit()
    assert _days() == _recounted()
    assert [(row[0], row[2], row[3]) for row in _days()] == [(b.id, "phone", 1)]


def test_a_fact_dated_ahead_keeps_the_stored_figures_out_of_use_until_then(app, make):
    dept = make.department()
    staff = make.staff(dept)
    thread = make.thread(department=dept)
    reply = ops.reply_to_thread(staff, thread, "答复")
    db.session.commit()
    now = utcnow()
    assert facts.settled(now)
    reply.visible_at = now + timedelta(hours=2)  # e.g. another host's clock running ahead
    db.session.commit()
    assert not facts.settled(now) and facts.settled(now + timedelta(hours=3))
    today = now.date()
    period = make_period(today - timedelta(days=1), today + timedelta(days=2), now)
    row = compute_metrics(period, department_ids=[dept.id])[0]
    assert row["responded"] == 0  # judged from the rows: the reply is not visible yet
    later = make_period(today - timedelta(days=1), today + timedelta(days=2), now + timedelta(hours=3))
    assert compute_metrics(later, department_ids=[dept.id])[0]["responded"] == 1
