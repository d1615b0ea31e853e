"""Verb-named state changes of a thread. Each flushes, audits, and leaves the commit to the caller."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..access.actions import require_action
from ..access.permissions import acts_for
from ..audit.log import record
from ..calendar.workdays import due_after
from ..core import signals
from ..core.clock import utcnow
from ..core.exceptions import Conflict, Forbidden, Invalid
from ..core.extensions import db
from ..core.settings import get_setting
from ..core.text import clean_reason, clean_text, mask_pii, render_html, render_public_html
from ..models import (
    PRIVATE_KINDS,
    ApprovalState,
    Department,
    Post,
    Rating,
    Reply,
    Thread,
    ThreadKind,
    ThreadState,
    TransferRequest,
    User,
)
from ..moderation.operations import hold_if_sensitive


def clean_body(raw: str | None, limit_setting: str = "THREAD_MAX_CHARS") -> str:
    """Normalised text, refused when empty or over its limit."""
    return clean_text(raw, limit_setting, empty=(_("内容不能为空。"), "empty_body"),
                      too_long=(_("内容不能超过%(n)d个字。"), "body_too_long"))


def parse_kind(raw: str | None) -> ThreadKind:
    try:
        return ThreadKind(raw)
    except ValueError:
        raise Invalid(_("未知的留言类型。"), "invalid_kind") from None


def due_for(kind: str, moment: datetime) -> datetime:
    days = get_setting("DUE_WORKING_DAYS")
    # A kind saved before it existed (举报) is given a complaint's time.
    return due_after(moment, int(days.get(kind, days.get(ThreadKind.COMPLAINT, 5))))


def open_thread(
    author: User,
    *,
    body: str,
    kind: str,
    post: Post | None = None,
    department: Department | None = None,
    anonymous: bool = False,
    private: bool = False,
) -> Thread:
    """A resident opens a thread on a public post or on a department's message board;
    privately (不公开) when asked, and always for a report (举报)."""
    if not author.is_resident:
        raise Forbidden(_("只有居民账号可以留言。"), "residents_only")
    thread_kind = parse_kind(kind)
    text = clean_body(body)
    now = utcnow()
    if post is not None:
        if not post.is_public(now):
            raise Conflict(_("这条微博不接受留言。"), "post_not_public")
        department_id = post.department_id
    elif department is not None:
        department_id = department.id
    else:
        raise Invalid(_("留言需要对应一条微博或一个部门。"), "no_target")
    due = due_for(thread_kind, now)
    thread = Thread(
        post_id=post.id if post else None,
        department_id=department_id,
        author_id=author.id,
        kind=thread_kind,
        state=ThreadState.AWAITING,
        body=text,
        body_html=render_html(text),
        body_html_public=render_public_html(text),
        body_public=mask_pii(text),
        anonymous=bool(anonymous),
        private=bool(private) or thread_kind in PRIVATE_KINDS,
        opened_at=now,
        due_at=due,
        first_due_at=due,
        last_activity_at=now,
    )
    db.session.add(thread)
    db.session.flush()
    hold_if_sensitive(thread)
    signals.thread_opened.send(thread)
    return thread


def reply_to_thread(actor: User, thread: Thread, body: str, final: bool = True) -> Reply:
    """Staff of the owning department answer officially (final unless ``final`` is False:
    an interim reply, 阶段性答复, keeps the thread awaiting); the opener follows up."""
    now = utcnow()
    text = clean_body(body)
    official = acts_for(actor, thread.department_id)
    require_action(actor, thread, "answer" if official else "follow_up")
    if official:
        reply = Reply(
            thread_id=thread.id,
            author_id=actor.id,
            department_id=thread.department_id,
            official=True,
            final=bool(final),
            body=text,
            body_html=render_html(text),
            body_public=text,  # the department speaking: never masked
            created_at=now,
        )
    else:
        reply = Reply(
            thread_id=thread.id,
            author_id=actor.id,
            official=False,
            final=False,
            body=text,
            body_html=render_html(text),
            body_html_public=render_public_html(text),
            body_public=mask_pii(text),
            created_at=now,
        )
        if thread.state in (ThreadState.ANSWERED, ThreadState.CLOSED):
            _reopen(thread, now)
    thread.last_activity_at = now
    db.session.add(reply)
    db.session.flush()
    if not hold_if_sensitive(reply):
        reply.visible_at = now
        if reply.official:
            official_reply_went_public(reply, thread)
    signals.thread_replied.send(thread, reply=reply)
    return reply


def official_reply_went_public(reply: Reply, thread: Thread) -> None:
    """An official reply the public can now read: the first response, and a final one answers.

    A reply held for moderation does none of this until a moderator releases it.
    """
    if reply.department_id != thread.department_id:
        return  # the previous owner's reply, released after a transfer: it answers nothing now
    if thread.first_response_at is None:
        thread.first_response_at = reply.visible_at
    if reply.final and reply.reworked_at is None and thread.state == ThreadState.AWAITING:
        thread.state = ThreadState.ANSWERED


def _on_reply_released(reply: Reply, **_extra) -> None:
    if reply.official:
        official_reply_went_public(reply, reply.thread)


def connect() -> None:
    """Subscribe to the events this module reacts to (called once, from ``create_app``)."""
    signals.reply_released.connect(_on_reply_released)


def _reopen(thread: Thread, now) -> None:
    """追问 or 不满意: awaiting again, with a new due time counted from now."""
    thread.state = ThreadState.AWAITING
    thread.closed_at = None
    thread.due_at = due_for(thread.kind, now)


def dismiss_thread(actor: User, thread: Thread, reason: str) -> Thread:
    """无需回复: staff of the department, with a reason, on the record."""
    require_action(actor, thread, "dismiss")
    why = clean_reason(reason)
    now = utcnow()
    thread.state_before_dismissal = thread.state
    thread.state = ThreadState.DISMISSED
    thread.dismissed_at = now
    thread.dismiss_reason = why
    thread.last_activity_at = now
    record(actor, "thread.dismiss", "thread", thread.id, department_id=thread.department_id, reason=why)
    signals.thread_dismissed.send(thread)
    return thread


def overturn_dismissal(actor: User, thread: Thread, reason: str) -> Thread:
    """A supervisor puts a dismissed thread back; its first due time is kept."""
    require_action(actor, thread, "overturn")
    why = clean_reason(reason)
    # Back to what it was: a follow-up waiting for an answer stays in the inbox.
    thread.state = thread.state_before_dismissal or (
        ThreadState.ANSWERED if thread.first_response_at else ThreadState.AWAITING
    )
    thread.state_before_dismissal = None
    thread.dismissed_at = None
    thread.last_activity_at = utcnow()
    record(
        actor, "thread.overturn_dismissal", "thread", thread.id,
        department_id=thread.department_id, reason=why, dismissed_reason=thread.dismiss_reason,
    )
    thread.dismiss_reason = None
    return thread


def transfer_thread(actor: User, thread: Thread, target: Department, reason: str | None = None) -> Thread:
    """转办 at once: staff while ``TRANSFER_APPROVAL`` is off, or a supervisor's dispatch (派单).

    With approval on, staff ask instead (routing.request_transfer).
    """
    from ..access.loop_rules import can_dispatch, can_request_transfer

    if can_dispatch(actor, thread):
        action = "thread.dispatch"
    elif can_request_transfer(actor, thread):
        if get_setting("TRANSFER_APPROVAL"):
            raise Forbidden(_("转办需经督办人员（派单员）批准，请提交转办申请。"), "transfer_needs_approval")
        action = "thread.transfer"
    else:
        raise Forbidden(_("只有该部门的工作人员可以办理。"), "not_department_staff")
    why = clean_reason(reason, required=False) or None
    return move_thread(actor, thread, target, why, action=action)


def check_transferable(thread: Thread, target: Department) -> None:
    if thread.state != ThreadState.AWAITING:
        raise Conflict(_("只有待回复的留言可以转办。"), "cannot_transfer")
    if target.id == thread.department_id:
        raise Invalid(_("不能转办给本部门。"), "same_department")


def move_thread(
    actor: User, thread: Thread, target: Department, reason: str | None, *,
    action: str, request: TransferRequest | None = None,
) -> Thread:
    """The move itself, for every way a transfer happens; the clock keeps running.

    The step is written on the transfer trail (an approved ``TransferRequest``).
    """
    check_transferable(thread, target)
    now = utcnow()
    source_id = thread.department_id
    if request is None:
        request = TransferRequest(
            thread_id=thread.id, from_department_id=source_id, proposed_department_id=target.id,
            requested_by_id=actor.id, reason=reason, created_at=now,
        )
        db.session.add(request)
    request.to_department_id = target.id
    request.state = ApprovalState.APPROVED
    request.decided_by_id = actor.id
    request.decided_at = now
    thread.department_id = target.id
    thread.department = target
    # A new department signs for it afresh.
    thread.handler_id = None
    thread.accepted_at = None
    thread.last_activity_at = now
    db.session.flush()
    record(
        actor, action, "thread", thread.id,
        department_id=source_id, reason=reason, to_department=target.slug, transfer_id=request.id,
    )
    signals.thread_transferred.send(thread, source_id=source_id)
    return thread


def parse_rating(raw: str | None) -> Rating:
    try:
        return Rating(raw)
    except ValueError:
        raise Invalid(_("未知的评价。"), "invalid_rating") from None


def rate_thread(actor: User, thread: Thread, rating: str, resolved: bool | None = None) -> Thread:
    """The opener rates the answer and may say whether the problem was solved; 不满意 reopens the thread."""
    value = parse_rating(rating)
    require_action(actor, thread, "rate")
    apply_rating(thread, value, resolved, utcnow())
    signals.thread_rated.send(thread)
    return thread


def apply_rating(thread: Thread, value: Rating, resolved: bool | None, now: datetime) -> None:
    """The latest rating wins, the resident's or a return visit's."""
    thread.rating = value
    thread.rated_at = now
    if resolved is not None:
        thread.resolved = bool(resolved)
    thread.last_activity_at = now
    if value == Rating.UNSATISFIED:
        _reopen(thread, now)
    else:
        thread.state = ThreadState.CLOSED
        thread.closed_at = now


def close_quiet_threads() -> int:
    """Close answered threads quiet for the auto-close period. Returns how many."""
    now = utcnow()
    cutoff = now - timedelta(days=int(get_setting("AUTO_CLOSE_DAYS")))
    result = db.session.execute(
        sa.update(Thread)
        .where(Thread.state == ThreadState.ANSWERED, Thread.last_activity_at < cutoff)
        .values(state=ThreadState.CLOSED, closed_at=now)
    )
    return result.rowcount or 0
