"""The publishing state machine: draft → pending → (pending_final) → scheduled/published → withdrawn.

Every decision is checked here, once, for the UI, the API and the CLI alike:
who may act (staff of the post's department, reviewers, the department head),
in which state, and never on one's own post when approving or returning it.
Each decision writes a ``ReviewDecision`` row where it is a reviewer's, and an
audit row always.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..access.actions import require_action
from ..audit.log import record
from ..core import signals
from ..core.clock import utcnow
from ..core.exceptions import Forbidden, Invalid
from ..core.extensions import db
from ..core.text import normalize, render_html
from ..departments.mentions import render_post_body
from ..models import Correction, Decision, Post, PostState, ReviewDecision, User
from ..moderation.operations import hold_if_sensitive
from .operations import clean_post_body, parse_category, publish_post

#: Longest a fast-track post may stay pinned to the top of the public timeline.
MAX_TIMELINE_PIN = timedelta(days=30)
REASON_MAX = 500


# -- checks (who may act, in which state: ..access.actions) ---------------------------

def _require_secrecy(secrecy_checked: bool) -> None:
    if secrecy_checked is not True:
        raise Invalid(_("请确认已完成保密审查。"), "secrecy_check_required")


def _reason(raw: str | None, code: str, message: str) -> str:
    text = normalize(raw)
    if not text:
        raise Invalid(message, code)
    if len(text) > REASON_MAX:
        raise Invalid(_("说明不能超过%(n)d字。", n=REASON_MAX), "reason_too_long")
    return text


def _future(at: datetime | None) -> datetime:
    if at is None:
        raise Invalid(_("请给出时间。"), "time_required")
    if at.tzinfo is None:
        raise Invalid(_("请给出带时区的时间。"), "invalid_time")
    if at <= utcnow():
        raise Invalid(_("时间必须晚于现在。"), "time_in_past")
    return at


# -- helpers --------------------------------------------------------------------------

def _decide(actor: User, post: Post, decision: Decision, *, comment: str | None = None,
            secrecy_checked: bool = False) -> ReviewDecision:
    row = ReviewDecision(post_id=post.id, actor_id=actor.id, decision=decision, comment=comment,
                         secrecy_checked=secrecy_checked, created_at=utcnow())
    db.session.add(row)
    return row


def _release(actor: User, post: Post) -> None:
    """After the last approval: public now, or at the time asked for."""
    now = utcnow()
    if post.scheduled_at is not None and post.scheduled_at > now:
        post.state = PostState.SCHEDULED
        post.published_at = post.scheduled_at
        post.updated_at = now
        record(actor, "post.schedule", "post", post.id, department_id=post.department_id,
               at=post.scheduled_at.isoformat())
    else:
        post.scheduled_at = None
        publish_post(actor, post)


# -- drafts ---------------------------------------------------------------------------

def save_draft(author: User, *, body: str, category: str, major: bool = False,
               scheduled_at: datetime | None = None, submit: bool = False) -> Post:
    """Staff write a draft; with ``submit`` it goes on to review (or out, without review)."""
    if not author.is_staff:
        raise Forbidden(_("只有部门工作人员可以撰写微博。"), "staff_only")
    text = clean_post_body(body)
    now = utcnow()
    post = Post(department_id=author.department_id, author_id=author.id, body=text,
                body_html=render_html(text), category=parse_category(category), major=bool(major),
                state=PostState.DRAFT, created_at=now, updated_at=now,
                scheduled_at=_future(scheduled_at) if scheduled_at else None)
    db.session.add(post)
    db.session.flush()
    record(author, "post.create", "post", post.id, department_id=post.department_id)
    hold_if_sensitive(post)
    if submit:
        submit_post(author, post)
    return post


def edit_draft(actor: User, post: Post, *, body: str, category: str, major: bool = False,
               scheduled_at: datetime | None = None, submit: bool = False) -> Post:
    """The author changes their draft (a returned post is a draft again)."""
    require_action(actor, post, "edit")
    text = clean_post_body(body)
    post.body, post.body_html = text, render_html(text)
    post.category = parse_category(category)
    post.major = bool(major)
    post.scheduled_at = _future(scheduled_at) if scheduled_at else None
    post.updated_at = utcnow()
    record(actor, "post.edit", "post", post.id, department_id=post.department_id)
    if post.held_at is None:
        hold_if_sensitive(post)
    if submit:
        submit_post(actor, post)
    return post


def submit_post(actor: User, post: Post) -> Post:
    """The author hands the draft to review; a department without review publishes it."""
    require_action(actor, post, "edit")
    if post.scheduled_at is not None and post.scheduled_at <= utcnow():
        post.scheduled_at = None  # the time asked for has passed: publish on approval
    post.updated_at = utcnow()
    record(actor, "post.submit", "post", post.id, department_id=post.department_id)
    if post.department.review_required:
        post.state = PostState.PENDING
        signals.post_submitted.send(post)
    else:
        _release(actor, post)
    return post


# -- review decisions -----------------------------------------------------------------

def approve_post(actor: User, post: Post, *, secrecy_checked: bool) -> Post:
    """A reviewer approves, confirming the confidentiality check.

    A major post then waits for the head's final approval, unless the approver
    is the head. On a post already waiting for final approval this is that.
    """
    if post.state == PostState.PENDING_FINAL:
        return final_approve(actor, post, secrecy_checked=secrecy_checked)
    require_action(actor, post, "approve")
    _require_secrecy(secrecy_checked)
    final = post.major and actor.is_dept_head
    _decide(actor, post, Decision.FINAL_APPROVE if final else Decision.APPROVE, secrecy_checked=True)
    record(actor, "post.approve", "post", post.id, department_id=post.department_id,
           secrecy_checked=True, final=final)
    if post.major and not final:
        post.state = PostState.PENDING_FINAL
        post.updated_at = utcnow()
        signals.post_submitted.send(post)  # now it waits for the head
    else:
        _release(actor, post)
    return post


def final_approve(actor: User, post: Post, *, secrecy_checked: bool) -> Post:
    """The department head approves a major post for publication."""
    require_action(actor, post, "final_approve")
    _require_secrecy(secrecy_checked)
    _decide(actor, post, Decision.FINAL_APPROVE, secrecy_checked=True)
    record(actor, "post.final_approve", "post", post.id, department_id=post.department_id,
           secrecy_checked=True)
    _release(actor, post)
    return post


def fast_track_publish(actor: User, post: Post, *, secrecy_checked: bool,
                       pin_until: datetime | None = None) -> Post:
    """Emergency information or a rumour rebuttal: the head's one approval publishes now."""
    require_action(actor, post, "fast_track")
    _require_secrecy(secrecy_checked)
    _decide(actor, post, Decision.FAST_TRACK, secrecy_checked=True)
    record(actor, "post.fast_track", "post", post.id, department_id=post.department_id,
           secrecy_checked=True)
    post.fast_track = True
    post.scheduled_at = None
    publish_post(actor, post)
    if pin_until is not None:
        pin_to_timeline(actor, post, pin_until)
    return post


