"""The daily counts of the threads (``ThreadDay``): the counts of a period as a sum over its days.

Each count is the condition of queries.py judged on the reply facts stored on the thread
(facts.py), counted per department, local day of opening and channel. None of them moves with
the clock once the facts are settled; the one part of a figure that does (a thread without an
answer becoming past due, in the on-time base) is counted from the threads when asked
(``figures``). Beside the counts, the responded threads by first-response time
(``RESPONSE_BUCKETS``, histogram.py). Rebuilding any day from the threads gives the row it
holds (tests hold them to it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

import sqlalchemy as sa

from ..core.clock import local_midnight_utc
from ..models import Thread, ThreadDay
from ..models.thread import RESPONSE_BUCKETS
from . import histogram
from . import queries as q

#: The counted columns of ``ThreadDay``, in order.
COUNTS = ("threads", "dismissed", "responded", "answered", "timely", "good", "rated", "solved", "told",
          "hidden", *q.LIVE_LOOP_FIGURES)
Key = tuple[int, date, str]


def day_counts(f: q.Facts | None = None, loop: list | None = None) -> list[sa.ColumnElement[int]]:
    """Each of ``COUNTS`` as an aggregate over ``Thread``, judged on the stored facts and loop
    steps, or on the ``f`` and ``loop`` given (the figures worked out from the rows)."""
    f = f or q.stored_facts()
    loop = loop if loop is not None else [q.stored_loop_step(name) for name in q.LIVE_LOOP_FIGURES]
    return [
        sa.func.count(Thread.id), q._count(q.is_dismissed()), q._count(q.is_responded(None, f)),
        q._count(q.is_answered(None, f)), q._count(q.on_time(None, f)),
        q._count(Thread.rating.in_(q.GOOD_RATINGS)), sa.func.count(Thread.rating),
        q._count(Thread.resolved.is_(True)), sa.func.count(Thread.resolved), q._count(q.is_hidden()),
        *[q._count(cond) for cond in loop],
    ]


def _grouped() -> sa.Select:
    keys = (Thread.department_id, Thread.opened_day, Thread.channel)
    return sa.select(*keys, *day_counts(), *histogram.bucket_counts(q.stored_facts())).group_by(*keys)


_COLUMNS = ("department_id", "day", "channel", *COUNTS, *RESPONSE_BUCKETS)


def rebuild_days(conn: sa.Connection, keys: Iterable[Key] | None = None) -> None:
    """Recount the given days (None: every day) from the threads. Safe to re-run.

    Two transactions may recount the same day at once (two threads of a department opened the
    same day, answered together). On PostgreSQL each day is locked for the rest of the
    transaction first (an advisory lock, in key order), so the second recount starts after the
    first commits and counts what it wrote; SQLite lets one writer in at a time anyway.
    """
    table = ThreadDay.__table__
    if keys is None:
        conn.execute(table.delete())
        conn.execute(table.insert().from_select(_COLUMNS, _grouped()))
        return
    clear, recount = _day_statements()
    for dept, day, channel in sorted(set(keys)):
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_key(dept, day, channel))))
        key = {"dept": dept, "day": day, "channel": channel}
        conn.execute(clear, key)
        conn.execute(recount, {**key, "start": local_midnight_utc(day),
                               "end": local_midnight_utc(day + timedelta(days=1))})


@cache
def _day_statements() -> tuple[sa.Delete, sa.Insert]:
    """The statements that clear and recount one day, built once (every write that touches a
    thread runs them; building some forty aggregates cost more than running them)."""
    table = ThreadDay.__table__
    dept, day, channel = sa.bindparam("dept"), sa.bindparam("day"), sa.bindparam("channel")
    clear = table.delete().where(table.c.department_id == dept, table.c.day == day, table.c.channel == channel)
    recount = table.insert().from_select(_COLUMNS, _grouped().where(
        Thread.department_id == dept, Thread.channel == channel, Thread.opened_day == day,
        # The same day as opening moments, so the department's opening index finds the rows.
        Thread.opened_at >= sa.bindparam("start"), Thread.opened_at < sa.bindparam("end"),
    ))
    return clear, recount


def keys_of(conn: sa.Connection, thread_ids: Iterable[int]) -> set[Key]:
    """The days the given threads are counted on now."""
    ids = sorted(set(thread_ids))
    found: set[Key] = set()
    for i in range(0, len(ids), 500):
        found.update(conn.execute(sa.select(Thread.department_id, Thread.opened_day, Thread.channel)
                                  .where(Thread.id.in_(ids[i:i + 500]), Thread.opened_day.is_not(None))).tuples())
    return found


def _lock_key(dept: int, day: date, channel: str) -> int:
    """A stable 63-bit number for a day's advisory lock (collisions only make two days wait)."""
    digest = hashlib.blake2b(f"thread_days:{dept}:{day.isoformat()}:{channel}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1
