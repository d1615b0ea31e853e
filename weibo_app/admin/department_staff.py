"""A department head manages their own department's staff: add accounts, deactivate them, name reviewers.

Only for the head's own department, and never for the head's own account or
another head; every change is audit-logged.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit.log import record
from ..core.exceptions import Conflict, Forbidden, Invalid
from ..core.extensions import db
from ..models import STAFF_ROLES, Department, Role, User


def may_manage_staff(user: User | None, department: Department) -> bool:
    return bool(user and user.is_authenticated and user.is_dept_head and user.department_id == department.id)


def _require(actor: User, department: Department) -> None:
    if not may_manage_staff(actor, department):
        raise Forbidden(_("只有本部门主要负责人可以管理本部门工作人员。"), "not_department_head")


def _member(actor: User, department: Department, user: User) -> None:
    _require(actor, department)
    if user.department_id != department.id or user.role not in STAFF_ROLES:
        raise Forbidden(_("只能管理本部门的工作人员。"), "not_department_member")
    if user.id == actor.id or user.role == Role.DEPT_HEAD:
        raise Conflict(_("主要负责人的账号由系统管理员管理。"), "head_account")


def staff_of(department: Department) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.department_id == department.id, User.role.in_(list(STAFF_ROLES)))
        .order_by(User.active.desc(), User.role, User.username)
    ))


def add_staff(actor: User, department: Department, username: str, password: str, display_name: str = "",
              reviewer: bool = False) -> User:
    """Create a staff (or reviewer) account in the head's department."""
    from ..auth.operations import create_user

    _require(actor, department)
    return create_user(username, password, Role.REVIEWER if reviewer else Role.STAFF, department.slug,
                       display_name=display_name, actor=actor)


def set_reviewer(actor: User, department: Department, user: User, reviewer: bool) -> User:
    """Give or take the review right (审核人) within the department."""
    _member(actor, department, user)
    role = Role.REVIEWER if reviewer else Role.STAFF
    if user.role != role:
        before = user.role
        user.role = role
        db.session.flush()
        record(actor, "user.role", "user", user.id, department_id=department.id,
               before={"role": before}, after={"role": role})
    return user


def set_staff_active(actor: User, department: Department, user: User, active: bool, reason: str = "") -> User:
    """Deactivate (or reactivate) a staff account; what it wrote and its audit trail stay."""
    _member(actor, department, user)
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise Invalid(_("理由不能超过500个字。"), "reason_too_long")
    if user.active != active:
        user.active = active
        if not active:
            user.api_token, user.api_token_expires_at = None, None
        db.session.flush()
        record(actor, "user.activate" if active else "user.deactivate", "user", user.id,
               department_id=department.id, reason=reason or None)
    return user
