"""Weekly trends (local weeks, Monday first): threads opened, answered, overdue, reply rate — one grouped query."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ..core.clock import local_midnight_utc, to_local
from ..core.extensions import db
from ..models import Department, Thread, ThreadDay
from . import facts as stored
from . import memo
from . import queries as q

WEEKS = 8


def week_starts(as_of: datetime, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the last ``weeks`` local weeks, the current one last."""
    today = to_local(as_of).date()
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def weekly_trends(
    as_of: datetime, scope: Department | None = None, weeks: int = WEEKS, *, channel: str | None = None,
) -> list[dict]:
    """Per week: ``threads``, ``dismissed``, ``answered`` (by ``as_of``), ``overdue`` (of that week's
    threads, the ones still awaiting past their due time at ``as_of``) and ``reply_rate``, as the
    metrics define them; only the threads that came by ``channel`` when given.

    The week of each thread is a CASE over boundaries computed here, so the SQL is the
    same on SQLite and PostgreSQL; no thread row is loaded into Python.
    """
    starts = week_starts(as_of, weeks)
    key = ("trends", starts[0], weeks, None if scope is None else scope.id, channel)
    return memo.remembered(key, as_of, lambda: (_weekly(as_of, starts, scope, channel), None))


def _weekly(as_of: datetime, starts: list[date], scope: Department | None, channel: str | None) -> list[dict]:
    weeks = len(starts)
    bounds = [local_midnight_utc(d) for d in starts] + [local_midnight_utc(starts[-1] + timedelta(weeks=1))]
    period = q.Period(starts[0], starts[-1] + timedelta(weeks=1), as_of)
    week = sa.case(
        *[(Thread.opened_at < bounds[i + 1], i) for i in range(weeks)],
        else_=weeks,
    ).label("week")
    members = Department.subtree_ids(scope) if scope is not None else None
    if stored.settled(as_of):
        found = _from_days(period, starts, week, members, channel)
    else:
        found = _from_threads(period, week, members, channel)
    rows = []
    for i, start in enumerate(starts):
        n, dismissed, answered, overdue = found.get(i, (0, 0, 0, 0))
        rows.append({
            "week_start": start, "threads": n, "dismissed": dismissed, "answered": answered, "overdue": overdue,
            "reply_rate": q._ratio(answered, n - dismissed),
        })
    return rows


def _from_days(period: q.Period, starts: list[date], week, members, channel) -> dict[int, tuple]:
    """The weeks' counts as sums of the daily counts (daily.py), and the overdue threads from the
    inbox index (being overdue moves with the clock)."""
    day_week = sa.case(*[(ThreadDay.day < start + timedelta(weeks=1), i) for i, start in enumerate(starts)],
                       else_=len(starts)).label("week")
    days = sa.select(day_week, ThreadDay.threads, ThreadDay.dismissed, ThreadDay.answered).where(
        ThreadDay.day >= period.first_day, ThreadDay.day < period.end_day)
    # Every overdue thread, from the inbox index alone (they are few; a range on the opening time
    # would read every thread of the weeks), put in its week; earlier ones fall outside the weeks.
    earlier = sa.case((Thread.opened_at < period.start, -1), else_=week).label("week")
    overdue = sa.select(earlier).where(q.is_overdue(period, all_opened=True))
    if channel:
        days = days.where(ThreadDay.channel == channel)
        overdue = overdue.where(Thread.channel == channel)
    if members is not None:
        days = days.where(ThreadDay.department_id.in_(members))
        overdue = overdue.where(Thread.department_id.in_(members))
    sub = days.subquery()
    found = {i: [int(n or 0), int(d or 0), int(a or 0), 0] for i, n, d, a in db.session.execute(
        sa.select(sub.c.week, sa.func.sum(sub.c.threads), sa.func.sum(sub.c.dismissed), sa.func.sum(sub.c.answered))
        .group_by(sub.c.week))}
    late = overdue.subquery()
    for i, n in db.session.execute(sa.select(late.c.week, sa.func.count()).group_by(late.c.week)):
        if 0 <= i < len(starts):
            found.setdefault(i, [0, 0, 0, 0])[3] = n
    return {i: tuple(v) for i, v in found.items()}


def _from_threads(period: q.Period, week, members, channel) -> dict[int, tuple]:
    """The weeks' counts from the threads themselves, each condition judged at ``as_of``."""
    inner = sa.select(
        week,
        sa.case((q.is_dismissed(), 1), else_=0).label("dismissed"),
        sa.case((q.is_answered(period), 1), else_=0).label("answered"),
        sa.case((q.is_overdue(period), 1), else_=0).label("overdue"),
    ).where(q.opened_in(period))
    if channel:
        inner = inner.where(Thread.channel == channel)
    if members is not None:
        inner = inner.where(Thread.department_id.in_(members))
    # Grouped outside: PostgreSQL would not match a CASE with bound parameters in SELECT and GROUP BY.
    sub = inner.subquery()
    stmt = sa.select(
        sub.c.week, sa.func.count(), sa.func.coalesce(sa.func.sum(sub.c.dismissed), 0),
        sa.func.coalesce(sa.func.sum(sub.c.answered), 0), sa.func.coalesce(sa.func.sum(sub.c.overdue), 0),
    ).group_by(sub.c.week)
    return {i: tuple(counts) for i, *counts in db.session.execute(stmt)}


def bar_class(share: float | None) -> str:
    """A CSS width class (bar-w0 … bar-w100, steps of 5) for a share between 0 and 1."""
    if not share:
        return "bar-w0"
    return f"bar-w{min(100, max(0, round(share * 20) * 5))}"
