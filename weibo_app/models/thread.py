"""Residents' threads (留言/诉求) and the replies inside them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.extensions import db
from .types import UTCDateTime

if TYPE_CHECKING:
    from .department import Department
    from .post import Post
    from .user import User


class ThreadKind(StrEnum):
    CONSULTATION = "consultation"
    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"
    HELP = "help"
    COMMENT = "comment"
    REPORT = "report"  # 举报: always private


#: Kinds that are never public, whatever the resident ticked.
PRIVATE_KINDS = frozenset({ThreadKind.REPORT})


class Channel(StrEnum):
    """Where a request came in (来源渠道): residents on the site, or recorded by staff."""

    WEB = "web"
    PHONE = "phone"
    LETTER = "letter"
    VISIT = "visit"
    HOTLINE = "hotline"
    MAILBOX = "mailbox"
    OTHER = "other"


class ThreadState(StrEnum):
    AWAITING = "awaiting"
    ANSWERED = "answered"
    CLOSED = "closed"
    DISMISSED = "dismissed"


class Rating(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"


class Thread(db.Model):
    __tablename__ = "threads"
    __table_args__ = (
        # The inbox: a department's awaiting threads by due time, ties by id (PostgreSQL's index
        # has no implicit row id to order them by), and its counts read from the index alone.
        # With the post and the opening time, the posts that have an awaiting thread and the
        # overdue threads of each week come from it too (metrics).
        sa.Index("ix_threads_inbox", "department_id", "state", "due_at", "id", "post_id", "opened_at"),
        sa.Index("ix_threads_dept_opened", "department_id", "opened_at"),
        # Every department's awaiting threads by due time: the earliest overdue of a whole county
        # (the dashboard's list) without sorting them all, and the posts that have one.
        sa.Index("ix_threads_due", "state", "due_at", "id", "department_id", "post_id"),
        # A post's threads; whether it has an awaiting one, received any or was ever answered
        # (silent posts) is read from the index alone.
        sa.Index("ix_threads_post_state", "post_id", "state", "opened_at", "counted_first_response_at"),
        # The public threads of each post, counted from the index alone on every card (the
        # terms as ``access.read.thread_public_by_itself`` renders them, which SQLite matches).
        sa.Index("ix_threads_post_public", "post_id",
                 sqlite_where=sa.text("held_at IS NULL AND hidden_at IS NULL AND private IS 0"),
                 postgresql_where=sa.text("held_at IS NULL AND hidden_at IS NULL AND private IS false")),
        # The stored figures' facts are in use only while none is newer than the moment judged.
        sa.Index("ix_threads_counted_at", "counted_at"),
        # Read from the index alone beside the daily counts (metrics/figures.py): the period's
        # threads still without a counted final answer (the part of the on-time base that moves
        # with the clock), and the responded ones' first-response times, each department's in
        # order, so that the hours of one bucket are a range (metrics/histogram.py).
        sa.Index("ix_threads_unanswered", "department_id", "opened_at", "state", "channel", "counted_due_at",
                 sqlite_where=sa.text("counted_first_final_at IS NULL"),
                 postgresql_where=sa.text("counted_first_final_at IS NULL")),
        sa.Index("ix_threads_responded", "department_id", "counted_response_hours", "opened_at", "state", "channel",
                 "counted_first_response_at",
                 sqlite_where=sa.text("counted_first_response_at IS NOT NULL"),
                 postgresql_where=sa.text("counted_first_response_at IS NOT NULL")),
        # An integration's reference names one thread per department (idempotent recording).
        sa.UniqueConstraint("department_id", "external_ref", name="uq_threads_department_external_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("posts.id"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"))
    # None for a request recorded by staff on behalf of someone without an account.
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    state: Mapped[str] = mapped_column(sa.String(20), default=ThreadState.AWAITING)
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The due time now running; ``first_due_at`` stays on record for on-time figures.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismiss_reason: Mapped[str | None] = mapped_column(sa.Text)
    # What the thread was when dismissed, so an overturn puts it back exactly.
    state_before_dismissal: Mapped[str | None] = mapped_column(sa.String(20))
    rating: Mapped[str | None] = mapped_column(sa.String(20))
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 解决: whether the problem was solved, as the resident or a return visit last said.
    resolved: Mapped[bool | None] = mapped_column()
    # 签收 and 承办人: who signed for the thread, and the staff member handling it.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # Shown to the public as 匿名网民; staff of the department still see who it is.
    anonymous: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # 不公开: read only by the opener, the department's staff, the supervisors over it and
    # moderators (access/read.py); never on a public page, but counted in every figure.
    private: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The rendering with personal information masked (text.mask_pii), for the public.
    body_html_public: Mapped[str | None] = mapped_column(sa.Text)
    # The text as the public reads it (personal information masked): what search matches.
    body_public: Mapped[str | None] = mapped_column(sa.Text)
    # Moderation: held for review (not public until released) or hidden with a reason.
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(sa.Text)
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Channels other than the web: recorded by staff; the contact is private to insiders.
    channel: Mapped[str] = mapped_column(sa.String(20), default=Channel.WEB, server_default=Channel.WEB.value)
    contact_name: Mapped[str | None] = mapped_column(sa.String(60))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(30))
    external_ref: Mapped[str | None] = mapped_column(sa.String(100))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The reply facts the figures judge the thread on, as they stand now (metrics/facts.py keeps
    # them, in the transaction of every write that changes them); not loaded with the thread.
    counted_first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime, deferred=True,
                                                                       deferred_group="facts")
    counted_first_final_at: Mapped[datetime | None] = mapped_column(UTCDateTime, deferred=True,
                                                                    deferred_group="facts")
    counted_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, deferred=True, deferred_group="facts")
    counted_due_at_final: Mapped[datetime | None] = mapped_column(UTCDateTime, deferred=True,
                                                                  deferred_group="facts")
    # From opening to the first counted official reply, in hours (metrics/sql.py hours_between).
    counted_response_hours: Mapped[float | None] = mapped_column(sa.Float, deferred=True, deferred_group="facts")
    loop_steps: Mapped[int] = mapped_column(default=0, server_default="0", deferred=True, deferred_group="facts")
    counted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, deferred=True, deferred_group="facts")
    # The local day of opening (site time zone): the key of the daily counts (ThreadDay).
    opened_day: Mapped[date | None] = mapped_column(sa.Date, deferred=True, deferred_group="facts")

    post: Mapped[Post | None] = relationship()
    department: Mapped[Department] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys="Thread.author_id")
    handler: Mapped[User | None] = relationship(foreign_keys="Thread.handler_id")
    recorded_by: Mapped[User | None] = relationship(foreign_keys="Thread.recorded_by_id")
    replies: Mapped[list[Reply]] = relationship(
        back_populates="thread", order_by="Reply.created_at, Reply.id", lazy="raise"
    )

    def is_overdue(self, now: datetime) -> bool:
        return self.state == ThreadState.AWAITING and self.due_at < now

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.kind} {self.state}>"


class Reply(db.Model):
    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # Set on official replies: the department that answered, shown with the badge.
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    official: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Official replies: final (办结答复) unless interim (阶段性答复).
    final: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # When the public could first see it (None while held since writing): figures count from here.
    visible_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when a supervisor sent the thread back (发回重办): no longer the final answer from then on.
    reworked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    body_html_public: Mapped[str | None] = mapped_column(sa.Text)
    # The text as the public reads it (personal information masked): what search matches.
    body_public: Mapped[str | None] = mapped_column(sa.Text)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(sa.Text)
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    thread: Mapped[Thread] = relationship(back_populates="replies")
    author: Mapped[User] = relationship(foreign_keys="Reply.author_id")
    department: Mapped[Department | None] = relationship()


#: The bounds of ``ThreadDay``'s first-response buckets, in seconds. Each is an even number of
#: seconds, so that every database's rounding of a half second puts a value on the same side.
RESPONSE_BOUNDS = tuple(int(hours * 3600) for hours in (
    0.5, 1, 2, 3, 4, 6, 8, 12, 16, 20, 24, 30, 36, 48, 60, 72, 96, 120, 168, 240, 360, 720))
RESPONSE_BUCKETS = tuple(f"response_{i:02d}" for i in range(len(RESPONSE_BOUNDS) + 1))


class ThreadDay(db.Model):
    """The figures' counts of the threads opened on one local day, per department and channel.

    Kept by metrics/upkeep.py in the transaction of every write that changes one of them, from the
    threads' stored reply facts, so that a period's counts are a sum over its days; ``flask
    refresh-facts`` rebuilds them all. Only the counts that do not move with the clock are here.
    """

    __tablename__ = "thread_days"

    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    threads: Mapped[int] = mapped_column(default=0)
    dismissed: Mapped[int] = mapped_column(default=0)
    responded: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    timely: Mapped[int] = mapped_column(default=0)
    good: Mapped[int] = mapped_column(default=0)
    rated: Mapped[int] = mapped_column(default=0)
    solved: Mapped[int] = mapped_column(default=0)
    told: Mapped[int] = mapped_column(default=0)
    hidden: Mapped[int] = mapped_column(default=0)
    extended: Mapped[int] = mapped_column(default=0)
    reworked: Mapped[int] = mapped_column(default=0)
    urged: Mapped[int] = mapped_column(default=0)
    transfers: Mapped[int] = mapped_column(default=0)
    visited: Mapped[int] = mapped_column(default=0)
    # The responded ones by first-response time (``counted_response_hours`` in whole seconds,
    # rounded): ``response_00`` below the first of ``RESPONSE_BOUNDS``, ``response_NN`` from bound
    # NN - 1 up to bound NN, the last from the last bound up. The percentiles of a period look
    # at the hours of only the few buckets that hold them (metrics/histogram.py).
    response_00: Mapped[int] = mapped_column(default=0, server_default="0")
    response_01: Mapped[int] = mapped_column(default=0, server_default="0")
    response_02: Mapped[int] = mapped_column(default=0, server_default="0")
    response_03: Mapped[int] = mapped_column(default=0, server_default="0")
    response_04: Mapped[int] = mapped_column(default=0, server_default="0")
    response_05: Mapped[int] = mapped_column(default=0, server_default="0")
    response_06: Mapped[int] = mapped_column(default=0, server_default="0")
    response_07: Mapped[int] = mapped_column(default=0, server_default="0")
    response_08: Mapped[int] = mapped_column(default=0, server_default="0")
    response_09: Mapped[int] = mapped_column(default=0, server_default="0")
    response_10: Mapped[int] = mapped_column(default=0, server_default="0")
    response_11: Mapped[int] = mapped_column(default=0, server_default="0")
    response_12: Mapped[int] = mapped_column(default=0, server_default="0")
    response_13: Mapped[int] = mapped_column(default=0, server_default="0")
    response_14: Mapped[int] = mapped_column(default=0, server_default="0")
    response_15: Mapped[int] = mapped_column(default=0, server_default="0")
    response_16: Mapped[int] = mapped_column(default=0, server_default="0")
    response_17: Mapped[int] = mapped_column(default=0, server_default="0")
    response_18: Mapped[int] = mapped_column(default=0, server_default="0")
    response_19: Mapped[int] = mapped_column(default=0, server_default="0")
    response_20: Mapped[int] = mapped_column(default=0, server_default="0")
    response_21: Mapped[int] = mapped_column(default=0, server_default="0")
    response_22: Mapped[int] = mapped_column(default=0, server_default="0")
