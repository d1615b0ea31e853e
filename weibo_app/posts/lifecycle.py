"""The publishing state machine: draft → pending → (pending_final) → scheduled/published.

Every step is checked (``rules``) once, for the UI, the API, the CLI and the
demo alike. ``create_post`` is the one way a post comes into being, and
``submit_post`` the one place that decides between review and publishing at
once (a department without review). Each reviewer's decision writes a
``ReviewDecision`` row, and every step an audit row. What happens to a post
once it is public (withdrawal, corrections, pins) is in ``amend``.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ..access.actions import require_action
from ..audit.log import record
from ..core import signals
from ..core.clock import utcnow
from ..core.exceptions import Forbidden
from ..core.extensions import db
from ..core.text import render_html
from ..models import Decision, Post, PostState, ReviewDecision, User
from ..moderation.operations import hold_if_sensitive
from .amend import pin_to_timeline
from .operations import clean_post_body, parse_category
from .rules import clean_reason, future_time, require_secrecy

# -- helpers --------------------------------------------------------------------------

def publish_post(actor: User | None, post: Post, at: datetime | None = None) -> Post:
    """Make a post public now (or as of ``at``: a scheduled post keeps its own time).

    No checks: the step that calls it (the last approval, the fast track, a
    submission without review, ``publish_due``) has made them.
    """
    now = utcnow()
    post.state = PostState.PUBLISHED
    post.published_at = at or now
    post.updated_at = now
    record(actor, "post.publish", "post", post.id, department_id=post.department_id)
    signals.post_published.send(post)
    return post


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

def create_post(author: User, *, body: str, category: str, major: bool = False,
                scheduled_at: datetime | None = None, submit: bool | None = None) -> Post:
    """Staff write a post for their department: the one way a post is made.

    It starts as a draft. ``submit=True`` hands it on at once (``submit_post``:
    to review, or out where the department has no review); ``submit=False``
    keeps the draft (the composer's "save draft"). ``None``, for callers that
    have no such button (the API, the CLI, the demo), lets the department
    decide: a department with review keeps the draft for its author to
    submit, one without review takes it on at once.
    """
    if not author.is_staff:
        raise Forbidden(_("只有部门工作人员可以撰写微博。"), "staff_only")
    text = clean_post_body(body)
    now = utcnow()
    post = Post(department_id=author.department_id, author_id=author.id, body=text,
                body_html=render_html(text), category=parse_category(category), major=bool(major),
                state=PostState.DRAFT, created_at=now, updated_at=now,
                scheduled_at=future_time(scheduled_at) if scheduled_at else None)
    db.session.add(post)
    db.session.flush()
    record(author, "post.create", "post", post.id, department_id=post.department_id)
    hold_if_sensitive(post)
    if submit is None:
        submit = not author.department.review_required
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
    post.scheduled_at = future_time(scheduled_at) if scheduled_at else None
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
    require_secrecy(secrecy_checked)
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
    require_secrecy(secrecy_checked)
    _decide(actor, post, Decision.FINAL_APPROVE, secrecy_checked=True)
    record(actor, "post.final_approve", "post", post.id, department_id=post.department_id,
           secrecy_checked=True)
    _release(actor, post)
    return post


def fast_track_publish(actor: User, post: Post, *, secrecy_checked: bool,
                       pin_until: datetime | None = None) -> Post:
    """Emergency information or a rumour rebuttal: the head's one approval publishes now."""
    require_action(actor, post, "fast_track")
    require_secrecy(secrecy_checked)
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
    text = clean_reason(comment, "comment_required", _("退回时请说明理由。"))
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
    at = future_time(at)
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


