"""How long first responses took: responded threads counted into time buckets, in one grouped query.

The hours are the ones the median and the 90th percentile use (``compute_metrics``): from the
thread's opening to its first counted official reply, interim or final (counting.py), over the
threads opened in the period that are responded by ``as_of``. The buckets are wall-clock hours,
as those figures are; a bucket holds its lower bound and not its upper one.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..core.extensions import db
from ..models import Department, Thread, ThreadDay
from ..models.thread import RESPONSE_BUCKETS
from . import facts, histogram, memo
from . import queries as q

#: (key, lower bound in hours inclusive, upper bound exclusive or None, label)
BUCKETS = (
    ("lt4h", 0, 4, _l("4小时以内")),
    ("4h_8h", 4, 8, _l("4–8小时")),
    ("8h_1d", 8, 24, _l("8–24小时")),
    ("1d_2d", 24, 48, _l("1–2天")),
    ("2d_5d", 48, 120, _l("2–5天")),
    ("5d_plus", 120, None, _l("5天及以上")),
)
BUCKET_KEYS = tuple(key for key, *_rest in BUCKETS)


def first_response_seconds(p: q.Period) -> sa.ColumnElement:
    """The first-response time of a thread in whole seconds (histogram.seconds_of): the shared
    hours, stored on the thread where the facts are settled (counting.response_hours)."""
    return histogram.seconds_of(q.thread_facts(p).response_hours)


#: The upper bounds of ``BUCKETS`` in seconds, the last open-ended.
_UPPERS = tuple(upper * 3600 for _key, _low, upper, _label in BUCKETS if upper is not None)


def bucket_of(p: q.Period) -> sa.ColumnElement[int]:
    """The index in ``BUCKETS`` of a responded thread's first-response time."""
    seconds = first_response_seconds(p)
    whens = [(seconds < upper, i) for i, upper in enumerate(_UPPERS)]
    return sa.case(*whens, else_=len(BUCKETS) - 1)


def first_response_distribution(
    period: q.Period, scope: Department | None = None, *, channel: str | None = None,
) -> list[dict]:
    """Per bucket, in order: ``key``, ``label``, ``low_hours``, ``high_hours`` and ``threads``.

    Counts the threads opened in ``period`` and responded by its ``as_of`` in ``scope``'s subtree
    (None: every department), only those that came by ``channel`` when given. Their sum is the
    ``responded`` figure of the same department with its subtree.
    """
    remembered_as = ("distribution", period.first_day, period.end_day, None if scope is None else scope.id, channel)
    found = memo.remembered(remembered_as, period.as_of, lambda: (_counts(period, scope, channel), None))
    return [
        {"key": key, "label": str(label), "low_hours": low, "high_hours": high, "threads": found.get(i, 0)}
        for i, (key, low, high, label) in enumerate(BUCKETS)
    ]


def _counts(period: q.Period, scope: Department | None, channel: str | None) -> dict[int, int]:
    """The number of the period's responded threads in each bucket (by its index): a sum of the
    daily counts' finer buckets (histogram.py) where the stored facts are settled, else in one
    query over the threads."""
    if facts.settled(period.as_of):
        stmt = sa.select(*[sa.func.sum(getattr(ThreadDay, name)) for name in RESPONSE_BUCKETS]).where(
            ThreadDay.day >= period.first_day, ThreadDay.day < period.end_day)
        if channel:
            stmt = stmt.where(ThreadDay.channel == channel)
        if scope is not None:
            stmt = stmt.where(ThreadDay.department_id.in_(Department.subtree_ids(scope)))
        folded = histogram.fold(db.session.execute(stmt).one(), _UPPERS)
        return {i: n for i, n in enumerate(folded) if n}
    inner = sa.select(bucket_of(period).label("bucket")).where(q.opened_in(period), q.is_responded(period))
    if channel:
        inner = inner.where(Thread.channel == channel)
    if scope is not None:
        inner = inner.where(Thread.department_id.in_(Department.subtree_ids(scope)))
    # Grouped outside: PostgreSQL would not match a CASE with bound parameters in SELECT and GROUP BY.
    sub = inner.subquery()
    return dict(db.session.execute(sa.select(sub.c.bucket, sa.func.count()).group_by(sub.c.bucket)).all())
