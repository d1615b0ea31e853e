"""The closed loop around a thread (办理闭环): notes, extensions, transfers, rework, urging, return visits."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.extensions import db
from .department import Department
from .thread import Thread
from .types import UTCDateTime
from .user import User


class ApprovalState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class EventKind(StrEnum):
    REWORK = "rework"  # 发回重办
    URGE = "urge"  # 催办
    VISIT = "visit"  # 回访 recorded by a supervisor's office


class VisitChannel(StrEnum):
    PHONE = "phone"
    SMS = "sms"
    WEB = "web"
    VISIT = "visit"


class ThreadNote(db.Model):
    """内部备注: seen by the owning department's staff and the supervisors over it only."""

    __tablename__ = "thread_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()


class ExtensionRequest(db.Model):
    """延期: staff ask for a later due date; a supervisor over the department decides."""

    __tablename__ = "thread_extensions"
    __table_args__ = (sa.Index("ix_thread_extensions_thread_state", "thread_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    until: Mapped[date] = mapped_column(sa.Date)
    # The end (23:59:59 local) of ``until``: the due time once approved.
    new_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    previous_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.String(20), default=ApprovalState.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(sa.Text)

    thread: Mapped[Thread] = relationship()
    department: Mapped[Department] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class TransferRequest(db.Model):
    """转办: a request waiting for the dispatcher, or (approved) one step of the transfer trail.

    A dispatch (派单) or a transfer made while approval is off is written as an
    approved row at once, so the trail is one list.
    """

    __tablename__ = "thread_transfers"
    __table_args__ = (sa.Index("ix_thread_transfers_thread_state", "thread_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id"))
    from_department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    # What staff proposed; the dispatcher may approve to another department (``to_department_id``).
    proposed_department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"))
    to_department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.String(20), default=ApprovalState.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(sa.Text)

    thread: Mapped[Thread] = relationship()
    from_department: Mapped[Department] = relationship(foreign_keys=[from_department_id])
    proposed_department: Mapped[Department] = relationship(foreign_keys=[proposed_department_id])
    to_department: Mapped[Department | None] = relationship(foreign_keys=[to_department_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class ThreadEvent(db.Model):
    """A supervisor's step on a thread: rework (reason), urging (comment), return visit (result)."""

    __tablename__ = "thread_events"
    __table_args__ = (sa.Index("ix_thread_events_thread_kind", "thread_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id"))
    # The department that held the thread when it happened.
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    # Return visits only.
    channel: Mapped[str | None] = mapped_column(sa.String(20))
    rating: Mapped[str | None] = mapped_column(sa.String(20))
    resolved: Mapped[bool | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User] = relationship()
