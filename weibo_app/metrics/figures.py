"""The figures of each department over a period: ``compute_metrics``, aggregated in the database
with the conditions of queries.py (DESIGN.md, "Metrics — one definition everywhere")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from ..core.extensions import db
from ..core.settings import get_setting
from ..models import Department, ExtensionRequest, Follow, Like, Post, PostViewDaily, Repost, Thread, ThreadDay
from ..models.thread import RESPONSE_BUCKETS
from . import counting as c
from . import daily, facts, histogram, memo
from . import rollup as r
from .index import responsiveness_index
from .queries import (
    FIELDS,
    LIVE_LOOP_FIGURES,
    LOOP_FIGURES,
    NULLABLE,
    Period,
    _count,
    _ratio,
    is_awaiting,
    is_overdue,
    is_published_state,
    is_responded,
    is_silent_post,
    is_unanswered_past_due,
    is_unanswered_post,
    on_time_base,
    opened_in,
    published_in,
    stored_facts,
    thread_facts,
)
from .sql import grouping

# --- the aggregates ----------------------------------------------------------

def compute_metrics(
    period: Period, *, department_ids: list[int] | None = None, subtree: bool = False,
    channel: str | None = None, stored_facts: bool | None = None,
) -> list[dict]:
    """One row of every field per department, in tree order (see ``_compute``); remembered while
    it stays true (memo.py), unless ``stored_facts`` forces a way of computing it."""
    def compute():
        return _compute(period, department_ids=department_ids, subtree=subtree, channel=channel,
                        stored_facts=stored_facts)

    if stored_facts is not None:
        return compute()[0]
    ids = None if department_ids is None else tuple(sorted(set(department_ids)))
    return memo.remembered(("metrics", period.first_day, period.end_day, ids, subtree, channel), period.as_of, compute)


def _compute(
    period: Period, *, department_ids: list[int] | None, subtree: bool, channel: str | None,
    stored_facts: bool | None,
) -> tuple[list[dict], datetime | None]:
    """One row of every field per department, in tree order, and the next moment a row's days
    since its last post grows (the one figure that moves with the clock on its own).

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
    settled = facts.settled(period.as_of)
    partials, first_responses = _thread_passes(period, in_scope, settled if stored_facts is None else stored_facts,
                                               per_department, channel)
    for gid, (threads, dismissed, responded, answered, base, timely, good, rated, solved, told, hidden, *loop) in (
        roll_up(partials, 11 + len(LOOP_FIGURES))
    ):
        rows[gid].update(threads=threads, dismissed=dismissed, responded=responded, answered=answered,
                         hidden=hidden, reply_rate=_ratio(answered, threads - dismissed),
                         on_time_rate=_ratio(timely, base),
                         satisfaction_rate=_ratio(good, rated), resolved_rate=_ratio(solved, told),
                         **dict(zip(LOOP_FIGURES, loop, strict=True)))
    for gid, (median, p90) in first_responses(members).items():
        rows[gid].update(median_first_response_hours=median, p90_first_response_hours=p90)

    awaiting = sa.select(Thread.department_id, sa.func.count(Thread.id),
                         _count(is_overdue(period, all_opened=settled))).where(
        is_awaiting(period, all_opened=settled), by_channel)
    for gid, (n, overdue) in roll_up(per_department(awaiting, Thread.department_id), 2):
        rows[gid].update(awaiting=n, overdue=overdue)

    # One statement per figure, each filtering in WHERE, so that each reads only its own posts
    # through an index (one statement with a CASE per figure visits every post for each).
    post_counts = [per_department(sa.select(Post.department_id, sa.func.count(Post.id)).where(cond), Post.department_id)
                   for cond in (published_in(period), is_unanswered_post(period), is_silent_post(period))]
    post_partials = {dept: tuple(found.get(dept, (0,))[0] for found in post_counts)
                     for dept in set().union(*post_counts)}
    last_posts = per_department(sa.select(Post.department_id, sa.func.max(Post.published_at)).where(
        is_published_state(), Post.published_at <= period.as_of), Post.department_id)
    for gid, (published, unanswered, silent) in roll_up(post_partials, 3):
        rows[gid].update(posts_published=published, unanswered_posts=unanswered, silent_posts=silent)
    next_day = None
    for gid, ms in members.items():
        lasts = [last_posts[m][0] for m in ms if m in last_posts and last_posts[m][0]]
        last = max(lasts, key=_naive) if lasts else None
        days = rows[gid]["days_since_last_post"] = days_since(last, period.as_of)
        if last is not None:
            grows = _naive(last).replace(tzinfo=UTC) + timedelta(days=days + 1)
            next_day = grows if next_day is None else min(next_day, grows)

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
    return list(rows.values()), next_day


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


