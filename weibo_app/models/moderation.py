"""Flags raised by users on posts, threads and replies, and the sensitive-word list."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.extensions import db
from .types import UTCDateTime
from .user import User


class FlagReason(StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"
    PERSONAL_INFO = "personal_info"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


class FlagResolution(StrEnum):
    HIDDEN = "hidden"
    DISMISSED = "dismissed"
    RELEASED = "released"


#: What can be flagged, held or hidden.
TARGET_TYPES = ("post", "thread", "reply")


class Flag(db.Model):
    """One user's report on one item. A user reports an item at most once."""

    __tablename__ = "flags"
    __table_args__ = (
        sa.UniqueConstraint("reporter_id", "target_type", "target_id", name="uq_flags_reporter_target"),
        sa.Index("ix_flags_target_open", "target_type", "target_id", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    target_type: Mapped[str] = mapped_column(sa.String(10))
    target_id: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(20))
    text: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(sa.String(20))

    reporter: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Flag {self.id} {self.target_type}:{self.target_id} {self.reason}>"


class SensitiveWord(db.Model):
    """A word that sends text containing it to a moderator before it goes public."""

    __tablename__ = "sensitive_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(sa.String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<SensitiveWord {self.word}>"
