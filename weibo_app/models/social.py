"""Reach: follows, likes, reposts and daily view counts. Every figure is a count of these rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.extensions import db
from .types import UTCDateTime

if TYPE_CHECKING:
    from .post import Post
    from .user import User


class Follow(db.Model):
    __tablename__ = "follows"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    department_id: Mapped[int] = mapped_column(
        sa.ForeignKey("departments.id"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Like(db.Model):
    __tablename__ = "likes"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Repost(db.Model):
    __tablename__ = "reposts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id"), index=True)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    comment_html: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    post: Mapped[Post] = relationship()
    user: Mapped[User] = relationship()


class PostViewDaily(db.Model):
    """Views per post per local day, written in batches (never one write per request)."""

    __tablename__ = "post_views_daily"

    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id"), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True, index=True)
    views: Mapped[int] = mapped_column(default=0)
