"""Reads of information requests: one request with its timeline, the queues, the dashboard figures."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from ..core.exceptions import NotFound
from ..core.extensions import db
from ..models import Appeal, Department, InfoRequest, User
from ..models.disclosure import OPEN_STATES
from .rules import can_read

R = InfoRequest
OPEN = [s.value for s in OPEN_STATES]


def get_request(number: str) -> InfoRequest:
    """One request with its department, timeline and appeals."""
    req = db.session.scalar(
        sa.select(R).where(R.number == number).options(
            joinedload(R.department), joinedload(R.answered_by),
            selectinload(R.events), selectinload(R.appeals), selectinload(R.attachments),
        )
    )
    if req is None:
        raise NotFound(_("没有这件申请。"), "request_not_found")
    return req


def get_visible_request(user: User | None, number: str) -> InfoRequest:
    """The request if ``user`` may read it; otherwise it does not exist for them."""
    req = get_request(number)
    if not can_read(user, req):
        raise NotFound(_("没有这件申请。"), "request_not_found")
    return req


def get_appeal(appeal_id: int) -> Appeal:
    appeal = db.session.scalar(
        sa.select(Appeal).where(Appeal.id == appeal_id).options(
            joinedload(Appeal.request).joinedload(R.department)
        )
    )
    if appeal is None:
        raise NotFound(_("没有这条复议或诉讼记录。"), "appeal_not_found")
    return appeal


def _due_first(stmt: sa.Select) -> sa.Select:
    return stmt.order_by(R.due_on.is_(None), R.due_on, R.id)


def department_queue(department_id: int, open_only: bool = True, limit: int = 200) -> list[InfoRequest]:
    """The department's requests, the one due first on top (paused ones after)."""
    stmt = sa.select(R).where(R.department_id == department_id).options(joinedload(R.department))
    if open_only:
        stmt = _due_first(stmt.where(R.state.in_(OPEN)))
    else:
        stmt = stmt.where(R.state.not_in(OPEN)).order_by(R.answered_on.desc(), R.id.desc())
    return list(db.session.scalars(stmt.limit(limit)))


def my_requests(user_id: int, limit: int = 200) -> list[InfoRequest]:
    """The applicant's own requests, newest first."""
    stmt = sa.select(R).where(R.applicant_id == user_id).options(joinedload(R.department))
    return list(db.session.scalars(stmt.order_by(R.created_at.desc(), R.id.desc()).limit(limit)))


def requests_for(user: User, department: Department | None, state: str | None, limit: int = 500) -> list[InfoRequest]:
    """Staff: their department's requests; supervisors: their subtree's (or one department of it)."""
    stmt = sa.select(R).options(joinedload(R.department))
    if department is not None:
        stmt = stmt.where(R.department_id == department.id)
    elif user.is_staff:
        stmt = stmt.where(R.department_id == user.department_id)
    elif not user.is_admin and user.supervised_department is not None:
        stmt = stmt.where(R.department_id.in_(Department.subtree_ids(user.supervised_department)))
    if state:
        stmt = stmt.where(R.state == state)
    return list(db.session.scalars(_due_first(stmt).limit(limit)))


def open_count(department_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(R.id)).where(R.department_id == department_id, R.state.in_(OPEN))
    ) or 0


def dashboard_figures(scope: Department | None, first_day: date, end_day: date, today: date) -> list[dict]:
    """Per department of ``scope``: requests received in [first_day, end_day), of those answered
    on time and late, and the requests overdue today (whenever received). One query."""
    in_period = sa.and_(R.filed_on >= first_day, R.filed_on < end_day)
    decided = R.answered_on.is_not(None)

    def count(cond):
        return sa.func.count(sa.case((cond, 1)))

    stmt = (
        sa.select(
            Department.slug, Department.name,
            count(in_period),
            count(sa.and_(in_period, decided, R.answered_on <= R.due_on)),
            count(sa.and_(in_period, decided, R.answered_on > R.due_on)),
            count(R.state.in_(OPEN)),
            count(sa.and_(R.state.in_(OPEN), R.due_on < today)),
        )
        .select_from(Department).join(R, R.department_id == Department.id)
        .where(sa.or_(in_period, R.state.in_(OPEN)))
        .group_by(Department.id, Department.slug, Department.name, Department.path)
        .order_by(Department.path)
    )
    if scope is not None:
        stmt = stmt.where(Department.subtree_clause(scope))
    keys = ("department", "name", "received", "on_time", "late", "open", "overdue")
    return [dict(zip(keys, row, strict=True)) for row in db.session.execute(stmt)]

