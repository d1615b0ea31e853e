"""Reads for supervision notices: the state in SQL (twin of ``SupervisionNotice.state_at``), scopes, lists."""

from __future__ import annotations

from datetime import datetime
from functools import cache

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..core.exceptions import NotFound
from ..core.extensions import db
from ..models import Department, NoticeState, SupervisionNotice, Thread

N = SupervisionNotice


def notice_state_sql(now: datetime) -> sa.ColumnElement[str]:
    """The derived state as SQL; keep in step with ``SupervisionNotice.state_at``."""
    return sa.case(
        (N.closed_at.is_not(None), sa.literal(NoticeState.CLOSED.value)),
        (N.acknowledged_at.is_not(None), sa.literal(NoticeState.ACKNOWLEDGED.value)),
        (N.deadline < now, sa.literal(NoticeState.OVERDUE.value)),
        else_=sa.literal(NoticeState.OPEN.value),
    )


def _in_scope(stmt: sa.Select, scope: Department | None) -> sa.Select:
    """Only notices to departments in ``scope``'s subtree (None: every department)."""
    if scope is None:
        return stmt
    members = Department.subtree_ids(scope)
    return stmt.where(N.department_id.in_(members))


def _eager(stmt: sa.Select) -> sa.Select:
    return stmt.options(
        joinedload(N.department), joinedload(N.issued_by), joinedload(N.acknowledged_by),
        joinedload(N.thread).joinedload(Thread.department),
    )


def counts_by_state(scope: Department | None, now: datetime) -> dict[str, int]:
    """How many notices are in each state, in one query."""
    state = notice_state_sql(now)
    stmt = _in_scope(sa.select(state, sa.func.count()).select_from(N), scope).group_by(state)
    counts = dict.fromkeys((s.value for s in NoticeState), 0)
    counts.update({key: n for key, n in db.session.execute(stmt)})
    return counts


def pending_notices(scope: Department | None, now: datetime, limit: int = 20) -> list[SupervisionNotice]:
    """Open and overdue notices in scope, nearest deadline first."""
    state = notice_state_sql(now)
    stmt = _in_scope(_eager(sa.select(N)), scope).where(
        state.in_([NoticeState.OPEN.value, NoticeState.OVERDUE.value])
    )
    return list(db.session.scalars(stmt.order_by(N.deadline, N.id).limit(limit)))


@cache
def _department_notices_statement(limit: int) -> sa.Select:
    """Built once (the inbox asks on every request, mostly to find none: building the eager
    statement cost twice what running it did); the department is a parameter."""
    stmt = _eager(sa.select(N)).where(N.department_id == sa.bindparam("department_id"), N.closed_at.is_(None))
    return stmt.order_by(N.acknowledged_at.is_not(None), N.deadline, N.id).limit(limit)


def department_notices(department_id: int, limit: int = 50) -> list[SupervisionNotice]:
    """A department's notices not yet closed: unacknowledged first, then by deadline."""
    return list(db.session.scalars(_department_notices_statement(limit), {"department_id": department_id}))


def notices_in_scope(scope: Department | None, limit: int = 200) -> list[SupervisionNotice]:
    """Every notice in scope, newest first."""
    stmt = _in_scope(_eager(sa.select(N)), scope).order_by(N.created_at.desc(), N.id.desc())
    return list(db.session.scalars(stmt.limit(limit)))


def get_notice(notice_id: int) -> SupervisionNotice:
    notice = db.session.scalar(_eager(sa.select(N)).where(N.id == notice_id))
    if notice is None:
        raise NotFound(_("没有这张督办单。"), "notice_not_found")
    return notice
