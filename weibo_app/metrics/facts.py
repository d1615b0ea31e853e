"""Each thread's reply facts as they stand now, kept on the thread row for the figures.

``compute_metrics`` judges every thread on a few moments (counting.py): its first counted
official reply, its first counted final answer, the due time in force now and when that answer
came, and which closed-loop steps it went through. Working them out means grouped passes over
the replies, extensions, transfers and events of every thread of the period, which is what a
year's figures spent their time on. So they are also stored on the thread
(``Thread.counted_*``, ``Thread.loop_steps``), computed by the very functions of counting.py
judged at the end of time, and refreshed in the same transaction as any write that can change
them (``connect``: a flush hook, so every write path is covered without remembering to call it).

The stored facts are the facts at ``as_of`` whenever nothing that feeds them happened after
``as_of``: ``Thread.counted_at`` is the latest such moment of the thread (a reply's release or
rework, an extension or transfer decision, an event), and ``settled`` says whether every thread's
is at or before ``as_of``. Otherwise (a report on a past moment) the figures are worked out from
the rows, as before. Rows written around the ORM (bulk loads) leave ``counted_at`` empty, which
keeps the stored facts out of use until ``refresh_facts`` has run (``flask refresh-facts``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..core.extensions import db
from ..models import EventKind, ExtensionRequest, Reply, Thread, ThreadEvent, TransferRequest
from . import counting as c
from .sql import latest_of

#: Judged at the end of time, the definitions give the facts as they stand after every write.
END_OF_TIME = datetime(9999, 12, 31, tzinfo=UTC)

#: ``Thread.loop_steps``: one bit per closed-loop figure (queries.LOOP_FIGURES).
LOOP_BITS = {"extended": 1, "reworked": 2, "urged": 4, "transfers": 8, "visited": 16}

COLUMNS = ("counted_first_response_at", "counted_first_final_at", "counted_due_at",
           "counted_due_at_final", "loop_steps", "counted_at")

_LOOP_CONDITIONS = {
    "extended": lambda: c.was_extended(END_OF_TIME),
    "reworked": lambda: c.has_event(EventKind.REWORK, END_OF_TIME),
    "urged": lambda: c.has_event(EventKind.URGE, END_OF_TIME),
    "transfers": lambda: c.was_transferred(END_OF_TIME),
    "visited": lambda: c.has_event(EventKind.VISIT, END_OF_TIME),
}
_WATCHED = (Reply, ExtensionRequest, TransferRequest, ThreadEvent)
_PENDING = "metrics.facts.pending"
BATCH = 500


def _latest(column, owner) -> sa.ScalarSelect:
    return sa.select(sa.func.max(column)).where(owner == Thread.id).correlate(Thread).scalar_subquery()


def fact_values() -> dict[str, sa.ColumnElement]:
    """The stored facts as SQL correlated to ``Thread``: counting.py's definitions at the end of time."""
    first_final = c.first_final_at(END_OF_TIME)
    steps = sum(sa.case((cond(), bit), else_=0) for cond, bit in
                ((_LOOP_CONDITIONS[name], bit) for name, bit in LOOP_BITS.items()))
    return {
        "counted_first_response_at": c.first_response_at(END_OF_TIME),
        "counted_first_final_at": first_final,
        "counted_due_at": c.due_in_force(END_OF_TIME),
        "counted_due_at_final": c.due_in_force(first_final),
        "loop_steps": steps,
        # Every moment any of the above depends on (conservatively: all of the thread's rows).
        "counted_at": latest_of(
            Thread.opened_at,
            _latest(Reply.visible_at, Reply.thread_id), _latest(Reply.reworked_at, Reply.thread_id),
            _latest(ExtensionRequest.decided_at, ExtensionRequest.thread_id),
            _latest(TransferRequest.decided_at, TransferRequest.thread_id),
            _latest(ThreadEvent.created_at, ThreadEvent.thread_id),
        ),
    }


def refresh_facts(connection: sa.Connection | None = None, thread_ids: Iterable[int] | None = None) -> int:
    """Recompute the stored facts of the given threads (None: every thread). Safe to re-run."""
    conn = connection if connection is not None else db.session.connection()
    stmt = sa.update(Thread).values(**fact_values()).execution_options(synchronize_session=False)
    if thread_ids is None:
        return conn.execute(stmt).rowcount or 0
    ids = sorted(set(thread_ids))
    for i in range(0, len(ids), BATCH):
        conn.execute(stmt.where(Thread.id.in_(ids[i:i + BATCH])))
    return len(ids)


def settled(as_of: datetime) -> bool:
    """Whether the stored facts are the facts at ``as_of`` for every thread."""
    if db.session.scalar(sa.select(Thread.id).where(Thread.counted_at.is_(None)).limit(1)) is not None:
        return False
    latest = db.session.scalar(sa.select(sa.func.max(Thread.counted_at)))
    if latest is None:
        return True
    if isinstance(latest, str):  # SQLite hands an aggregate over the column back as stored
        latest = datetime.fromisoformat(latest)
    if latest.tzinfo is None:
        latest = latest.replace(tzinfo=UTC)
    return latest <= as_of


# --- keeping them true: every flush that touches a thread's facts refreshes that thread -----------

def _touched(session: Session) -> set[int]:
    ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _WATCHED):
            if obj.thread_id is not None:
                ids.add(obj.thread_id)
        elif isinstance(obj, Thread) and obj.id is not None:
            state = sa.inspect(obj)
            if (obj in session.new or state.attrs.department_id.history.has_changes()
                    or state.attrs.first_due_at.history.has_changes()
                    or state.attrs.opened_at.history.has_changes()):
                ids.add(obj.id)
    return ids


def _collect(session: Session, flush_context) -> None:
    ids = _touched(session)
    if ids:
        session.info.setdefault(_PENDING, set()).update(ids)


def _apply(session: Session, flush_context) -> None:
    ids = session.info.pop(_PENDING, None)
    if not ids:
        return
    refresh_facts(session.connection(), ids)
    for obj in session.identity_map.values():
        if isinstance(obj, Thread) and obj.id in ids:
            session.expire(obj, COLUMNS)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_PENDING, None)


def connect() -> None:
    """Refresh the facts of the threads each flush touched, in the same transaction."""
    for name, fn in (("after_flush", _collect), ("after_flush_postexec", _apply),
                     ("after_rollback", _forget)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
