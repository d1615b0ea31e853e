"""Bookkeeping that makes writes safe to repeat: applied view batches and API idempotency keys."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import utcnow
from ..core.extensions import db
from .types import UTCDateTime


class ViewBatch(db.Model):
    """A batch of buffered post views already added to ``post_views_daily``.

    Written in the same transaction as the figures, so a batch taken from
    Redis and applied again after a crash (its key was not yet deleted) is
    recognised and skipped instead of counted twice.
    """

    __tablename__ = "view_batches"

    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class IdempotencyKey(db.Model):
    """The first answer to an API write sent with an ``Idempotency-Key`` header.

    ``status`` is NULL while the first request runs, 0 when its writes were
    committed but its answer was never stored (the process died in between),
    and otherwise the HTTP status that ``body`` was sent with.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(255))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    body: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
