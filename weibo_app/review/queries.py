"""Reads for the workflow: what waits for whom, a post's trail, the archive and the export."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..access.read import shown_posts_clause
from ..core.clock import local_midnight_utc, to_local, utcnow
from ..core.exceptions import NotFound
from ..core.extensions import db
from ..metrics.queries import Period
from ..models import Department, Post, PostState, ReviewDecision, User

#: States in which a post is, or was, public: its archive and export rows.
ARCHIVE_STATES = (PostState.PUBLISHED, PostState.SCHEDULED, PostState.WITHDRAWN)
IN_PROGRESS = (PostState.DRAFT, PostState.PENDING, PostState.PENDING_FINAL, PostState.SCHEDULED)


def get_post(post_id: int) -> Post:
    """Any post, with what the workflow pages touch; permission is the service's question."""
    post = db.session.scalar(
        sa.select(Post).options(joinedload(Post.department), joinedload(Post.author))
        .where(Post.id == post_id)
    )
    if post is None:
        raise NotFound(_("没有这条微博。"), "post_not_found")
    return post


def _waiting_clause(user: User) -> sa.ColumnElement[bool] | None:
    """Posts of the user's department waiting for this user's decision (never their own)."""
    if not (user.is_authenticated and user.can_review):
        return None
    states = [PostState.PENDING]
    if user.is_dept_head:
        states.append(PostState.PENDING_FINAL)
    return sa.and_(Post.department_id == user.department_id, Post.author_id != user.id,
                   Post.state.in_(states))


def waiting_for(user: User) -> list[Post]:
    """The review queue, oldest first (by the time the post reached this stage)."""
    clause = _waiting_clause(user)
    if clause is None:
        return []
    return list(db.session.scalars(
        sa.select(Post).options(joinedload(Post.author), joinedload(Post.department))
        .where(clause).order_by(Post.updated_at, Post.id)
    ))


def waiting_count(user: User) -> int:
    """The number for the navigation badge: one query."""
    clause = _waiting_clause(user)
    if clause is None:
        return 0
    return db.session.scalar(sa.select(sa.func.count(Post.id)).where(clause)) or 0


def my_posts_in_progress(user: User, limit: int = 50) -> list[Post]:
    """The author's drafts, returned posts, posts in review and scheduled ones not yet out."""
    now = utcnow()
    return list(db.session.scalars(
        sa.select(Post).options(joinedload(Post.department))
        .where(Post.author_id == user.id, Post.state.in_(IN_PROGRESS),
               sa.or_(Post.state != PostState.SCHEDULED, Post.published_at > now))
        .order_by(Post.updated_at.desc(), Post.id.desc()).limit(limit)
    ))


def decisions_for(post_ids: list[int]) -> dict[int, list[ReviewDecision]]:
    """Reviewer decisions of these posts, oldest first, with their actors: one query."""
    found: dict[int, list[ReviewDecision]] = defaultdict(list)
    if post_ids:
        rows = db.session.scalars(
            sa.select(ReviewDecision).options(joinedload(ReviewDecision.actor))
            .where(ReviewDecision.post_id.in_(post_ids))
            .order_by(ReviewDecision.created_at, ReviewDecision.id)
        )
        for row in rows:
            found[row.post_id].append(row)
    return found


def _archived(department_id: int) -> sa.ColumnElement[bool]:
    """Posts that went public (withdrawn ones stay, as their notice)."""
    return sa.and_(
        Post.department_id == department_id,
        shown_posts_clause(None, utcnow()),  # the public record, whoever exports it
    )


# -- archive --------------------------------------------------------------------------

@dataclass
class Month:
    key: str  # "2026-03" in the site's time zone
    start: datetime
    end: datetime
    total: int
    by_category: dict[str, int]


def _month_starts(first: datetime, last: datetime) -> list[date]:
    day = to_local(first).date().replace(day=1)
    stop = to_local(last).date().replace(day=1)
    months = []
    while day <= stop:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def archive_months(department: Department) -> list[Month]:
    """Posts per local month and category, newest month first: two queries.

    Month edges are computed in the site's time zone in Python and handed to SQL
    as a CASE, so SQLite and PostgreSQL bucket alike.
    """
    where = _archived(department.id)
    first, last = db.session.execute(
        sa.select(sa.func.min(Post.published_at), sa.func.max(Post.published_at)).where(where)
    ).one()
    if first is None:
        return []
    starts = _month_starts(first, last)
    edges = [local_midnight_utc(d) for d in starts]
    nxt = starts[-1]
    edges.append(local_midnight_utc(date(nxt.year + (nxt.month == 12), nxt.month % 12 + 1, 1)))
    bucket = sa.case(
        *[(Post.published_at < edges[i + 1], i) for i in range(len(starts))], else_=len(starts) - 1
    ).label("bucket")
    months = [Month(d.strftime("%Y-%m"), edges[i], edges[i + 1], 0, {}) for i, d in enumerate(starts)]
    rows = db.session.execute(
        sa.select(bucket, Post.category, sa.func.count(Post.id)).where(where)
        .group_by(bucket, Post.category)
    )
    for i, category, n in rows:
        months[i].by_category[category] = n
        months[i].total += n
    return [m for m in reversed(months) if m.total]


def archive_posts(department: Department, month: Month, category: str | None = None) -> list[Post]:
    """The posts of one month (and category), newest first: one query."""
    stmt = (
        sa.select(Post).options(joinedload(Post.department))
        .where(_archived(department.id), Post.published_at >= month.start, Post.published_at < month.end)
        .order_by(Post.published_at.desc(), Post.id.desc())
    )
    if category:
        stmt = stmt.where(Post.category == category)
    return list(db.session.scalars(stmt))


# -- export ---------------------------------------------------------------------------

def export_posts(department: Department, period: Period) -> list[Post]:
    """Everything the department published in the period, oldest first: one query."""
    return list(db.session.scalars(
        sa.select(Post).options(joinedload(Post.author), joinedload(Post.department))
        .where(_archived(department.id), Post.published_at >= period.start,
               Post.published_at < period.end)
        .order_by(Post.published_at, Post.id)
    ))
