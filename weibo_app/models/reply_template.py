"""常用回复: reply templates of one department (its head manages them) or of the whole site (admins)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.extensions import db
from .types import UTCDateTime


class ReplyTemplate(db.Model):
    __tablename__ = "reply_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: site-wide, kept by admins and offered to every department.
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(60))
    body: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department = relationship("Department", lazy="joined")
