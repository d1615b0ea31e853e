"""Department metrics, exactly as DESIGN.md defines them, aggregated in the database.

Each condition below is written once and used both by the aggregates and by
the drill-down lists behind every figure, so a figure and its rows agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ..core.clock import local_midnight_utc, to_local, utcnow
from ..models import (
    Channel,
    Post,
    PostState,
    Rating,
    Reply,
    Thread,
    ThreadState,
)
from . import counting as c
from . import facts as stored

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


@dataclass(frozen=True)
class Facts:
    """The moments of one thread the reply conditions are judged on.

    By default (``thread_facts``) they are subqueries correlated to ``Thread``; ``compute_metrics``
    computes them once per thread in a pass of its own and hands in that pass's columns, so the
    conditions below stay the one definition for both the figures and their rows.
    """

    first_response: sa.ColumnElement  # the first counted official reply (interim or final)
    first_final: sa.ColumnElement  # the first counted final answer
    due_now: sa.ColumnElement  # the due time in force at ``as_of``
    due_at_first_final: sa.ColumnElement  # the due time in force when the first final answer came
    hours: sa.ColumnElement | None = None  # the first-response hours where stored (else worked out)

    @property
    def response_hours(self) -> sa.ColumnElement[float]:
        """Hours from opening to the first response (counting.response_hours): stored, or worked out."""
        return self.hours if self.hours is not None else c.response_hours(self.first_response)


def thread_facts(p: Period, *, first_response=None, first_final=None, due_now=None,
                 due_at_first_final=None) -> Facts:
    """The facts of ``Thread`` at ``p.as_of``: the columns given, else the ones stored on the thread
    when they are settled at ``as_of`` (facts.py), else correlated subqueries over the rows."""
    given = (first_response, first_final, due_now, due_at_first_final)
    if all(x is None for x in given) and stored.settled(p.as_of):
        return stored_facts()
    first = c.first_final_at(p.as_of) if first_final is None else first_final
    return Facts(
        c.first_response_at(p.as_of) if first_response is None else first_response,
        first,
        c.due_in_force(p.as_of) if due_now is None else due_now,
        c.due_in_force(first) if due_at_first_final is None else due_at_first_final,
    )


def stored_facts() -> Facts:
    """The facts kept on each thread (valid at a moment they are settled at)."""
    return Facts(Thread.counted_first_response_at, Thread.counted_first_final_at, Thread.counted_due_at,
                 Thread.counted_due_at_final, Thread.counted_response_hours)


def is_responded(p: Period, f: Facts | None = None):
    """Non-dismissed, with at least one counted official reply (interim or final) by ``as_of``."""
    f = f or thread_facts(p)
    return sa.and_(~is_dismissed(), f.first_response.is_not(None))


def is_answered(p: Period, f: Facts | None = None):
    """Non-dismissed, with at least one counted final answer by ``as_of`` (see counting.py)."""
    f = f or thread_facts(p)
    return sa.and_(~is_dismissed(), f.first_final.is_not(None))


def is_past_due(p: Period, f: Facts | None = None):
    """Past the due time in force at ``as_of`` (the first one, moved only by an approved extension)."""
    f = f or thread_facts(p)
    return f.due_now < p.as_of


def on_time_base(p: Period, f: Facts | None = None):
    """Non-dismissed threads that are answered or already past their due time in force."""
    f = f or thread_facts(p)
    return sa.and_(~is_dismissed(), sa.or_(f.first_final.is_not(None), is_past_due(p, f)))


def on_time(p: Period, f: Facts | None = None):
    """The first final answer came by the due time in force at that moment."""
    f = f or thread_facts(p)
    return sa.and_(is_answered(p, f), f.first_final <= f.due_at_first_final)


def is_unanswered_past_due(p: Period, f: Facts | None = None):
    """Non-dismissed, without a counted final answer, past the due time in force: with the answered
    ones, exactly ``on_time_base`` (the part of it that grows with the clock alone)."""
    f = f or thread_facts(p)
    return sa.and_(~is_dismissed(), f.first_final.is_(None), is_past_due(p, f))


def is_late(p: Period, f: Facts | None = None):
    """Counted in the on-time base but not on time (the drill-down's "late")."""
    f = f or thread_facts(p)
    return sa.and_(on_time_base(p, f), sa.or_(f.first_final.is_(None), f.first_final > f.due_at_first_final))


#: The closed-loop figures worked out from the rows ...
LIVE_LOOP_FIGURES = {name: (lambda step: lambda p: step(p.as_of))(step) for name, step in c.LOOP_STEPS.items()}


def stored_loop_step(name: str) -> sa.ColumnElement[bool]:
    """... and as kept on the thread (``Thread.loop_steps``, one bit per figure)."""
    return Thread.loop_steps.op("&")(stored.LOOP_BITS[name]) != 0


def _loop_figure(name: str):
    live = LIVE_LOOP_FIGURES[name]
    return lambda p: stored_loop_step(name) if stored.settled(p.as_of) else live(p)


#: ... and whichever holds at ``as_of``: what the figures and their rows use.
LOOP_FIGURES = {name: _loop_figure(name) for name in LIVE_LOOP_FIGURES}


def is_awaiting(p: Period, *, all_opened: bool = False):
    """Awaiting at ``as_of``. ``all_opened``: every thread is known to be opened by then (facts.settled),
    so the opening term is left out and a department's awaiting threads come from the inbox index alone."""
    if all_opened:
        return Thread.state == ThreadState.AWAITING
    return sa.and_(Thread.state == ThreadState.AWAITING, Thread.opened_at <= p.as_of)


def is_overdue(p: Period, *, all_opened: bool = False):
    return sa.and_(is_awaiting(p, all_opened=all_opened), Thread.due_at < p.as_of)


def is_due_soon(p: Period):
    """黄灯: awaiting and on its last working day — due by the end of ``as_of``'s local day, not yet past."""
    end_of_day = local_midnight_utc(to_local(p.as_of).date() + timedelta(days=1)) - timedelta(seconds=1)
    return sa.and_(is_awaiting(p), Thread.due_at >= p.as_of, Thread.due_at <= end_of_day)


def is_published_state():
    """``Post.state`` one of ``PUBLISHED_STATES``, rendered as literals: the listed-posts indexes'
    condition (models/post.py), which SQLite matches only on literal terms."""
    return Post.state.in_(sa.bindparam(None, [s.value for s in PUBLISHED_STATES], expanding=True,
                                       literal_execute=True))


def published_in(p: Period):
    return sa.and_(
        is_published_state(),
        Post.published_at >= p.start, Post.published_at < p.end, Post.published_at <= p.as_of,
    )


def has_awaiting_thread(p: Period):
    # Once every thread is known to be opened by ``as_of`` the (post, state) index answers alone.
    # A set of posts rather than a probe per post: the awaiting threads are few, the posts many.
    return Post.id.in_(sa.select(Thread.post_id).where(is_awaiting(p, all_opened=stored.settled(p.as_of))))


def is_unanswered_post(p: Period):
    """Published posts with at least one awaiting thread at ``as_of``."""
    return sa.and_(is_published_state(), Post.published_at <= p.as_of, has_awaiting_thread(p))


def is_silent_post(p: Period):
    """Published in the period, received (non-dismissed) threads, and not one counted official reply."""
    received = sa.select(Thread.id).where(Thread.post_id == Post.id, ~is_dismissed(), Thread.opened_at <= p.as_of).exists()
    if stored.settled(p.as_of):  # a thread with a counted reply is one with a first response
        replied = sa.select(Thread.id).where(Thread.post_id == Post.id,
                                             stored_facts().first_response.is_not(None)).exists()
    else:
        replied = (
            sa.select(Reply.id).select_from(Thread).join(Reply, Reply.thread_id == Thread.id)
            .where(Thread.post_id == Post.id, c.counted_reply(p.as_of, final=False)).exists()
        )
    return sa.and_(published_in(p), received, ~replied)


def _count(cond) -> sa.ColumnElement[int]:
    return sa.func.count(sa.case((cond, 1)))


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def parse_channel(raw: str | None) -> str | None:
    """A channel code to break the figures down by (None: every channel); unknown codes are refused."""
    if not raw:
        return None
    if raw not in {c.value for c in Channel}:
        from flask_babel import gettext as _

        from ..core.exceptions import Invalid

        raise Invalid(_("未知的来源渠道。"), "invalid_channel")
    return raw
