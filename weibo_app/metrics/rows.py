"""The rows behind each figure, using the very conditions the aggregates use."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..core.extensions import db
from ..models import Department, Post, Thread
from . import queries as q


def _no_answer_by(p: q.Period):
    """No counted final answer by ``as_of``, spelled out (``~is_answered`` is NULL, not true, on NULL)."""
    return q.thread_facts(p).first_final.is_(None)


THREAD_FIGURES = {
    "threads": lambda p: q.opened_in(p),
    "dismissed": lambda p: sa.and_(q.opened_in(p), q.is_dismissed()),
    "hidden": lambda p: sa.and_(q.opened_in(p), q.is_hidden()),
    "responded": lambda p: sa.and_(q.opened_in(p), q.is_responded(p)),
    "answered": lambda p: sa.and_(q.opened_in(p), q.is_answered(p)),
    "unanswered": lambda p: sa.and_(q.opened_in(p), ~q.is_dismissed(), _no_answer_by(p)),
    "late": lambda p: sa.and_(q.opened_in(p), q.is_late(p)),
    "awaiting": q.is_awaiting,
    "overdue": q.is_overdue,
    "due_soon": q.is_due_soon,
    **{name: (lambda cond: lambda p: sa.and_(q.opened_in(p), cond(p)))(cond)
       for name, cond in q.LOOP_FIGURES.items()},
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
    figure: str, period: q.Period, department: Department | None, subtree: bool, limit: int = LIMIT,
    channel: str | None = None,
) -> list:
    """Threads or posts counted by ``figure`` (at most ``limit``, oldest due or newest first);
    with ``channel``, only the threads that came by it (as ``compute_metrics`` counts them)."""
    if figure in THREAD_FIGURES:
        stmt = (
            sa.select(Thread)
            .options(joinedload(Thread.department), joinedload(Thread.author), joinedload(Thread.post))
            .where(THREAD_FIGURES[figure](period))
            .order_by(Thread.due_at, Thread.id)
        )
        if department is not None:
            stmt = stmt.where(Thread.department_id.in_(_members(department, subtree)))
        if channel:
            stmt = stmt.where(Thread.channel == channel)
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
