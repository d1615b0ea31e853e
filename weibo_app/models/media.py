"""Images attached to posts (up to 9) and to residents' threads (up to 3).

The bytes live in a storage backend (``weibo_app.media.storage``); a row keeps
the keys of the re-encoded original and of its thumbnail.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..core.clock import utcnow
from ..core.extensions import db
from .types import UTCDateTime

if TYPE_CHECKING:
    from .post import Post
    from .thread import Thread
    from .user import User


class Image(db.Model):
    __tablename__ = "images"
    __table_args__ = (
        sa.CheckConstraint(
            "(post_id IS NULL) OR (thread_id IS NULL)", name="one_owner_object"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("posts.id"), index=True)
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("threads.id"), index=True)
    # Order in which the images were attached (0-based), the order they are shown.
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    thumb_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    content_type: Mapped[str] = mapped_column(sa.String(40))
    bytes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User] = relationship()
    # "selectin": every page that loads posts or threads gets their images in one
    # extra query per page, never one per card (post_card/thread_item show them).
    post: Mapped[Post | None] = relationship(
        backref=backref("images", lazy="selectin", order_by="Image.position, Image.id")
    )
    thread: Mapped[Thread | None] = relationship(
        backref=backref("images", lazy="selectin", order_by="Image.position, Image.id")
    )

    def __repr__(self) -> str:
        return f"<Image {self.id} {self.key}>"
