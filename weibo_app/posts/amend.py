"""A public post afterwards: withdrawn with a reason, corrected beneath, pinned.

Nothing here deletes or rewrites what was published: a withdrawal leaves a
notice with its reason, a correction (更正) is appended under the post.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ..access.actions import require_action
from ..audit.log import record
from ..core.clock import utcnow
from ..core.exceptions import Invalid
from ..core.extensions import db
from ..departments.mentions import render_post_body
from ..models import Correction, Post, PostState, User
from .operations import clean_post_body
from .rules import MAX_TIMELINE_PIN, clean_reason, future_time

# -- after publication ----------------------------------------------------------------

def withdraw_post(actor: User, post: Post, *, reason: str) -> Post:
    """A reviewer withdraws a public post; a notice with the reason takes its place."""
    require_action(actor, post, "withdraw")
    text = clean_reason(reason, "reason_required", _("撤回时请说明理由。"))
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
    until = future_time(until)
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
