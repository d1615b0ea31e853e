"""How a resident is reached outside the site: verified e-mail and mobile, their choices, and the outboxes."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import utcnow
from ..core.extensions import db
from .types import UTCDateTime


class ContactSettings(db.Model):
    """One row per user who set up e-mail or SMS; in-app notifications need none."""

    __tablename__ = "contact_settings"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    phone_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notify_email: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    notify_sms: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The number waiting for its code; the code itself is kept only as a hash.
    pending_phone: Mapped[str | None] = mapped_column(sa.String(20))
    code_hash: Mapped[str | None] = mapped_column(sa.String(256))
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    code_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    code_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    codes_sent_today: Mapped[int] = mapped_column(default=0, server_default="0")
    # Staff: a daily e-mail of the department's awaiting and overdue threads (flask send-digests).
    digest: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    digest_sent_on: Mapped[date | None] = mapped_column(sa.Date)

    @property
    def email_verified(self) -> bool:
        return bool(self.email and self.email_verified_at)

    @property
    def phone_verified(self) -> bool:
        return bool(self.phone and self.phone_verified_at)


class OutboxMessage(db.Model):
    """A notification (or a code) to send by e-mail or SMS once the action that made it commits."""

    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox_state", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(10))  # "email" or "sms"
    to: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    body: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.String(10), default="pending")  # pending, sent, failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SmsOutboxEntry(db.Model):
    """What the ``log`` SMS gateway "sent": the messages, for admins to read at /admin/sms."""

    __tablename__ = "sms_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(sa.String(20), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
