"""/d/<slug>/feed.atom, /category/<code>/feed.atom, /topic/<name>/feed.atom."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, request, url_for
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy.orm import joinedload

from ..access.read import can_read, shown_posts_clause
from ..core.clock import local_time, utcnow
from ..core.exceptions import NotFound
from ..core.extensions import db
from ..core.labels import CATEGORY_LABELS
from ..core.pagecache import cached_page
from ..core.text import is_topic_name
from ..departments.operations import get_department
from ..models import Category, Post, PostTopic
from .atom import Entry, build_feed

bp = Blueprint("feeds", __name__)

FEED_SIZE = 20
TITLE_CHARS = 30


def _latest(*conditions) -> list[Post]:
    """The newest public posts (withdrawn ones stay, as their notice) matching ``conditions``."""
    now = utcnow()
    stmt = (
        sa.select(Post).options(joinedload(Post.department))
        .where(shown_posts_clause(None, now), *conditions)
        .order_by(Post.published_at.desc(), Post.id.desc())
        .limit(FEED_SIZE)
    )
    return list(db.session.scalars(stmt))


def _entry(post: Post) -> Entry:
    if post.withdrawn:
        notice = _("该微博已于 %(time)s 撤回，原因：%(reason)s",
                   time=local_time(post.withdrawn_at) or "—", reason=post.withdraw_reason or _("未说明"))
        title, html = _("【已撤回】") + post.department.name, f"<p>{escape(notice)}</p>"
    elif not can_read(None, post):  # hidden: its notice
        notice = _("该内容因%(reason)s已隐藏", reason=post.hidden_reason or _("未说明"))
        title, html = _("【已隐藏】") + post.department.name, f"<p>{escape(notice)}</p>"
    else:
        first_line = post.body.splitlines()[0] if post.body else ""
        title = first_line[:TITLE_CHARS] + ("…" if len(first_line) > TITLE_CHARS else "")
        html = post.body_html
    return Entry(
        id=url_for("posts.detail", post_id=post.id, _external=True),
        title=title,
        link=url_for("posts.detail", post_id=post.id, _external=True),
        published=post.published_at,
        updated=max(t for t in (post.published_at, post.updated_at, post.withdrawn_at) if t is not None),
        author=post.department.name,
        content_html=html,
        category=post.category,
        category_label=str(CATEGORY_LABELS.get(post.category, post.category)),
    )


def _respond(title: str, alternate: str, posts: list[Post], fallback_updated) -> Response:
    entries = [_entry(p) for p in posts]
    self_url = url_for(request.endpoint, _external=True, **(request.view_args or {}))
    body = build_feed(
        feed_id=self_url, title=title, self_url=self_url, alternate_url=alternate,
        updated=max((e.updated for e in entries), default=fallback_updated), entries=entries,
    )
    return Response(body, mimetype="application/atom+xml", content_type="application/atom+xml; charset=utf-8")


@bp.get("/d/<slug>/feed.atom")
@cached_page()
def department_feed(slug: str):
    """A department's posts as Atom."""
    dept = get_department(slug)
    posts = _latest(Post.department_id == dept.id)
    return _respond(_("%(dept)s的政务微博", dept=dept.name),
                    url_for("departments.detail", slug=slug, _external=True), posts, dept.created_at)


@bp.get("/category/<code>/feed.atom")
@cached_page()
def category_feed(code: str):
    """Posts of one category of the open-government catalogue as Atom."""
    try:
        category = Category(code)
    except ValueError:
        raise NotFound(_("没有这个分类。"), "category_not_found") from None
    posts = _latest(Post.category == category)
    return _respond(_("政务微博 · %(category)s", category=CATEGORY_LABELS[category]),
                    url_for("posts.timeline", _external=True), posts, utcnow())


@bp.get("/topic/<name>/feed.atom")
@cached_page()
def topic_feed(name: str):
    """Posts with #name# as Atom; a name no post can carry is a 404."""
    if not is_topic_name(name):
        raise NotFound(_("没有这个话题。"), "topic_not_found")
    posts = _latest(Post.id.in_(sa.select(PostTopic.post_id).where(PostTopic.name == name)))
    return _respond(_("话题 #%(name)s#", name=name),
                    url_for("social.topic", name=name, _external=True), posts, utcnow())