def return_post(actor: User, post: Post, *, comment: str) -> Post:
    """A reviewer sends the post back to its author as a draft, saying why."""
    require_action(actor, post, "return")
    text = _reason(comment, "comment_required", _("退回时请说明理由。"))
    post.state = PostState.DRAFT
    post.published_at = None
    post.updated_at = utcnow()
    _decide(actor, post, Decision.RETURN, comment=text)
    record(actor, "post.return", "post", post.id, department_id=post.department_id, reason=text)
    return post


# -- time -----------------------------------------------------------------------------

def schedule_post(actor: User, post: Post, at: datetime) -> Post:
    """Set the time a post goes public.

    Before approval the author (or a reviewer) records the time asked for; the
    last approval then schedules instead of publishing. An approved, scheduled
    post that is not public yet can be moved by a reviewer.
    """
    require_action(actor, post, "schedule")
    at = _future(at)
    post.scheduled_at = at
    if post.state == PostState.SCHEDULED:
        post.published_at = at
    post.updated_at = utcnow()
    record(actor, "post.schedule", "post", post.id, department_id=post.department_id,
           at=at.isoformat(), state=post.state)
    return post


def publish_due() -> int:
    """Turn scheduled posts whose time has come into published ones (``flask publish-due``).

    They were already public from their time on (``Post.public_clause``); this
    records the publication and sends the signal, keeping the scheduled time.
    """
    due = list(db.session.scalars(
        sa.select(Post).where(Post.state == PostState.SCHEDULED, Post.published_at <= utcnow())
        .order_by(Post.published_at, Post.id)
    ))
    for post in due:
        publish_post(None, post, at=post.published_at)
    db.session.flush()
    return len(due)


