"""Issuing, acknowledging and closing supervision notices (督办单). Each flushes, audits and notifies."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask_babel import gettext as _

from ..access.actions import require_action
from ..access.permissions import oversees, require_acts_for
from ..audit.log import record
from ..calendar.workdays import due_after
from ..core.clock import site_tz, utcnow
from ..core.dates import FIRST_DAY, LAST_DAY, day_in_window, moment_in_window
from ..core.exceptions import Conflict, Forbidden, Invalid
from ..core.extensions import db
from ..core.text import clean_text, render_html
from ..models import Department, SupervisionNotice, Thread, User
from ..notifications.operations import notify, notify_department

BODY_MAX_CHARS = 2000
MAX_WORKING_DAYS = 60


def deadline_from(value: date | datetime | int) -> datetime:
    """A deadline from a local date (the end of that local day) or a number of working days from now."""
    if isinstance(value, date) and not (
        moment_in_window(value) if isinstance(value, datetime) else day_in_window(value)
    ):
        raise Invalid(_("日期必须在 %(first)s 至 %(last)s 之间。", first=FIRST_DAY.isoformat(),
                        last=LAST_DAY.isoformat()), "invalid_deadline")
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise Invalid(_("督办期限需要带时区。"), "invalid_deadline")
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(23, 59, 59), tzinfo=site_tz()).astimezone(UTC)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_WORKING_DAYS:
        return due_after(utcnow(), value)
    raise Invalid(_("办理期限应为1至%(n)d个工作日。", n=MAX_WORKING_DAYS), "invalid_deadline")


def _text(raw: str | None, code: str) -> str:
    return clean_text(raw, BODY_MAX_CHARS, empty=(_("内容不能为空。"), code),
                      too_long=(_("内容不能超过%(n)d个字。"), code))


def issue_notice(
    actor: User, department: Department, body: str, deadline: date | datetime | int, thread: Thread | None = None
) -> SupervisionNotice:
    """A supervisor overseeing ``department`` (or an admin) asks it to act by ``deadline``."""
    if not oversees(actor, department):
        raise Forbidden(_("只有负责该部门的督办人员可以发督办单。"), "not_overseer")
    if thread is not None and thread.department_id != department.id:
        raise Invalid(_("这条留言不属于该部门。"), "thread_not_in_department")
    if thread is not None:
        require_action(actor, thread, "notice")
    text = _text(body, "empty_body")
    due = deadline_from(deadline)
    now = utcnow()
    if due <= now:
        raise Invalid(_("督办期限必须晚于现在。"), "invalid_deadline")
    notice = SupervisionNotice(
        department_id=department.id, thread_id=thread.id if thread else None, issued_by_id=actor.id,
        body=text, body_html=render_html(text), deadline=due, created_at=now,
    )
    db.session.add(notice)
    db.session.flush()
    record(actor, "notice.issue", "supervision_notice", notice.id, department_id=department.id,
           thread_id=notice.thread_id, deadline=due.isoformat())
    notify_department(department.id, "notice_issued", notice_id=notice.id, department=department.name,
                      deadline=due.isoformat())
    return notice


def acknowledge_notice(actor: User, notice: SupervisionNotice, response: str) -> SupervisionNotice:
    """Staff of the department acknowledge a notice once, saying what they will do."""
    require_acts_for(actor, notice.department_id)
    if notice.closed_at is not None:
        raise Conflict(_("督办单已办结。"), "notice_closed")
    if notice.acknowledged_at is not None:
        raise Conflict(_("督办单已签收。"), "notice_acknowledged")
    notice.response = _text(response, "response_required")
    notice.acknowledged_at = utcnow()
    notice.acknowledged_by_id = actor.id
    db.session.flush()
    record(actor, "notice.acknowledge", "supervision_notice", notice.id, department_id=notice.department_id,
           late=notice.acknowledged_at > notice.deadline)
    notify(notice.issued_by_id, "notice_acknowledged", notice_id=notice.id, department=notice.department.name)
    return notice


def close_notice(actor: User, notice: SupervisionNotice) -> SupervisionNotice:
    """The overseeing side closes a notice (done, or no longer needed)."""
    if not oversees(actor, notice.department):
        raise Forbidden(_("只有负责该部门的督办人员可以办结督办单。"), "not_overseer")
    if notice.closed_at is not None:
        raise Conflict(_("督办单已办结。"), "notice_closed")
    notice.closed_at = utcnow()
    db.session.flush()
    record(actor, "notice.close", "supervision_notice", notice.id, department_id=notice.department_id,
           acknowledged=notice.acknowledged_at is not None)
    notify_department(notice.department_id, "notice_closed", notice_id=notice.id, department=notice.department.name)
    return notice
