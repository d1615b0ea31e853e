"""Official posts (政务微博)."""

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
    from .department import Department
    from .user import User


class PostState(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    PENDING_FINAL = "pending_final"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Category(StrEnum):
    """The open-government catalogue (政府信息公开目录)."""

    ORG_INFO = "org_info"
    POLICY = "policy"
    PLANS = "plans"
    PERSONNEL = "personnel"
    FINANCE = "finance"
    EMERGENCY = "emergency"
    WORK = "work"
    RUMOR = "rumor"
    SERVICE = "service"
    OTHER = "other"


#: The states a post can be listed in (public lists show it, or its withdrawal notice).
LISTED_STATES = (PostState.PUBLISHED, PostState.SCHEDULED, PostState.WITHDRAWN)
#: The same states as the partial indexes' condition: ``listed_clause`` carries this very
#: term, so the planners (SQLite's needs it literally) walk those indexes in order.
_LISTED_WHERE = "state IN (" + ", ".join(f"'{s.value}'" for s in LISTED_STATES) + ")"


def _listed_index(name: str, *columns) -> sa.Index:
    where = sa.text(_LISTED_WHERE)
    return sa.Index(name, *columns, sqlite_where=where, postgresql_where=where)


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        sa.Index("ix_posts_state_published", "state", "published_at", "id"),
        # The public lists, newest first: the timeline and the API (all departments), a
        # department's page and a resident's followed departments (by department).
        # Both databases read these backwards for "newest first".
        _listed_index("ix_posts_listed", "published_at", "id"),
        _listed_index("ix_posts_department_listed", "department_id", "published_at", "id"),
        # The few posts pinned to the top of the timeline, found without walking the list.
        sa.Index(
            "ix_posts_timeline_pinned", "timeline_pinned_until",
            sqlite_where=sa.text("timeline_pinned_until IS NOT NULL"),
            postgresql_where=sa.text("timeline_pinned_until IS NOT NULL"),
        ),
        # One pinned post per department page (posts/amend.pin_post keeps it so).
        sa.Index(
            "uq_posts_department_pin", "department_id", unique=True,
            sqlite_where=sa.text("dept_pinned_at IS NOT NULL"),
            postgresql_where=sa.text("dept_pinned_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[str] = mapped_column(sa.String(20), default=Category.WORK)
    major: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(sa.String(20), default=PostState.DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # For a scheduled post this is the moment it goes public; see ``public_clause``.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdraw_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Moderation: held for review (not public until released) or hidden with a reason.
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(sa.Text)
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Fast track (应急/辟谣): published on the department head's one approval.
    fast_track: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    timeline_pinned_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dept_pinned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    department: Mapped[Department] = relationship()
    author: Mapped[User] = relationship(foreign_keys="Post.author_id")

    @classmethod
    def public_clause(cls, now: datetime) -> sa.ColumnElement[bool]:
        """The one rule for "the public may see this post now".

        A scheduled post becomes public at its time without anyone online:
        its ``published_at`` is set when it is scheduled.
        """
        return sa.and_(
            cls.state.in_((PostState.PUBLISHED, PostState.SCHEDULED)),
            cls.published_at <= now,
            cls.held_at.is_(None),
        )

    @classmethod
    def listed_clause(cls, now: datetime) -> sa.ColumnElement[bool]:
        """Posts that appear in public lists: the public ones, and withdrawn ones as their notice.

        The leading ``state IN (...)`` adds nothing to the rule (both branches imply it); it is
        the partial indexes' condition, rendered as literals so that SQLite sees the index
        applies, and lets a list walk ``ix_posts_listed`` newest first instead of merging two
        scans of every post and sorting them (see tests/test_query_plans.py).
        """
        listed_states = sa.bindparam("listed_states", [s.value for s in LISTED_STATES], expanding=True,
                                     literal_execute=True)
        return sa.and_(
            cls.state.in_(listed_states),
            sa.or_(cls.public_clause(now), cls.state == PostState.WITHDRAWN),
        )

    def is_public(self, now: datetime) -> bool:
        return (
            self.state in (PostState.PUBLISHED, PostState.SCHEDULED)
            and self.published_at is not None
            and self.published_at <= now
            and self.held_at is None
        )

    @property
    def withdrawn(self) -> bool:
        return self.state == PostState.WITHDRAWN

    def __repr__(self) -> str:
        return f"<Post {self.id} {self.state}>"
