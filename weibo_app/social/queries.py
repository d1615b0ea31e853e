"""Reads for follows, reposts and topics: a fixed number of queries per page."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..access.read import can_read, shown_posts_clause
from ..access.viewer import current_viewer
from ..core.clock import utcnow
from ..core.exceptions import NotFound
from ..core.extensions import db
from ..core.pagination import Page, keyset_desc, page_of
from ..models import Follow, Like, Post, PostTopic, Repost
from ..posts.queries import TimelinePage, count_for_posts


def is_following(user_id: int, department_id: int) -> bool:
    return db.session.get(Follow, (user_id, department_id)) is not None


def follower_count(department_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Follow).where(Follow.department_id == department_id)
    ) or 0


def like_count(post_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Like).where(Like.post_id == post_id)) or 0


def liked_post_ids(user_id: int, post_ids: list[int]) -> set[int]:
    if not post_ids:
        return set()
    return set(db.session.scalars(sa.select(Like.post_id).where(Like.user_id == user_id, Like.post_id.in_(post_ids))))


def _visible(now) -> sa.ColumnElement[bool]:
    """What the public is shown: public posts, withdrawn ones as their notice, hidden ones as theirs."""
    return shown_posts_clause(None, now)


def topic_posts(name: str, cursor: str | None = None, limit: int = 20) -> TimelinePage:
    """Posts with ``#name#``, newest first."""
    stmt = (
        sa.select(Post)
        .join(PostTopic, sa.and_(PostTopic.post_id == Post.id, PostTopic.name == name))
        .options(joinedload(Post.department))
        .where(_visible(utcnow()))
    )
    rows = list(db.session.scalars(keyset_desc(stmt, Post.published_at, Post.id, cursor, limit)))
    page = page_of(rows, limit, lambda p: (p.published_at, p.id))
    return TimelinePage(page, count_for_posts([p.id for p in page.items]))


def _with_original(stmt: sa.Select) -> sa.Select:
    return stmt.options(
        joinedload(Repost.user), joinedload(Repost.post).joinedload(Post.department),
    )


def get_repost(repost_id: int) -> Repost:
    """A repost with its original post (which may since have been withdrawn)."""
    repost = db.session.scalar(_with_original(sa.select(Repost)).where(Repost.id == repost_id))
    if repost is None or not can_read(current_viewer(), repost):
        raise NotFound(_("没有这条转发。"), "repost_not_found")
    return repost


def reposts_by_user(user_id: int, cursor: str | None = None, limit: int = 20) -> Page[Repost]:
    """A resident's reposts, newest first, each with its original."""
    stmt = _with_original(sa.select(Repost)).where(Repost.user_id == user_id)
    rows = list(db.session.scalars(keyset_desc(stmt, Repost.created_at, Repost.id, cursor, limit)))
    return page_of(rows, limit, lambda r: (r.created_at, r.id))

