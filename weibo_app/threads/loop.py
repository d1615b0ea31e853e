"""Closed-loop steps on one thread: sign-for, internal notes, rework, urging, return visits.

Each service checks the rule in access/loop_rules.py, flushes, audits and notifies; the caller commits.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..access import loop_rules as rules
from ..audit.log import record
from ..core import signals
from ..core.clock import utcnow
from ..core.exceptions import Conflict, Forbidden, Invalid
from ..core.extensions import db
from ..core.settings import get_setting
from ..core.text import normalize
from ..models import (
    EventKind,
    Reply,
    Thread,
    ThreadEvent,
    ThreadNote,
    ThreadState,
    User,
    VisitChannel,
)
from ..notifications.operations import notify, notify_department
from .operations import _reopen, apply_rating, clean_body, clean_reason, parse_rating

NOTE_MAX_CHARS = 2000


def accept_thread(actor: User, thread: Thread, handler_username: str | None = None) -> Thread:
    """签收: staff sign for the thread and name the handler (a staff member of the department; default themselves)."""
    if not rules.can_accept(actor, thread):
        raise Forbidden(_("只有该部门的工作人员可以签收。"), "not_department_staff")
    if thread.state not in (ThreadState.AWAITING, ThreadState.ANSWERED):
        raise Conflict(_("该留言当前不能签收。"), "cannot_accept")
    handler = actor
    name = normalize(handler_username)
    if name:
        handler = db.session.scalar(sa.select(User).where(User.username == name))
        if handler is None or not (handler.active and handler.is_staff
                                   and handler.department_id == thread.department_id):
            raise Invalid(_("承办人须是本部门的工作人员。"), "invalid_handler")
    now = utcnow()
    if thread.accepted_at is None:
        thread.accepted_at = now
    thread.handler_id = handler.id
    thread.handler = handler
    thread.last_activity_at = now
    record(actor, "thread.accept", "thread", thread.id, department_id=thread.department_id,
           handler=handler.username)
    if handler.id != actor.id:
        notify(handler.id, "thread_assigned", thread_id=thread.id, by=actor.shown_name)
    return thread


def add_note(actor: User, thread: Thread, body: str | None) -> ThreadNote:
    """内部备注: for the department's staff and the supervisors over it, never the public or the resident."""
    if not rules.can_write_note(actor, thread):
        raise Forbidden(_("只有该部门的工作人员或督办人员可以写内部备注。"), "cannot_note")
    text = clean_body(body)
    note = ThreadNote(thread_id=thread.id, author_id=actor.id, body=text, created_at=utcnow())
    db.session.add(note)
    db.session.flush()
    record(actor, "thread.note", "thread", thread.id, department_id=thread.department_id, note_id=note.id)
    if thread.handler_id and thread.handler_id != actor.id:
        notify(thread.handler_id, "thread_note", thread_id=thread.id, by=actor.shown_name)
    return note


def notes_of(thread: Thread) -> list[ThreadNote]:
    return list(db.session.scalars(
        sa.select(ThreadNote).options(joinedload(ThreadNote.author))
        .where(ThreadNote.thread_id == thread.id).order_by(ThreadNote.created_at, ThreadNote.id)
    ))


def _event(actor: User, thread: Thread, kind: EventKind, **fields) -> ThreadEvent:
    event = ThreadEvent(thread_id=thread.id, department_id=thread.department_id, actor_id=actor.id,
                        kind=kind, created_at=utcnow(), **fields)
    db.session.add(event)
    db.session.flush()
    return event


