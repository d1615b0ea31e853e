"""Reads for notifications."""

from __future__ import annotations

import sqlalchemy as sa

from ..core.extensions import db
from ..core.pagination import Page, keyset_desc, page_of
from ..models import Notification


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0


def notifications_of(user_id: int, cursor: str | None = None, limit: int = 20) -> Page[Notification]:
    """A user's notifications, newest first."""
    stmt = sa.select(Notification).where(Notification.user_id == user_id)
    rows = list(db.session.scalars(keyset_desc(stmt, Notification.created_at, Notification.id, cursor, limit)))
    return page_of(rows, limit, lambda n: (n.created_at, n.id))