def _thread_passes(period: Period, in_scope, stored: bool, per_department, channel) -> tuple[dict, Callable]:
    """The per-department counts of the period's threads (threads, dismissed, responded, answered,
    on-time base, on time, good ratings, ratings, solved, told, hidden, the loop steps), and a
    function of the reported departments' members giving each one's median and 90th percentile
    of first-response hours: from the stored facts and the daily counts, or from the rows."""
    if stored:
        f = stored_facts()
        days = [ThreadDay.day >= period.first_day, ThreadDay.day < period.end_day]
        if channel:
            days.append(ThreadDay.channel == channel)
        width = len(daily.COUNTS)
        sums = per_department(sa.select(ThreadDay.department_id, *[
            sa.func.sum(getattr(ThreadDay, name)) for name in (*daily.COUNTS, *RESPONSE_BUCKETS)]).where(*days),
            ThreadDay.department_id)
        # The on-time base moves with the clock: the answered ones, and those past due without an answer.
        # count(*): the partial index holds every column asked for, so it is read alone.
        late = per_department(sa.select(Thread.department_id, sa.func.count())
                              .where(in_scope, is_unanswered_past_due(period, f)), Thread.department_id)
        partials = {dept: _with_base(found[:width], _answered(found) + late.get(dept, (0,))[0])
                    for dept, found in sums.items()}
        buckets = {dept: [int(n or 0) for n in found[width:]] for dept, found in sums.items()}
        responded = sa.select(Thread.department_id, f.response_hours).where(in_scope, is_responded(period, f))

        def first_responses(members):
            return histogram.percentiles(
                buckets, members,
                lambda b, depts: responded.where(histogram.in_bucket(b, depts, f.response_hours)),
                lambda: histogram.values_by_department(responded))

        return partials, first_responses
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
    loop = [cond(period) for cond in LIVE_LOOP_FIGURES.values()]
    counts = (
        sa.select(Thread.department_id, *daily.day_counts(f, loop), _count(on_time_base(period, f)))
        .select_from(Thread).join(once, once.c.id == Thread.id)
        .outerjoin(at_answer, at_answer.c.id == once.c.id)
    )
    partials = {dept: _with_base(found[:-1], found[-1])
                for dept, found in per_department(counts, Thread.department_id).items()}
    replied = c.replies_by_thread(period.as_of, in_scope)
    f = thread_facts(period, first_response=replied.c.first_response)
    hours = (sa.select(Thread.department_id, f.response_hours).select_from(Thread)
             .join(replied, replied.c.thread_id == Thread.id).where(in_scope, is_responded(period, f)))

    return partials, lambda members: histogram.percentiles_of_values(histogram.values_by_department(hours), members)


def _answered(counts) -> int:
    return int(counts[daily.COUNTS.index("answered")] or 0)


def _with_base(counts, base: int) -> tuple:
    """``daily.COUNTS`` of a department with its on-time base put after ``answered``."""
    threads, dismissed, responded, answered, *rest = (int(x or 0) for x in counts)
    return (threads, dismissed, responded, answered, int(base or 0), *rest)

