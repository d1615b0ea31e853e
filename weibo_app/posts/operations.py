"""Verb-named state changes of a post."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from ..audit.log import record
from ..core import signals
from ..core.clock import utcnow
from ..core.exceptions import Forbidden, Invalid
from ..core.extensions import db
from ..core.text import clean_text, render_html, weibo_length
from ..models import Category, Post, PostState, User
from ..moderation.operations import hold_if_sensitive


def clean_post_body(raw: str | None) -> str:
    """Normalised post text within the Weibo-counted limit."""
    return clean_text(raw, "POST_MAX_LENGTH", counter=weibo_length,
                      empty=(_("内容不能为空。"), "empty_body"),
                      too_long=(_("微博不能超过%(n)d字。"), "body_too_long"))


def parse_category(raw: str | None) -> Category:
    try:
        return Category(raw)
    except ValueError:
        raise Invalid(_("未知的分类。"), "invalid_category") from None


def create_post(author: User, *, body: str, category: str, major: bool = False) -> Post:
    """Staff write a post: a draft where the department reviews, else published at once."""
    if not author.is_staff:
        raise Forbidden(_("只有部门工作人员可以发布微博。"), "staff_only")
    text = clean_post_body(body)
    now = utcnow()
    post = Post(
        department_id=author.department_id,
        author_id=author.id,
        body=text,
        body_html=render_html(text),
        category=parse_category(category),
        major=bool(major),
        state=PostState.DRAFT,
        created_at=now,
        updated_at=now,
    )
    db.session.add(post)
    db.session.flush()
    record(author, "post.create", "post", post.id, department_id=post.department_id)
    hold_if_sensitive(post)
    if not author.department.review_required:
        publish_post(author, post)
    return post


def publish_post(actor: User | None, post: Post, at: datetime | None = None) -> Post:
    """Make a post public now (or as of ``at``: a scheduled post keeps its own time)."""
    now = utcnow()
    post.state = PostState.PUBLISHED
    post.published_at = at or now
    post.updated_at = now
    record(actor, "post.publish", "post", post.id, department_id=post.department_id)
    signals.post_published.send(post)
    return post
