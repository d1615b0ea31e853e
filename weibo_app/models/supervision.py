"""Supervision notices (督办单): a supervisor's note on an overdue thread or a department, with a deadline."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.extensions import db
from .department import Department
from .thread import Thread
from .types import UTCDateTime
from .user import User


class NoticeState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    OVERDUE = "overdue"  # deadline passed and not acknowledged
    CLOSED = "closed"


class SupervisionNotice(db.Model):
    __tablename__ = "supervision_notices"
    __table_args__ = (
        sa.Index("ix_supervision_notices_department_ack", "department_id", "acknowledged_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"))
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("threads.id"), index=True)
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    response: Mapped[str | None] = mapped_column(sa.Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    department: Mapped[Department] = relationship()
    thread: Mapped[Thread | None] = relationship()
    issued_by: Mapped[User] = relationship(foreign_keys=[issued_by_id])
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])

    def state_at(self, now: datetime) -> NoticeState:
        """The derived state; ``notice_state_sql`` in supervision/queries.py is its SQL twin."""
        if self.closed_at is not None:
            return NoticeState.CLOSED
        if self.acknowledged_at is not None:
            return NoticeState.ACKNOWLEDGED
        if self.deadline < now:
            return NoticeState.OVERDUE
        return NoticeState.OPEN

    def __repr__(self) -> str:
        return f"<SupervisionNotice {self.id} dept={self.department_id}>"
