"""Reads for notifications."""

from __future__ import annotations

import sqlalchemy as sa

from ..access.read import shown_posts_clause, shown_threads_clause
from ..core.extensions import db
from ..core.pagination import Page, keyset_desc, page_of
from ..models import Notification, Post, Thread, User
from .messages import target_url

#: Built once: it runs on every page a signed-in user opens (the navigation's badge).
_UNREAD = (sa.select(sa.func.count()).select_from(Notification)
           .where(Notification.user_id == sa.bindparam("user_id"), Notification.read_at.is_(None)))


def unread_count(user_id: int) -> int:
    return db.session.scalar(_UNREAD, {"user_id": user_id}) or 0


def notifications_of(user_id: int, cursor: str | None = None, limit: int = 20) -> Page[Notification]:
    """A user's notifications, newest first."""
    stmt = sa.select(Notification).where(Notification.user_id == user_id)
    rows = list(db.session.scalars(keyset_desc(stmt, Notification.created_at, Notification.id, cursor, limit)))
    return page_of(rows, limit, lambda n: (n.created_at, n.id))


def shown_targets(user: User, rows: list[Notification]) -> set[tuple[str, int]]:
    """The threads and posts these notifications point at that ``user`` may open now
    (access/read.py): a link never leads to a thread since held, hidden away or made private."""
    thread_ids = {int(n.data["thread_id"]) for n in rows if str(n.data.get("thread_id", "")).isdigit()}
    post_ids = {int(n.data["post_id"]) for n in rows if str(n.data.get("post_id", "")).isdigit()}
    found: set[tuple[str, int]] = set()
    if thread_ids:
        stmt = sa.select(Thread.id).where(Thread.id.in_(thread_ids), shown_threads_clause(user))
        found |= {("thread", i) for i in db.session.scalars(stmt)}
    if post_ids:
        stmt = sa.select(Post.id).where(Post.id.in_(post_ids), shown_posts_clause(user))
        found |= {("post", i) for i in db.session.scalars(stmt)}
    return found


def link_of(user: User, row: Notification, shown: set[tuple[str, int]] | None = None) -> str | None:
    """Where the notification leads, if the user may open it."""
    url = target_url(row.kind, row.data)
    if url is None or row.data.get("notice_id") or row.kind == "draft_waiting":
        return url
    shown = shown_targets(user, [row]) if shown is None else shown
    if row.data.get("thread_id"):
        return url if ("thread", int(row.data["thread_id"])) in shown else None
    if row.data.get("post_id"):
        return url if ("post", int(row.data["post_id"])) in shown else None
    return url  # a link to something else (an information request, a report): its page checks
