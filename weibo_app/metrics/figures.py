"""The figures of each department over a period: ``compute_metrics``, aggregated in the database
with the conditions of queries.py (DESIGN.md, "Metrics — one definition everywhere")."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from ..core.extensions import db
from ..core.settings import get_setting
from ..models import Department, ExtensionRequest, Follow, Like, Post, PostViewDaily, Repost, Thread
from . import counting as c
from . import facts
from . import rollup as r
from .index import responsiveness_index
from .queries import (
    FIELDS,
    GOOD_RATINGS,
    LOOP_FIGURES,
    NULLABLE,
    PUBLISHED_STATES,
    Period,
    _count,
    _ratio,
    is_answered,
    is_awaiting,
    is_dismissed,
    is_hidden,
    is_overdue,
    is_responded,
    is_silent_post,
    is_unanswered_post,
    on_time,
    on_time_base,
    opened_in,
    published_in,
    thread_facts,
)
from .sql import grouping, hours_between

# --- the aggregates ----------------------------------------------------------

def compute_metrics(
    period: Period, *, department_ids: list[int] | None = None, subtree: bool = False,
    channel: str | None = None, stored_facts: bool | None = None,
) -> list[dict]:
    """One row of every field per department, in tree order.

    With ``channel`` every figure about threads counts only the threads that came by that
    channel (来电, 来信, …); the figures about posts do not depend on it.

    Every figure is aggregated once per department (GROUP BY department) and rolled up to each
    reported department's subtree in Python (rollup.py), so the roll-up costs no extra pass over
    the threads however deep the tree.

    The reply facts of the threads (first response, first final answer, due times, closed-loop
    steps) are read from the threads themselves when they are settled at ``as_of`` (facts.py),
    otherwise worked out from the replies; ``stored_facts`` forces one way (for the tests that
    hold the two to each other).
    """
    paths = dict(db.session.execute(sa.select(Department.id, Department.path)).all())
    groups = sa.select(Department.id, Department.slug, Department.name).order_by(Department.path)
    if department_ids is not None:
        groups = groups.where(Department.id.in_(department_ids))
    rows = {
        gid: {"department": slug, "name": name, **dict.fromkeys(FIELDS, 0), **dict.fromkeys(NULLABLE)}
        for gid, slug, name in db.session.execute(groups)
    }
    members = r.members_by_group(paths, rows, subtree)
    wanted = sorted({m for ms in members.values() for m in ms})
    everyone = len(wanted) == len(paths)

    def of_members(column):
        return sa.true() if everyone else column.in_(wanted)

    def per_department(stmt, dept_col) -> dict[int, tuple]:
        stmt = stmt.where(of_members(dept_col)).group_by(dept_col)
        return {dept: tuple(rest) for dept, *rest in db.session.execute(stmt)}

    def roll_up(partials: dict[int, tuple], width: int):
        for gid, ms in members.items():
            total = r.add_up(partials, ms, width)
            if total is not None:
                yield gid, total

    by_channel = Thread.channel == channel if channel else sa.true()
    in_scope = sa.and_(opened_in(period), by_channel, of_members(Thread.department_id))
    stmt, responded_hours = _thread_passes(period, in_scope, facts.settled(period.as_of)
                                           if stored_facts is None else stored_facts)
    for gid, (threads, dismissed, responded, answered, base, timely, good, rated, solved, told, hidden, *loop) in (
        roll_up(per_department(stmt, Thread.department_id), 11 + len(LOOP_FIGURES))
    ):
        rows[gid].update(threads=threads, dismissed=dismissed, responded=responded, answered=answered,
                         hidden=hidden, reply_rate=_ratio(answered, threads - dismissed),
                         on_time_rate=_ratio(timely, base),
                         satisfaction_rate=_ratio(good, rated), resolved_rate=_ratio(solved, told),
                         **dict(zip(LOOP_FIGURES, loop, strict=True)))

    values: dict[int, list[float]] = {}
    for dept, h in db.session.execute(
        responded_hours,
        # Streamed in batches (a server-side cursor on PostgreSQL): a year of a county is close to
        # a million values, which need not sit in the driver's buffer as well as in ``values``.
        execution_options={"yield_per": 20_000},
    ):
        values.setdefault(dept, []).append(h)
    for gid, ms in members.items():
        ordered = r.sorted_union(values, ms)
        rows[gid].update(median_first_response_hours=r.percentile_of(ordered, 1, 2),
                         p90_first_response_hours=r.percentile_of(ordered, 9, 10))

    awaiting = sa.select(Thread.department_id, sa.func.count(Thread.id), _count(is_overdue(period))).where(
        is_awaiting(period), by_channel)
    for gid, (n, overdue) in roll_up(per_department(awaiting, Thread.department_id), 2):
        rows[gid].update(awaiting=n, overdue=overdue)

    last_post = sa.func.max(sa.case(
        (sa.and_(Post.state.in_(PUBLISHED_STATES), Post.published_at <= period.as_of), Post.published_at)
    ))
    post_partials = per_department(sa.select(
        Post.department_id, _count(published_in(period)), _count(is_unanswered_post(period)),
        _count(is_silent_post(period)), last_post,
    ), Post.department_id)
    for gid, (published, unanswered, silent) in roll_up(post_partials, 3):
        lasts = [post_partials[m][3] for m in members[gid] if m in post_partials and post_partials[m][3]]
        rows[gid].update(posts_published=published, unanswered_posts=unanswered, silent_posts=silent,
                         days_since_last_post=days_since(max(lasts, key=_naive) if lasts else None, period.as_of))

    for model, key in ((Like, "likes"), (Repost, "reposts")):
        when = model.created_at
        stmt = sa.select(Post.department_id, sa.func.count()).select_from(Post).join(model, sa.and_(
            model.post_id == Post.id, when >= period.start, when < period.end, when <= period.as_of))
        for gid, (n,) in roll_up(per_department(stmt, Post.department_id), 1):
            rows[gid][key] = n
    views = sa.select(Post.department_id, sa.func.sum(PostViewDaily.views)).select_from(Post).join(
        PostViewDaily, sa.and_(PostViewDaily.post_id == Post.id, PostViewDaily.day >= period.first_day,
                               PostViewDaily.day < period.end_day))
    for gid, (n,) in roll_up(per_department(views, Post.department_id), 1):
        rows[gid]["views"] = n

    # People, not follow rows: with roll-up, one person following a bureau and its county counts
    # once — not additive, so counted per reported department over its members' follows.
    g, m, cond = grouping(subtree)
    followed = sa.and_(Follow.department_id == m.id, Follow.created_at <= period.as_of)
    for gid, n in db.session.execute(
        sa.select(g.id, sa.func.count(sa.distinct(Follow.user_id))).select_from(g).join(m, cond)
        .join(Follow, followed).where(g.id.in_(list(rows))).group_by(g.id)
    ):
        rows[gid]["followers"] = n
    dormant_days = int(get_setting("DORMANT_DAYS"))
    for row in rows.values():
        days = row["days_since_last_post"]
        row["dormant"] = days is None or days >= dormant_days
        row["responsiveness_index"] = responsiveness_index(row)
    return list(rows.values())


def _naive(moment: datetime) -> datetime:
    """Comparable whether an aggregate came back aware or raw (naive UTC)."""
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def days_since(last: datetime | None, as_of: datetime) -> int | None:
    """Whole days from the last post to ``as_of`` (None: never posted)."""
    if last is None:
        return None
    if last.tzinfo is None:  # an aggregate over a TypeDecorator column comes back raw
        last = last.replace(tzinfo=UTC)
    return max(0, (as_of - last).days)


def _thread_passes(period: Period, in_scope, stored: bool) -> tuple[sa.Select, sa.Select]:
    """The per-department counts of the period's threads, and each responded thread's
    department and first-response hours: from the stored facts, or from the rows."""
    if stored:
        f = thread_facts(period, first_response=Thread.counted_first_response_at,
                         first_final=Thread.counted_first_final_at, due_now=Thread.counted_due_at,
                         due_at_first_final=Thread.counted_due_at_final)
        loop = [Thread.loop_steps.op("&")(facts.LOOP_BITS[name]) != 0 for name in LOOP_FIGURES]
        counts = sa.select(Thread.department_id, sa.func.count(Thread.id), *_thread_counts(period, f, loop))
        hours = sa.select(Thread.department_id, _hours(f))
        return counts.where(in_scope), hours.where(in_scope, is_responded(period, f))
    # The moments every reply figure is judged on, for all the threads of the period at once:
    # grouped passes over the replies and extensions, joined by thread (not a lookup per thread).
    counted = c.replies_by_thread(period.as_of, in_scope)
    in_force = c.extensions_by_thread(period.as_of)
    once = (
        sa.select(Thread.id.label("id"), counted.c.first_response, counted.c.first_final,
                  c.due_from(in_force.c.latest).label("due_now"))
        .select_from(Thread)
        .outerjoin(counted, counted.c.thread_id == Thread.id)
        .outerjoin(in_force, in_force.c.thread_id == Thread.id)
        .where(in_scope).cte("thread_facts").prefix_with("MATERIALIZED")
    )
    at_answer = (
        sa.select(once.c.id, sa.func.max(ExtensionRequest.new_due_at).label("latest"))
        .select_from(once)
        .join(ExtensionRequest, sa.and_(ExtensionRequest.thread_id == once.c.id, c.approved_by(once.c.first_final)))
        .group_by(once.c.id).subquery("extensions_at_answer")
    )
    f = thread_facts(period, first_response=once.c.first_response, first_final=once.c.first_final,
                     due_now=once.c.due_now, due_at_first_final=c.due_from(at_answer.c.latest))
    loop = [cond(period) for cond in LOOP_FIGURES.values()]
    counts = (
        sa.select(Thread.department_id, sa.func.count(Thread.id), *_thread_counts(period, f, loop))
        .select_from(Thread).join(once, once.c.id == Thread.id)
        .outerjoin(at_answer, at_answer.c.id == once.c.id)
    )
    replied = c.replies_by_thread(period.as_of, in_scope)
    f = thread_facts(period, first_response=replied.c.first_response)
    hours = (sa.select(Thread.department_id, _hours(f)).select_from(Thread)
             .join(replied, replied.c.thread_id == Thread.id).where(in_scope, is_responded(period, f)))
    return counts, hours


def _thread_counts(period: Period, f, loop) -> tuple:
    return (
        _count(is_dismissed()), _count(is_responded(period, f)), _count(is_answered(period, f)),
        _count(on_time_base(period, f)), _count(on_time(period, f)),
        _count(Thread.rating.in_(GOOD_RATINGS)), sa.func.count(Thread.rating),
        _count(Thread.resolved.is_(True)), sa.func.count(Thread.resolved), _count(is_hidden()),
        *[_count(cond) for cond in loop],
    )


def _hours(f) -> sa.ColumnElement[float]:
    return sa.cast(hours_between(f.first_response, Thread.opened_at), sa.Float)