def rework_thread(actor: User, thread: Thread, reason: str | None) -> Thread:
    """发回重办: awaiting again, due in the kind's N working days from now.

    The earlier answers stay visible, marked 已发回重办, and from now on none of them
    counts as the final answer in the figures (``Reply.reworked_at``).
    """
    if not rules.can_rework(actor, thread):
        raise Forbidden(_("只有主管该部门的督办人员可以发回重办。"), "not_supervisor")
    if thread.state not in (ThreadState.ANSWERED, ThreadState.CLOSED):
        raise Conflict(_("只有已回复或已办结的留言可以发回重办。"), "not_answered")
    why = clean_reason(reason)
    now = utcnow()
    db.session.execute(
        sa.update(Reply)
        .where(Reply.thread_id == thread.id, Reply.official.is_(True), Reply.final.is_(True),
               Reply.reworked_at.is_(None))
        .values(reworked_at=now)
        .execution_options(synchronize_session=False)
    )
    _reopen(thread, now)
    thread.last_activity_at = now
    event = _event(actor, thread, EventKind.REWORK, comment=why)
    record(actor, "thread.rework", "thread", thread.id, department_id=thread.department_id,
           reason=why, event_id=event.id)
    notify_department(thread.department_id, "thread_reworked", thread_id=thread.id, reason=why)
    notify(thread.author_id, "thread_reworked_resident", thread_id=thread.id, department=thread.department.name)
    return thread


def urge_thread(actor: User, thread: Thread, comment: str | None = None) -> ThreadEvent:
    """催办: the department is told to get on with an awaiting thread."""
    if not rules.can_urge(actor, thread):
        raise Forbidden(_("只有主管该部门的督办人员可以催办。"), "not_supervisor")
    if thread.state != ThreadState.AWAITING:
        raise Conflict(_("只有待回复的留言可以催办。"), "not_awaiting")
    text = normalize(comment) or None
    if text and len(text) > get_setting("REASON_MAX_CHARS"):
        raise Invalid(_("催办意见太长。"), "comment_too_long")
    event = _event(actor, thread, EventKind.URGE, comment=text)
    record(actor, "thread.urge", "thread", thread.id, department_id=thread.department_id,
           reason=text, event_id=event.id)
    notify_department(thread.department_id, "thread_urged", thread_id=thread.id, comment=text)
    return event


def parse_channel(raw: str | None) -> VisitChannel:
    try:
        return VisitChannel(raw)
    except ValueError:
        raise Invalid(_("未知的回访方式。"), "invalid_channel") from None


def record_visit(
    actor: User, thread: Thread, *, resolved: bool | None, rating: str | None, channel: str | None,
    note: str | None = None,
) -> ThreadEvent:
    """回访 by a supervisor's office: solved or not, how satisfied; 不满意 reopens the thread.

    Its rating and answer replace the thread's (the latest, resident or visit, wins).
    """
    if not rules.can_visit(actor, thread):
        raise Forbidden(_("只有主管该部门的督办人员可以登记回访。"), "not_supervisor")
    if thread.state not in (ThreadState.ANSWERED, ThreadState.CLOSED):
        raise Conflict(_("只有已回复的留言可以回访。"), "not_answered")
    value = parse_rating(rating)
    way = parse_channel(channel)
    if not isinstance(resolved, bool):
        raise Invalid(_("请说明问题是否已解决。"), "resolved_required")
    text = normalize(note) or None
    if text and len(text) > get_setting("REASON_MAX_CHARS"):
        raise Invalid(_("回访记录太长。"), "note_too_long")
    event = _event(actor, thread, EventKind.VISIT, comment=text, channel=way, rating=value, resolved=resolved)
    apply_rating(thread, value, resolved, event.created_at)
    record(actor, "thread.visit", "thread", thread.id, department_id=thread.department_id,
           reason=text, event_id=event.id, rating=str(value), resolved=resolved, channel=str(way))
    notify_department(thread.department_id, "thread_visited", thread_id=thread.id,
                      rating=str(value), resolved=resolved)
    signals.thread_rated.send(thread)
    return event


def events_of(thread: Thread) -> list[ThreadEvent]:
    return list(db.session.scalars(
        sa.select(ThreadEvent).options(joinedload(ThreadEvent.actor))
        .where(ThreadEvent.thread_id == thread.id).order_by(ThreadEvent.created_at, ThreadEvent.id)
    ))
