"""Keeping the stored figures true: the threads' reply facts (facts.py) and the daily counts
(daily.py) are refreshed in the same transaction as every write that changes them.

A flush hook rather than calls in each service: whatever path writes a reply, a release, a
rework, an extension or transfer decision, an event, a rating or a dismissal, the flush that
carries it refreshes the threads it touched and the days they are counted on (before and after
a move). Rows written around the ORM are not seen; ``refresh`` (``flask refresh-facts``) redoes
everything and is safe to re-run.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..core.clock import to_local, utcnow
from ..core.extensions import db
from ..models import ExtensionRequest, Reply, Thread, ThreadEvent, TransferRequest
from . import daily, facts, marks

_CHILDREN = (Reply, ExtensionRequest, TransferRequest, ThreadEvent)
#: The thread's own columns that a stored fact or a daily count depends on.
_COUNTED = ("department_id", "channel", "opened_at", "first_due_at", "state", "rating", "resolved", "hidden_at")
#: The ones that decide which day a thread is counted on.
_KEYED = ("department_id", "channel", "opened_at")
_PENDING = "metrics.upkeep.pending"


def refresh(thread_ids: Iterable[int] | None = None, connection: sa.Connection | None = None) -> int:
    """Recompute the stored facts of the given threads (None: all) and the days they count on."""
    if connection is None:
        db.session.info[marks.WROTE] = True  # written around the session's hooks: the commit moves the revision
    conn = connection if connection is not None else db.session.connection()
    ids = None if thread_ids is None else set(thread_ids)
    _set_opened_days(conn, ids)
    before = set() if ids is None else daily.keys_of(conn, ids)
    n = facts.refresh_facts(conn, ids)
    daily.rebuild_days(conn, None if ids is None else before | daily.keys_of(conn, ids))
    return n


def _set_opened_days(conn: sa.Connection, ids: set[int] | None) -> None:
    """The local day of opening of threads that have none (rows loaded around the ORM)."""
    stmt = sa.select(Thread.id, Thread.opened_at).where(Thread.opened_day.is_(None))
    if ids is not None:
        stmt = stmt.where(Thread.id.in_(sorted(ids)))
    by_day: dict[date, list[int]] = {}
    for tid, opened in conn.execute(stmt):
        by_day.setdefault(to_local(opened).date(), []).append(tid)
    for day, tids in by_day.items():
        for i in range(0, len(tids), 500):
            conn.execute(sa.update(Thread).where(Thread.id.in_(tids[i:i + 500])).values(opened_day=day)
                         .execution_options(synchronize_session=False))


# --- the flush hook ---------------------------------------------------------------------------

def _before(session: Session, flush_context, instances) -> None:
    """A new or re-dated thread's local day of opening, set with the row itself; the day a
    moved or deleted thread was counted on, read from its row before the flush changes it (the
    session may not know the old values: a committed object's attributes are expired)."""
    leaving = [obj.id for obj in (*session.dirty, *session.deleted)
               if isinstance(obj, Thread) and obj.id is not None
               and (obj in session.deleted or any(sa.inspect(obj).attrs[name].history.has_changes()
                                                  for name in _KEYED))]
    if leaving:
        session.info.setdefault(_PENDING, (set(), set()))[1].update(daily.keys_of(session.connection(), leaving))
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Thread) and (obj in session.new or sa.inspect(obj).attrs.opened_at.history.has_changes()):
            if obj.opened_at is None:
                obj.opened_at = utcnow()
            obj.opened_day = to_local(obj.opened_at).date()


def _collect(session: Session, flush_context) -> None:
    ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _CHILDREN):
            if obj.thread_id is not None:
                ids.add(obj.thread_id)
        elif isinstance(obj, Thread) and obj.id is not None:
            attrs = sa.inspect(obj).attrs
            if obj in session.deleted:  # its day was noted before the row went (``_before``)
                continue
            if obj in session.new or any(attrs[name].history.has_changes() for name in _COUNTED):
                ids.add(obj.id)
    if ids:
        session.info.setdefault(_PENDING, (set(), set()))[0].update(ids)


def _apply(session: Session, flush_context) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    ids, old_keys = pending
    conn = session.connection()
    facts.refresh_facts(conn, ids)
    daily.rebuild_days(conn, old_keys | daily.keys_of(conn, ids))
    session.info.pop(facts.SETTLED, None)  # this session's (refresh_facts forgets the app's)
    for obj in session.identity_map.values():
        if isinstance(obj, Thread) and obj.id in ids:
            session.expire(obj, facts.COLUMNS)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(facts.SETTLED, None)


def _end(session: Session, *_args) -> None:
    session.info.pop(facts.SETTLED, None)


def connect() -> None:
    """Install the hook (once)."""
    for name, fn in (("before_flush", _before), ("after_flush", _collect), ("after_flush_postexec", _apply),
                     ("after_rollback", _forget), ("after_commit", _end)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
