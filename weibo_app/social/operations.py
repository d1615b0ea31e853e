"""Verb-named state changes for follows, likes and reposts. They flush and never commit.

Following, liking and reposting are what residents do (DESIGN.md, roles): a
department's staff cannot inflate their own figures.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..access.actions import require_action
from ..audit.log import record
from ..core.clock import utcnow
from ..core.exceptions import Forbidden, Invalid
from ..core.extensions import db
from ..core.text import clean_text, render_public_html, weibo_length
from ..models import Department, Follow, Like, Post, Repost, User
from ..moderation.operations import screen_text


def _require_resident(user: User, code: str) -> None:
    if not (user and user.is_authenticated and user.is_resident):
        raise Forbidden(_("只有居民账号可以这样做。"), code)


def follow_department(user: User, department: Department) -> bool:
    """Follow a department; True when a follow was added (following twice changes nothing)."""
    _require_resident(user, "residents_only")
    if db.session.get(Follow, (user.id, department.id)) is not None:
        return False
    db.session.add(Follow(user_id=user.id, department_id=department.id, created_at=utcnow()))
    db.session.flush()
    return True


def unfollow_department(user: User, department: Department) -> bool:
    """Stop following; True when there was a follow to remove."""
    _require_resident(user, "residents_only")
    result = db.session.execute(
        sa.delete(Follow).where(Follow.user_id == user.id, Follow.department_id == department.id)
    )
    return bool(result.rowcount)


def like_post(user: User, post: Post) -> bool:
    """One like per resident and post; True when it was added."""
    require_action(user, post, "like")
    if db.session.get(Like, (user.id, post.id)) is not None:
        return False
    db.session.add(Like(user_id=user.id, post_id=post.id, created_at=utcnow()))
    db.session.flush()
    return True


def unlike_post(user: User, post: Post) -> bool:
    """Take a like back (also allowed on a withdrawn post); True when there was one."""
    require_action(user, post, "unlike")
    result = db.session.execute(sa.delete(Like).where(Like.user_id == user.id, Like.post_id == post.id))
    return bool(result.rowcount)


def clean_repost_comment(raw: str | None) -> str:
    """An optional comment, within the Weibo-counted post limit (140 by default)."""
    comment = clean_text(raw, "POST_MAX_LENGTH", required=False, counter=weibo_length,
                         too_long=(_("转发评论不能超过%(n)d字。"), "comment_too_long"))
    if comment and screen_text(comment):
        # A repost has no review queue of its own: the writer is told and keeps their text.
        raise Invalid(_("转发评论包含敏感词，请修改后再转发。"), "sensitive_comment")
    return comment


def repost_post(user: User, post: Post, comment: str | None = None) -> Repost:
    """转发: a resident shares a public post, optionally with a short comment."""
    _require_resident(user, "residents_only")
    text = clean_repost_comment(comment)
    require_action(user, post, "repost")
    repost = Repost(
        user_id=user.id,
        post_id=post.id,
        comment=text,
        # Shown to everyone: personal information masked, as in residents' threads.
        comment_html=render_public_html(text) if text else "",
        created_at=utcnow(),
    )
    db.session.add(repost)
    db.session.flush()
    record(user, "post.repost", "repost", repost.id, department_id=post.department_id, post_id=post.id)
    return repost