# -- after publication ----------------------------------------------------------------

def withdraw_post(actor: User, post: Post, *, reason: str) -> Post:
    """A reviewer withdraws a public post; a notice with the reason takes its place."""
    require_action(actor, post, "withdraw")
    text = _reason(reason, "reason_required", _("撤回时请说明理由。"))
    now = utcnow()
    post.state = PostState.WITHDRAWN
    post.withdrawn_at = now
    post.withdraw_reason = text
    post.timeline_pinned_until = None
    post.dept_pinned_at = None
    post.updated_at = now
    record(actor, "post.withdraw", "post", post.id, department_id=post.department_id, reason=text)
    return post


def add_correction(actor: User, post: Post, *, body: str) -> Correction:
    """Staff append a correction (更正) under a public post; the post stays as it was."""
    require_action(actor, post, "correct")
    text = clean_post_body(body)
    row = Correction(post_id=post.id, author_id=actor.id, body=text, body_html=render_post_body(text),
                     created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    record(actor, "post.correct", "post", post.id, department_id=post.department_id,
           correction_id=row.id)
    return row


def pin_post(actor: User, post: Post) -> Post:
    """Pin a post to the top of its department's page; the one pinned before is unpinned."""
    require_action(actor, post, "pin")
    current = db.session.scalar(sa.select(Post).where(
        Post.department_id == post.department_id, Post.dept_pinned_at.is_not(None)))
    if current is not None and current.id != post.id:
        current.dept_pinned_at = None
        db.session.flush()  # the unique index allows one pin per department
        record(actor, "post.unpin", "post", current.id, department_id=current.department_id)
    post.dept_pinned_at = utcnow()
    record(actor, "post.pin", "post", post.id, department_id=post.department_id)
    return post


def unpin_post(actor: User, post: Post) -> Post:
    require_action(actor, post, "unpin")
    post.dept_pinned_at = None
    record(actor, "post.unpin", "post", post.id, department_id=post.department_id)
    return post


def pin_to_timeline(actor: User, post: Post, until: datetime) -> Post:
    """Keep a fast-track post at the top of the public timeline until ``until``."""
    require_action(actor, post, "pin_timeline")
    until = _future(until)
    if until - utcnow() > MAX_TIMELINE_PIN:
        raise Invalid(_("首页置顶不能超过%(n)d天。", n=MAX_TIMELINE_PIN.days), "pin_too_long")
    post.timeline_pinned_until = until
    record(actor, "post.pin_timeline", "post", post.id, department_id=post.department_id,
           until=until.isoformat())
    return post


def unpin_from_timeline(actor: User, post: Post) -> Post:
    require_action(actor, post, "unpin_timeline")
    post.timeline_pinned_until = None
    record(actor, "post.unpin_timeline", "post", post.id, department_id=post.department_id)
    return post
