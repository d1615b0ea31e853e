"""The rows behind each figure, using the very conditions the aggregates use."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..core.extensions import db
from ..models import Department, Post, Thread
from . import queries as q


def _no_reply_by(p: q.Period):
    """No official reply by ``as_of``, spelled out: ``~is_answered`` is NULL, not true, for a NULL reply time."""
    return sa.or_(Thread.first_response_at.is_(None), Thread.first_response_at > p.as_of)


THREAD_FIGURES = {
    "threads": lambda p: q.opened_in(p),
    "dismissed": lambda p: sa.and_(q.opened_in(p), q.is_dismissed()),
    "hidden": lambda p: sa.and_(q.opened_in(p), q.is_hidden()),
    "answered": lambda p: sa.and_(q.opened_in(p), q.is_answered(p)),
    "unanswered": lambda p: sa.and_(q.opened_in(p), ~q.is_dismissed(), _no_reply_by(p)),
    "late": lambda p: sa.and_(
        q.opened_in(p), q.on_time_base(p), sa.or_(_no_reply_by(p), Thread.first_response_at > Thread.first_due_at)
    ),
    "awaiting": q.is_awaiting,
    "overdue": q.is_overdue,
}
POST_FIGURES = {
    "posts_published": q.published_in,
    "unanswered_posts": q.is_unanswered_post,
    "silent_posts": q.is_silent_post,
}
FIGURES = tuple(THREAD_FIGURES) + tuple(POST_FIGURES)
LIMIT = 500


def _members(department: Department, subtree: bool):
    if subtree:
        return Department.subtree_ids(department)
    return sa.select(sa.literal(department.id))


def rows_behind(
    figure: str, period: q.Period, department: Department | None, subtree: bool, limit: int = LIMIT
) -> list:
    """Threads or posts counted by ``figure`` (at most ``limit``, oldest due or newest first)."""
    if figure in THREAD_FIGURES:
        stmt = (
            sa.select(Thread)
            .options(joinedload(Thread.department), joinedload(Thread.author), joinedload(Thread.post))
            .where(THREAD_FIGURES[figure](period))
            .order_by(Thread.due_at, Thread.id)
        )
        if department is not None:
            stmt = stmt.where(Thread.department_id.in_(_members(department, subtree)))
    elif figure in POST_FIGURES:
        stmt = (
            sa.select(Post)
            .options(joinedload(Post.department))
            .where(POST_FIGURES[figure](period))
            .order_by(Post.published_at.desc(), Post.id.desc())
        )
        if department is not None:
            stmt = stmt.where(Post.department_id.in_(_members(department, subtree)))
    else:
        raise KeyError(figure)
    return list(db.session.scalars(stmt.limit(limit)))
