"""Each thread's reply facts as they stand now, kept on the thread row for the figures.

``compute_metrics`` judges every thread on a few moments (counting.py): its first counted
official reply, its first counted final answer, the due time in force now and when that answer
came, and which closed-loop steps it went through. Working them out means grouped passes over
the replies, extensions, transfers and events of every thread of the period, which is what a
year's figures spent their time on. So they are also stored on the thread
(``Thread.counted_*``, ``Thread.loop_steps``), computed by the very functions of counting.py
judged at the end of time, and refreshed in the same transaction as any write that can change
them (upkeep.py: a flush hook, so every write path is covered without remembering to call it).

The stored facts are the facts at ``as_of`` whenever nothing that feeds them happened after
``as_of``: ``Thread.counted_at`` is the latest such moment of the thread (a reply's release or
rework, an extension or transfer decision, an event), and ``settled`` says whether every thread's
is at or before ``as_of``. Otherwise (a report on a past moment) the figures are worked out from
the rows, as before. Rows written around the ORM (bulk loads) leave ``counted_at`` empty, which
keeps the stored facts out of use until they are refreshed (``flask refresh-facts``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache

import sqlalchemy as sa

from ..core.extensions import db
from ..models import ExtensionRequest, Reply, Thread, ThreadEvent, TransferRequest
from . import counting as c
from .sql import aggregate_moment, latest_of

#: Judged at the end of time, the definitions give the facts as they stand after every write.
END_OF_TIME = datetime(9999, 12, 31, tzinfo=UTC)

#: ``Thread.loop_steps``: one bit per closed-loop figure (queries.LOOP_FIGURES).
LOOP_BITS = {"extended": 1, "reworked": 2, "urged": 4, "transfers": 8, "visited": 16}

COLUMNS = ("counted_first_response_at", "counted_first_final_at", "counted_due_at",
           "counted_due_at_final", "counted_response_hours", "loop_steps", "counted_at")

SETTLED = "metrics.facts.settled"
BATCH = 500


def _latest(column, owner) -> sa.ScalarSelect:
    return sa.select(sa.func.max(column)).where(owner == Thread.id).correlate(Thread).scalar_subquery()


def fact_values() -> dict[str, sa.ColumnElement]:
    """The stored facts as SQL correlated to ``Thread``: counting.py's definitions at the end of time."""
    first_final = c.first_final_at(END_OF_TIME)
    first_response = c.first_response_at(END_OF_TIME)
    steps = sum(sa.case((c.LOOP_STEPS[name](END_OF_TIME), bit), else_=0) for name, bit in LOOP_BITS.items())
    return {
        "counted_first_response_at": first_response,
        "counted_first_final_at": first_final,
        "counted_due_at": c.due_in_force(END_OF_TIME),
        "counted_due_at_final": c.due_in_force(first_final),
        # Exactly the hours the percentiles take from the rows (the same expression, the same database).
        "counted_response_hours": c.response_hours(first_response),
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
    db.session.info.pop(SETTLED, None)
    every, lock, some = _refresh_statements()
    if thread_ids is None:
        return conn.execute(every).rowcount or 0
    ids = sorted(set(thread_ids))
    for i in range(0, len(ids), BATCH):
        batch = {"ids": ids[i:i + BATCH]}
        # Locked first (PostgreSQL; in id order): a write to the same thread in another
        # transaction is then committed before the facts are read, and is counted. Without it an
        # update waiting for that row would recompute from the rows as they were before it.
        conn.execute(lock, batch)
        conn.execute(some, batch)
    return len(ids)


@cache
def _refresh_statements() -> tuple[sa.Update, sa.Select, sa.Update]:
    """The update of every thread's facts, and the lock and the update of some threads' (the
    ids a parameter), built once: every write that touches a thread runs them, and building
    the facts' correlated subqueries cost more than running them."""
    every = sa.update(Thread).values(**fact_values()).execution_options(synchronize_session=False)
    batch = Thread.id.in_(sa.bindparam("ids", expanding=True))
    return every, sa.select(Thread.id).where(batch).order_by(Thread.id).with_for_update(), every.where(batch)


def settled(as_of: datetime) -> bool:
    """Whether the stored facts are the facts at ``as_of`` for every thread (then every thread is
    also opened by ``as_of``). Asked once per moment and transaction: each figure's condition asks."""
    memo = db.session.info.setdefault(SETTLED, {})
    if as_of not in memo:
        memo[as_of] = _settled(as_of)
    return memo[as_of]


def _settled(as_of: datetime) -> bool:
    if db.session.scalar(sa.select(Thread.id).where(Thread.counted_at.is_(None)).limit(1)) is not None:
        return False
    latest = db.session.scalar(sa.select(sa.func.max(Thread.counted_at)))
    if latest is None:
        return True
    return aggregate_moment(latest) <= as_of
