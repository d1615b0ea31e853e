"""The paper trail of publishing: reviewer decisions and corrections (更正)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.extensions import db
from .types import UTCDateTime

if TYPE_CHECKING:
    from .post import Post
    from .user import User


class Decision(StrEnum):
    APPROVE = "approve"  # first-level approval (office / leader in charge)
    FINAL_APPROVE = "final_approve"  # the department head's approval of a major post
    FAST_TRACK = "fast_track"  # the head's single approval of emergency information or a rebuttal
    RETURN = "return"  # sent back to the author with a comment


class ReviewDecision(db.Model):
    """One reviewer decision on a post. Never changed once written."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id"), index=True)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    decision: Mapped[str] = mapped_column(sa.String(20))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    secrecy_checked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    post: Mapped[Post] = relationship()
    actor: Mapped[User] = relationship()


class Correction(db.Model):
    """A correction appended under a published post; the post itself is never edited."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    post: Mapped[Post] = relationship()
    author: Mapped[User] = relationship()
