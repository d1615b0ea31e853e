"""Reply templates: who may read and manage them, and filling in the placeholders.

A department's templates are managed by its head and used by its staff; site-wide
templates (no department) are managed by admins and offered to every department.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit.log import record
from ..core.clock import utcnow
from ..core.exceptions import Forbidden, Invalid, NotFound
from ..core.extensions import db
from ..core.text import normalize
from ..models import Department, ReplyTemplate, Thread, User

TITLE_MAX = 60
BODY_MAX = 2000
#: Placeholders a template may use, filled in for the thread being answered.
PLACEHOLDERS = ("{姓名}", "{编号}", "{部门}")


def may_manage(user: User | None, department_id: int | None) -> bool:
    """Heads their own department's templates; admins the site-wide ones."""
    if not (user and user.is_authenticated):
        return False
    if department_id is None:
        return user.is_admin
    return user.is_dept_head and user.department_id == department_id


def usable_templates(user: User) -> list[ReplyTemplate]:
    """What a staff member may insert: their department's templates, then the site-wide ones."""
    if not user.is_staff:
        return []
    stmt = sa.select(ReplyTemplate).where(
        sa.or_(ReplyTemplate.department_id == user.department_id, ReplyTemplate.department_id.is_(None))
    ).order_by(ReplyTemplate.department_id.is_(None), ReplyTemplate.title, ReplyTemplate.id)
    return list(db.session.scalars(stmt))


def visible_templates(user: User) -> list[ReplyTemplate]:
    """For the API list: staff see what they may use; admins see every template."""
    if user.is_admin:
        return list(db.session.scalars(sa.select(ReplyTemplate).order_by(ReplyTemplate.id)))
    if user.is_staff:
        return usable_templates(user)
    raise Forbidden(_("只有部门工作人员可以使用常用回复。"), "staff_only")


def templates_of(department_id: int | None) -> list[ReplyTemplate]:
    return list(db.session.scalars(
        sa.select(ReplyTemplate).where(
            ReplyTemplate.department_id.is_(None) if department_id is None
            else ReplyTemplate.department_id == department_id
        ).order_by(ReplyTemplate.title, ReplyTemplate.id)
    ))


def get_template(template_id: int) -> ReplyTemplate:
    row = db.session.get(ReplyTemplate, template_id)
    if row is None:
        raise NotFound(_("没有这条常用回复。"), "template_not_found")
    return row


def _clean(title: str | None, body: str | None) -> tuple[str, str]:
    title, body = normalize(title), normalize(body)
    if not title or len(title) > TITLE_MAX:
        raise Invalid(_("标题不能为空，且不超过%(n)d个字。", n=TITLE_MAX), "invalid_title")
    if not body or len(body) > BODY_MAX:
        raise Invalid(_("内容不能为空，且不超过%(n)d个字。", n=BODY_MAX), "invalid_body")
    return title, body


def _require_manage(actor: User, department_id: int | None) -> None:
    if not may_manage(actor, department_id):
        raise Forbidden(_("只有部门主要负责人可以管理本部门的常用回复，全站常用回复由系统管理员管理。"),
                        "cannot_manage_templates")


def create_template(actor: User, department: Department | None, title: str | None, body: str | None) -> ReplyTemplate:
    department_id = department.id if department else None
    _require_manage(actor, department_id)
    title, body = _clean(title, body)
    now = utcnow()
    row = ReplyTemplate(department_id=department_id, title=title, body=body, created_by_id=actor.id,
                        created_at=now, updated_at=now)
    db.session.add(row)
    db.session.flush()
    record(actor, "template.create", "reply_template", row.id, department_id=department_id, title=title)
    return row


def update_template(actor: User, row: ReplyTemplate, title: str | None, body: str | None) -> ReplyTemplate:
    _require_manage(actor, row.department_id)
    row.title, row.body = _clean(title if title is not None else row.title, body if body is not None else row.body)
    row.updated_at = utcnow()
    record(actor, "template.update", "reply_template", row.id, department_id=row.department_id, title=row.title)
    db.session.flush()
    return row


def delete_template(actor: User, row: ReplyTemplate) -> None:
    _require_manage(actor, row.department_id)
    record(actor, "template.delete", "reply_template", row.id, department_id=row.department_id,
           title=row.title, body=row.body)
    db.session.delete(row)
    db.session.flush()


def fill(body: str, thread: Thread, resident_name: str) -> str:
    """The template with {姓名} (the name as the public sees it), {编号} and {部门} filled in."""
    return (body.replace("{姓名}", resident_name).replace("{编号}", str(thread.id))
            .replace("{部门}", thread.department.name))
