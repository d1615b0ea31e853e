"""Department metrics, exactly as DESIGN.md defines them, aggregated in the database.

Each condition below is written once and used both by the aggregates and by
the drill-down lists behind every figure, so a figure and its rows agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from ..core.clock import local_midnight_utc, to_local, utcnow
from ..core.extensions import db
from ..core.settings import get_setting
from ..models import (
    Channel,
    EventKind,
    Follow,
    Like,
    Post,
    PostState,
    PostViewDaily,
    Rating,
    Reply,
    Repost,
    Thread,
    ThreadState,
)
from . import counting as c
from .sql import grouping, hours_between, percentile

FIELDS = (
    "threads", "dismissed", "responded", "answered", "reply_rate", "on_time_rate",
    "median_first_response_hours", "p90_first_response_hours", "awaiting", "overdue",
    "unanswered_posts", "silent_posts", "satisfaction_rate", "resolved_rate",
    "extended", "reworked", "urged", "transfers", "visited",
    "posts_published", "views", "likes", "reposts", "followers",
    "hidden",  # of ``threads``, hidden by a moderator (still counted in every other figure)
)
GOOD_RATINGS = (Rating.SATISFIED, Rating.BASICALLY_SATISFIED)
NULLABLE = (
    "reply_rate", "on_time_rate", "satisfaction_rate", "resolved_rate",
    "median_first_response_hours", "p90_first_response_hours",
    "days_since_last_post", "responsiveness_index",
)
PUBLISHED_STATES = (PostState.PUBLISHED, PostState.SCHEDULED, PostState.WITHDRAWN)


@dataclass(frozen=True)
class Period:
    """[start, end) of local dates, as UTC instants, judged at ``as_of``."""

    first_day: date
    end_day: date  # exclusive
    as_of: datetime

    @property
    def start(self) -> datetime:
        return local_midnight_utc(self.first_day)

    @property
    def end(self) -> datetime:
        return local_midnight_utc(self.end_day)


def make_period(first_day: date, end_day: date, as_of: datetime | None = None) -> Period:
    return Period(first_day, end_day, as_of or utcnow())


# --- one definition per condition -------------------------------------------

def opened_in(p: Period):
    return sa.and_(Thread.opened_at >= p.start, Thread.opened_at < p.end, Thread.opened_at <= p.as_of)


def is_dismissed():
    return Thread.state == ThreadState.DISMISSED


def is_hidden():
    return Thread.hidden_at.is_not(None)


def is_responded(p: Period):
    """Non-dismissed, with at least one counted official reply (interim or final) by ``as_of``."""
    return sa.and_(~is_dismissed(), c.first_response_at(p.as_of).is_not(None))


def is_answered(p: Period):
    """Non-dismissed, with at least one counted final answer by ``as_of`` (see counting.py)."""
    return sa.and_(~is_dismissed(), c.first_final_at(p.as_of).is_not(None))


def is_past_due(p: Period):
    """Past the due time in force at ``as_of`` (the first one, moved only by an approved extension)."""
    return c.due_in_force(p.as_of) < p.as_of


def on_time_base(p: Period):
    """Non-dismissed threads that are answered or already past their due time in force."""
    return sa.and_(~is_dismissed(), sa.or_(c.first_final_at(p.as_of).is_not(None), is_past_due(p)))


def on_time(p: Period):
    """The first final answer came by the due time in force at that moment."""
    first = c.first_final_at(p.as_of)
    return sa.and_(is_answered(p), first <= c.due_in_force(first))


def is_late(p: Period):
    """Counted in the on-time base but not on time (the drill-down's "late")."""
    first = c.first_final_at(p.as_of)
    return sa.and_(on_time_base(p), sa.or_(first.is_(None), first > c.due_in_force(first)))


LOOP_FIGURES = {
    "extended": lambda p: c.was_extended(p.as_of),
    "reworked": lambda p: c.has_event(EventKind.REWORK, p.as_of),
    "urged": lambda p: c.has_event(EventKind.URGE, p.as_of),
    "transfers": lambda p: c.was_transferred(p.as_of),
    "visited": lambda p: c.has_event(EventKind.VISIT, p.as_of),
}


def is_awaiting(p: Period):
    return sa.and_(Thread.state == ThreadState.AWAITING, Thread.opened_at <= p.as_of)


def is_overdue(p: Period):
    return sa.and_(is_awaiting(p), Thread.due_at < p.as_of)


def is_due_soon(p: Period):
    """黄灯: awaiting and on its last working day — due by the end of ``as_of``'s local day, not yet past."""
    end_of_day = local_midnight_utc(to_local(p.as_of).date() + timedelta(days=1)) - timedelta(seconds=1)
    return sa.and_(is_awaiting(p), Thread.due_at >= p.as_of, Thread.due_at <= end_of_day)


def published_in(p: Period):
    return sa.and_(
        Post.state.in_(PUBLISHED_STATES),
        Post.published_at >= p.start, Post.published_at < p.end, Post.published_at <= p.as_of,
    )


def has_awaiting_thread(p: Period):
    return (
        sa.select(Thread.id).where(Thread.post_id == Post.id, is_awaiting(p)).exists()
    )


def is_unanswered_post(p: Period):
    """Published posts with at least one awaiting thread at ``as_of``."""
    return sa.and_(Post.state.in_(PUBLISHED_STATES), Post.published_at <= p.as_of, has_awaiting_thread(p))


def is_silent_post(p: Period):
    """Published in the period, received (non-dismissed) threads, and not one counted official reply."""
    received = sa.select(Thread.id).where(Thread.post_id == Post.id, ~is_dismissed(), Thread.opened_at <= p.as_of).exists()
    replied = (
        sa.select(Reply.id).select_from(Thread).join(Reply, Reply.thread_id == Thread.id)
        .where(Thread.post_id == Post.id, c.counted_reply(p.as_of, final=False)).exists()
    )
    return sa.and_(published_in(p), received, ~replied)


def _count(cond) -> sa.ColumnElement[int]:
    return sa.func.count(sa.case((cond, 1)))


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


# --- the aggregates ----------------------------------------------------------

def compute_metrics(
    period: Period, *, department_ids: list[int] | None = None, subtree: bool = False,
    channel: str | None = None,
) -> list[dict]:
    """One row of every field per department, in tree order.

    With ``channel`` every figure about threads counts only the threads that came by that
    channel (来电, 来信, …); the figures about posts do not depend on it.
    """
    g, m, cond = grouping(subtree)
    groups = sa.select(g.id, g.slug, g.name, g.path).order_by(g.path)
    if department_ids is not None:
        groups = groups.where(g.id.in_(department_ids))
    rows = {
        gid: {"department": slug, "name": name, **dict.fromkeys(FIELDS, 0), **dict.fromkeys(NULLABLE)}
        for gid, slug, name, _ in db.session.execute(groups)
    }
    only = g.id.in_(list(rows))

    def grouped(*cols, joins):
        stmt = sa.select(g.id, *cols).select_from(g).join(m, cond)
        for target, on in joins:
            stmt = stmt.join(target, on)
        return db.session.execute(stmt.where(only).group_by(g.id))

    by_channel = Thread.channel == channel if channel else sa.true()
    t_on = sa.and_(Thread.department_id == m.id, opened_in(period), by_channel)
    for gid, threads, dismissed, responded, answered, base, timely, good, rated, solved, told, hidden, *loop in grouped(
        sa.func.count(Thread.id), _count(is_dismissed()), _count(is_responded(period)),
        _count(is_answered(period)), _count(on_time_base(period)), _count(on_time(period)),
        _count(Thread.rating.in_(GOOD_RATINGS)), sa.func.count(Thread.rating),
        _count(Thread.resolved.is_(True)), sa.func.count(Thread.resolved), _count(is_hidden()),
        *[_count(cond(period)) for cond in LOOP_FIGURES.values()],
        joins=[(Thread, t_on)],
    ):
        rows[gid].update(threads=threads, dismissed=dismissed, responded=responded, answered=answered,
                         hidden=hidden, reply_rate=_ratio(answered, threads - dismissed),
                         on_time_rate=_ratio(timely, base),
                         satisfaction_rate=_ratio(good, rated), resolved_rate=_ratio(solved, told),
                         **dict(zip(LOOP_FIGURES, loop, strict=True)))
    hours = hours_between(c.first_response_at(period.as_of), Thread.opened_at)
    ranked = (
        sa.select(
            g.id.label("gid"), hours.label("h"),
            sa.func.row_number().over(partition_by=g.id, order_by=hours).label("rn"),
            sa.func.count().over(partition_by=g.id).label("n"),
        )
        .select_from(g).join(m, cond)
        .join(Thread, sa.and_(t_on, is_responded(period)))
        .where(only)
        .subquery()
    )
    for gid, median, p90 in db.session.execute(
        sa.select(
            ranked.c.gid,
            percentile(ranked.c.h, 1, 2, ranked.c.n, ranked.c.rn),
            percentile(ranked.c.h, 9, 10, ranked.c.n, ranked.c.rn),
        ).group_by(ranked.c.gid)
    ):
        rows[gid].update(median_first_response_hours=median, p90_first_response_hours=p90)

    for gid, awaiting, overdue in grouped(
        sa.func.count(Thread.id), _count(is_overdue(period)),
        joins=[(Thread, sa.and_(Thread.department_id == m.id, is_awaiting(period), by_channel))],
    ):
        rows[gid].update(awaiting=awaiting, overdue=overdue)

    last_post = sa.func.max(sa.case(
        (sa.and_(Post.state.in_(PUBLISHED_STATES), Post.published_at <= period.as_of), Post.published_at)
    ))
    for gid, published, unanswered, silent, last in grouped(
        _count(published_in(period)), _count(is_unanswered_post(period)), _count(is_silent_post(period)),
        last_post, joins=[(Post, Post.department_id == m.id)],
    ):
        rows[gid].update(posts_published=published, unanswered_posts=unanswered, silent_posts=silent,
                         days_since_last_post=days_since(last, period.as_of))

    member_posts = (Post, Post.department_id == m.id)
    for model, key in ((Like, "likes"), (Repost, "reposts")):
        when = model.created_at
        in_period = sa.and_(model.post_id == Post.id, when >= period.start, when < period.end, when <= period.as_of)
        for gid, n in grouped(sa.func.count(), joins=[member_posts, (model, in_period)]):
            rows[gid][key] = n
    views_in_period = sa.and_(
        PostViewDaily.post_id == Post.id,
        PostViewDaily.day >= period.first_day,
        PostViewDaily.day < period.end_day,
    )
    for gid, n in grouped(sa.func.sum(PostViewDaily.views), joins=[member_posts, (PostViewDaily, views_in_period)]):
        rows[gid]["views"] = int(n or 0)
    followed = sa.and_(Follow.department_id == m.id, Follow.created_at <= period.as_of)
    # People, not follow rows: with roll-up, one person following a bureau and its county counts once.
    for gid, n in grouped(sa.func.count(sa.distinct(Follow.user_id)), joins=[(Follow, followed)]):
        rows[gid]["followers"] = n
    dormant_days = int(get_setting("DORMANT_DAYS"))
    for row in rows.values():
        days = row["days_since_last_post"]
        row["dormant"] = days is None or days >= dormant_days
        row["responsiveness_index"] = responsiveness_index(row)
    return list(rows.values())


def days_since(last: datetime | None, as_of: datetime) -> int | None:
    """Whole days from the last post to ``as_of`` (None: never posted)."""
    if last is None:
        return None
    if last.tzinfo is None:  # an aggregate over a TypeDecorator column comes back raw
        last = last.replace(tzinfo=UTC)
    return max(0, (as_of - last).days)


INDEX_RATES = ("reply_rate", "on_time_rate", "satisfaction_rate", "resolved_rate")


def index_weights() -> dict[str, float]:
    weights = get_setting("INDEX_WEIGHTS")
    return {name: float(weights.get(name, 0)) for name in INDEX_RATES}


def responsiveness_index(row: dict) -> float | None:
    """响应指数 0–100: the weighted mean of the four rates; a null rate takes its weight out."""
    weights = index_weights()
    present = [(weights[name], row[name]) for name in INDEX_RATES if row[name] is not None and weights[name] > 0]
    total = sum(w for w, _ in present)
    if not total:
        return None
    return round(100 * sum(w * rate for w, rate in present) / total, 1)


def index_formula() -> str:
    """The formula as printed beside the index, with the weights in force."""
    from flask_babel import gettext as _

    w = {name: f"{value:g}" for name, value in index_weights().items()}
    return _("响应指数 = 100 × (%(a)s×回复率 + %(b)s×按时回复率 + %(c)s×满意率 + %(d)s×解决率) ÷ "
             "参与计算的权重之和（某项比率无数据时，其权重不计入）",
             a=w["reply_rate"], b=w["on_time_rate"], c=w["satisfaction_rate"], d=w["resolved_rate"])


def parse_channel(raw: str | None) -> str | None:
    """A channel code to break the figures down by (None: every channel); unknown codes are refused."""
    if not raw:
        return None
    if raw not in {c.value for c in Channel}:
        from flask_babel import gettext as _

        from ..core.exceptions import Invalid

        raise Invalid(_("未知的来源渠道。"), "invalid_channel")
    return raw
