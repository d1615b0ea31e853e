"""Transfers through the dispatcher (转办/派单) and extensions (延期): requests and decisions.

Each service checks the rule in access/loop_rules.py, flushes, audits and notifies; the caller commits.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _

from ..access import loop_rules as rules
from ..audit.log import record
from ..calendar.workdays import nth_working_day_after
from ..core.clock import site_tz, to_local, utcnow
from ..core.exceptions import Conflict, Forbidden, Invalid, NotFound
from ..core.extensions import db
from ..core.settings import get_setting
from ..core.text import normalize
from ..models import (
    ApprovalState,
    Department,
    ExtensionRequest,
    Role,
    Thread,
    ThreadState,
    TransferRequest,
    User,
)
from ..notifications.operations import notify, notify_department, notify_many
from .operations import check_transferable, clean_reason, move_thread


def supervisor_ids(department: Department) -> list[int]:
    """Active supervisors whose subtree holds ``department`` (the dispatchers who decide)."""
    ancestors = [int(part) for part in department.path.strip("/").split("/") if part]
    stmt = sa.select(User.id).where(
        User.role == Role.SUPERVISOR, User.active.is_(True),
        sa.or_(User.supervised_department_id.is_(None), User.supervised_department_id.in_(ancestors)),
    )
    return list(db.session.scalars(stmt.order_by(User.id)))


def _decision_comment(raw: str | None, required: bool) -> str | None:
    if required:
        return clean_reason(raw)
    text = normalize(raw) or None
    if text and len(text) > get_setting("REASON_MAX_CHARS"):
        raise Invalid(_("理由太长。"), "reason_too_long")
    return text


# --- extensions (延期) ----------------------------------------------------------

def parse_until(raw) -> date:
    """A local date, ``YYYY-MM-DD``."""
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise Invalid(_("请填写延期到的日期（年-月-日）。"), "invalid_date") from None


def end_of_local_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=site_tz()).astimezone(UTC)


def latest_extension_day(thread: Thread) -> date:
    """The furthest day an extension may reach: ``EXTENSION_MAX_WORKING_DAYS`` beyond the current due time."""
    return nth_working_day_after(to_local(thread.due_at).date(), int(get_setting("EXTENSION_MAX_WORKING_DAYS")))


def request_extension(actor: User, thread: Thread, until, reason: str | None) -> ExtensionRequest:
    """Staff ask for a later due date, with a reason; a supervisor over the department decides."""
    if not rules.can_request_extension(actor, thread):
        raise Forbidden(_("只有该部门的工作人员可以申请延期。"), "not_department_staff")
    if thread.state != ThreadState.AWAITING:
        raise Conflict(_("只有待回复的留言可以申请延期。"), "not_awaiting")
    why = clean_reason(reason)
    day = parse_until(until)
    if day <= to_local(thread.due_at).date():
        raise Invalid(_("延期日期须晚于当前办理时限。"), "extension_not_later")
    latest = latest_extension_day(thread)
    if day > latest:
        raise Invalid(_("延期最多%(n)d个工作日，最晚可至%(day)s。",
                        n=int(get_setting("EXTENSION_MAX_WORKING_DAYS")), day=latest.isoformat()),
                      "extension_too_far")
    if db.session.scalar(sa.select(ExtensionRequest.id).where(
        ExtensionRequest.thread_id == thread.id, ExtensionRequest.state == ApprovalState.PENDING,
    )):
        raise Conflict(_("该留言已有待审批的延期申请。"), "extension_pending")
    ext = ExtensionRequest(
        thread_id=thread.id, department_id=thread.department_id, requested_by_id=actor.id,
        until=day, new_due_at=end_of_local_day(day), previous_due_at=thread.due_at,
        reason=why, state=ApprovalState.PENDING, created_at=utcnow(),
    )
    db.session.add(ext)
    db.session.flush()
    record(actor, "thread.extension_request", "thread", thread.id, department_id=thread.department_id,
           reason=why, extension_id=ext.id, until=day.isoformat())
    notify_many(supervisor_ids(thread.department), "extension_requested", thread_id=thread.id,
                department=thread.department.name, until=day.isoformat())
    return ext


#: Ids beyond a 32-bit integer name no row (and would overflow the database's integer).
MAX_ID = 2**31 - 1


def _get(model, item_id: int):
    return db.session.get(model, item_id) if 0 < item_id <= MAX_ID else None


def get_extension(extension_id: int) -> ExtensionRequest:
    ext = _get(ExtensionRequest, extension_id)
    if ext is None:
        raise NotFound(_("没有这条延期申请。"), "extension_not_found")
    return ext


def _decide_extension(actor: User, ext: ExtensionRequest) -> Thread:
    thread = ext.thread
    if not rules.can_decide_request(actor, thread):
        raise Forbidden(_("只有主管该部门的督办人员可以审批延期。"), "not_supervisor")
    if ext.state != ApprovalState.PENDING:
        raise Conflict(_("该申请已经处理过了。"), "already_decided")
    return thread


def approve_extension(actor: User, ext: ExtensionRequest, comment: str | None = None) -> ExtensionRequest:
    """On approval the due time becomes the end of the approved day; the first due time stays."""
    thread = _decide_extension(actor, ext)
    if thread.state != ThreadState.AWAITING:
        raise Conflict(_("该留言已不在待回复状态，无需延期。"), "not_awaiting")
    ext.comment = _decision_comment(comment, required=False)
    ext.state = ApprovalState.APPROVED
    ext.decided_by_id = actor.id
    ext.decided_at = utcnow()
    thread.due_at = ext.new_due_at
    record(actor, "thread.extension_approve", "thread", thread.id, department_id=thread.department_id,
           reason=ext.comment, extension_id=ext.id, until=ext.until.isoformat())
    notify(ext.requested_by_id, "extension_approved", thread_id=thread.id, until=ext.until.isoformat())
    notify(thread.author_id, "thread_extended", thread_id=thread.id, department=thread.department.name,
           until=ext.until.isoformat())
    return ext


def reject_extension(actor: User, ext: ExtensionRequest, comment: str | None) -> ExtensionRequest:
    thread = _decide_extension(actor, ext)
    ext.comment = _decision_comment(comment, required=True)
    ext.state = ApprovalState.REJECTED
    ext.decided_by_id = actor.id
    ext.decided_at = utcnow()
    record(actor, "thread.extension_reject", "thread", thread.id, department_id=thread.department_id,
           reason=ext.comment, extension_id=ext.id)
    notify(ext.requested_by_id, "extension_rejected", thread_id=thread.id, reason=ext.comment)
    return ext


# --- transfers (转办 / 派单) -----------------------------------------------------

def request_transfer(actor: User, thread: Thread, target: Department, reason: str | None) -> TransferRequest:
    """Staff ask the dispatcher to move the thread; meanwhile it stays and its clock runs."""
    if not rules.can_request_transfer(actor, thread):
        raise Forbidden(_("只有该部门的工作人员可以申请转办。"), "not_department_staff")
    why = clean_reason(reason)
    check_transferable(thread, target)
    if db.session.scalar(sa.select(TransferRequest.id).where(
        TransferRequest.thread_id == thread.id, TransferRequest.state == ApprovalState.PENDING,
    )):
        raise Conflict(_("该留言已有待审批的转办申请。"), "transfer_pending")
    req = TransferRequest(
        thread_id=thread.id, from_department_id=thread.department_id, proposed_department_id=target.id,
        requested_by_id=actor.id, reason=why, state=ApprovalState.PENDING, created_at=utcnow(),
    )
    db.session.add(req)
    db.session.flush()
    record(actor, "thread.transfer_request", "thread", thread.id, department_id=thread.department_id,
           reason=why, transfer_id=req.id, to_department=target.slug)
    notify_many(supervisor_ids(thread.department), "transfer_requested", thread_id=thread.id,
                department=thread.department.name, target=target.name)
    return req


def transfer_or_request(actor: User, thread: Thread, target: Department, reason: str | None):
    """What ``POST .../transfer`` does: a supervisor dispatches (the thread), staff ask while
    approval is on (a pending request), else staff transfer at once (the thread)."""
    from .operations import transfer_thread

    if rules.can_request_transfer(actor, thread) and get_setting("TRANSFER_APPROVAL"):
        return request_transfer(actor, thread, target, reason)
    return transfer_thread(actor, thread, target, reason)


def get_transfer(transfer_id: int) -> TransferRequest:
    req = _get(TransferRequest, transfer_id)
    if req is None:
        raise NotFound(_("没有这条转办申请。"), "transfer_not_found")
    return req


def _decide_transfer(actor: User, req: TransferRequest) -> Thread:
    thread = req.thread
    if not rules.can_decide_request(actor, thread):
        raise Forbidden(_("只有主管该部门的督办人员可以审批转办。"), "not_supervisor")
    if req.state != ApprovalState.PENDING:
        raise Conflict(_("该申请已经处理过了。"), "already_decided")
    return thread


def approve_transfer(
    actor: User, req: TransferRequest, department: Department | None = None, comment: str | None = None,
) -> TransferRequest:
    """The dispatcher approves, to the proposed department or another one."""
    thread = _decide_transfer(actor, req)
    target = department or req.proposed_department
    req.comment = _decision_comment(comment, required=False)
    move_thread(actor, thread, target, req.reason, action="thread.transfer_approve", request=req)
    notify(req.requested_by_id, "transfer_approved", thread_id=thread.id, target=target.name)
    return req


def reject_transfer(actor: User, req: TransferRequest, comment: str | None) -> TransferRequest:
    """The thread stays with its department, which must answer it."""
    thread = _decide_transfer(actor, req)
    req.comment = _decision_comment(comment, required=True)
    req.state = ApprovalState.REJECTED
    req.decided_by_id = actor.id
    req.decided_at = utcnow()
    record(actor, "thread.transfer_reject", "thread", thread.id, department_id=thread.department_id,
           reason=req.comment, transfer_id=req.id)
    notify_department(thread.department_id, "transfer_rejected", thread_id=thread.id, reason=req.comment)
    return req
