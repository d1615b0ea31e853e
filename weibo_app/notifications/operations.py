"""Creating and reading notifications. ``notify`` is the one entry point other features call
(e.g. moderation: ``notify(user_id, "thread_hidden", thread_id=..., reason=...)``).

Like every service these flush and never commit; e-mail goes out only after the
transaction commits (see ``mail.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core.clock import utcnow
from ..core.exceptions import NotFound
from ..core.extensions import db
from ..models import STAFF_ROLES, Notification, Post, Role, User
from . import delivery, mail


def notify(user_id: int | None, kind: str, /, **data: Any) -> Notification | None:
    """Tell one user something; ``data`` must be JSON-serialisable (ids, names, a reason).

    ``None`` (a request recorded for someone without an account) tells no one.
    """
    rows = notify_many([user_id] if user_id is not None else [], kind, **data)
    return rows[0] if rows else None


def notify_many(user_ids: Iterable[int], kind: str, /, **data: Any) -> list[Notification]:
    """The same notification to several users (each once)."""
    now = utcnow()
    rows = [Notification(user_id=uid, kind=kind, data=data, created_at=now)
            for uid in dict.fromkeys(user_ids) if uid is not None]
    if not rows:
        return []
    db.session.add_all(rows)
    db.session.flush()
    mail.queue(rows)
    delivery.queue_for(rows)
    return rows


def staff_ids(department_id: int, roles: Iterable[str] = STAFF_ROLES, exclude: int | None = None) -> list[int]:
    """Active accounts of a department with one of ``roles``."""
    stmt = sa.select(User.id).where(
        User.department_id == department_id, User.role.in_(list(roles)), User.active.is_(True),
    )
    if exclude is not None:
        stmt = stmt.where(User.id != exclude)
    return list(db.session.scalars(stmt.order_by(User.id)))


def notify_department(department_id: int, kind: str, /, *, roles: Iterable[str] = STAFF_ROLES,
                      exclude: int | None = None, **data: Any) -> list[Notification]:
    return notify_many(staff_ids(department_id, roles, exclude), kind, **data)


def notify_mentioned(post: Post, names: list[str]) -> list[Notification]:
    """Staff of each department a post mentions (other than its own) hear of it."""
    from ..models import Department

    departments = db.session.scalars(
        sa.select(Department).where(Department.name.in_(names), Department.id != post.department_id)
    )
    sent: list[Notification] = []
    for dept in departments:
        sent += notify_department(dept.id, "mention", post_id=post.id, department=post.department.name)
    return sent


def reviewer_roles(post: Post) -> tuple[str, ...]:
    """Who reviews a draft: reviewers and the head; a major post awaiting final approval, the head only."""
    if post.state == "pending_final":
        return (Role.DEPT_HEAD,)
    return (Role.REVIEWER, Role.DEPT_HEAD)


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the user's own notifications as read."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_("没有这条通知。"), "notification_not_found")
    if row.read_at is None:
        row.read_at = utcnow()
    db.session.flush()
    return row


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user as read; returns how many."""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0
