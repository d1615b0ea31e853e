"""Information requests under the Regulation on the Disclosure of Government Information
(依申请公开), their appeals, the disclosure guide (公开指南) and the annual report."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.extensions import db
from .department import Department
from .types import UTCDateTime
from .user import User


class ApplicantType(StrEnum):
    """The annual report's columns, in its order."""

    PERSON = "person"
    ENTERPRISE = "enterprise"
    RESEARCH = "research"
    NONPROFIT = "nonprofit"
    LEGAL_SERVICE = "legal_service"
    OTHER_ORG = "other_org"


class RequestState(StrEnum):
    RECEIVED = "received"
    AWAITING_CORRECTION = "awaiting_correction"
    THIRD_PARTY = "third_party"
    ANSWERED = "answered"
    CLOSED = "closed"


#: States in which the department still owes a decision.
OPEN_STATES = (RequestState.RECEIVED, RequestState.AWAITING_CORRECTION, RequestState.THIRD_PARTY)


class RequestChannel(StrEnum):
    ONLINE = "online"
    POST = "post"  # 信函
    WALK_IN = "walk_in"  # 当面
    FAX = "fax"
    EMAIL = "email"
    OTHER = "other"


class Delivery(StrEnum):
    PAPER = "paper"
    EMAIL = "email"
    DISK = "disk"
    PICKUP = "pickup"
    ONLINE = "online"


class Outcome(StrEnum):
    """The annual report's rows (国办公开办函〔2021〕30号), in its order."""

    PUBLIC = "public"
    PARTIAL = "partial"
    WITHHELD_SECRET = "withheld_secret"  # noqa: S105 - an outcome code, not a password
    WITHHELD_LAW = "withheld_law"
    WITHHELD_SAFETY = "withheld_safety"
    WITHHELD_THIRD_PARTY = "withheld_third_party"
    WITHHELD_INTERNAL = "withheld_internal"
    WITHHELD_PROCESS = "withheld_process"
    WITHHELD_ENFORCEMENT = "withheld_enforcement"
    WITHHELD_QUERY = "withheld_query"
    UNAVAILABLE_NOT_HELD = "unavailable_not_held"
    UNAVAILABLE_NEEDS_MAKING = "unavailable_needs_making"
    UNAVAILABLE_UNCLEAR = "unavailable_unclear"
    DECLINED_PETITION = "declined_petition"
    DECLINED_REPEAT = "declined_repeat"
    DECLINED_PUBLICATION = "declined_publication"
    DECLINED_EXCESSIVE = "declined_excessive"
    DECLINED_CONFIRMATION = "declined_confirmation"
    OTHER_NO_CORRECTION = "other_no_correction"
    OTHER_NO_FEE = "other_no_fee"
    OTHER = "other"


class AppealKind(StrEnum):
    REVIEW = "review"
    LAWSUIT_DIRECT = "lawsuit_direct"
    LAWSUIT_AFTER_REVIEW = "lawsuit_after_review"


class AppealResult(StrEnum):
    UPHELD = "upheld"
    CORRECTED = "corrected"
    OTHER = "other"
    PENDING = "pending"


class InfoRequest(db.Model):
    """One request. ``filed_on`` is the first day of receipt and never changes (the annual report
    counts by it); ``received_on`` is the day the legal clock counts from (a correction moves it)."""

    __tablename__ = "info_requests"
    __table_args__ = (
        sa.UniqueConstraint("department_id", "year", "seq", name="uq_info_requests_department_year_seq"),
        sa.Index("ix_info_requests_department_state_due", "department_id", "state", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(80), unique=True)
    year: Mapped[int]
    seq: Mapped[int]
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"))
    applicant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    applicant_type: Mapped[str] = mapped_column(sa.String(20))
    applicant_name: Mapped[str] = mapped_column(sa.String(100))
    # How to reach the applicant: private, never on a public page.
    id_number: Mapped[str | None] = mapped_column(sa.String(40))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    address: Mapped[str | None] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    delivery: Mapped[str] = mapped_column(sa.String(20))
    channel: Mapped[str] = mapped_column(sa.String(20), default=RequestChannel.ONLINE)
    filed_on: Mapped[date] = mapped_column(sa.Date, index=True)
    received_on: Mapped[date] = mapped_column(sa.Date)
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    state: Mapped[str] = mapped_column(sa.String(20), default=RequestState.RECEIVED)
    # 补正: asked once; the clock stops until the applicant answers.
    correction_items: Mapped[str | None] = mapped_column(sa.Text)
    correction_asked_on: Mapped[date | None] = mapped_column(sa.Date)
    correction_deadline: Mapped[date | None] = mapped_column(sa.Date)
    corrected_on: Mapped[date | None] = mapped_column(sa.Date)
    correction_body: Mapped[str | None] = mapped_column(sa.Text)
    # 征求第三方意见: the working days it takes do not count.
    third_party: Mapped[str | None] = mapped_column(sa.String(200))
    third_party_asked_on: Mapped[date | None] = mapped_column(sa.Date)
    third_party_replied_on: Mapped[date | None] = mapped_column(sa.Date)
    third_party_days: Mapped[int] = mapped_column(default=0)
    # 延长答复期限: once.
    extended: Mapped[bool] = mapped_column(default=False)
    extension_days: Mapped[int] = mapped_column(default=0)
    extension_reason: Mapped[str | None] = mapped_column(sa.Text)
    extended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The decision (答复书).
    outcome: Mapped[str | None] = mapped_column(sa.String(40))
    answer_body: Mapped[str | None] = mapped_column(sa.Text)
    answered_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department] = relationship()
    applicant: Mapped[User | None] = relationship(foreign_keys=[applicant_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", order_by="RequestEvent.id", cascade="all, delete-orphan"
    )
    appeals: Mapped[list[Appeal]] = relationship(
        back_populates="request", order_by="Appeal.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[RequestAttachment]] = relationship(
        back_populates="request", order_by="RequestAttachment.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, today: date) -> bool:
        """Still owed and past the end of its due day; ``answered_late`` once decided."""
        return self.is_open and self.due_on is not None and today > self.due_on

    @property
    def answered_late(self) -> bool:
        return self.answered_on is not None and self.due_on is not None and self.answered_on > self.due_on

    def __repr__(self) -> str:
        return f"<InfoRequest {self.number} {self.state}>"


class RequestCounter(db.Model):
    """The last sequence number given per department and year (numbers are handed out under its row lock)."""

    __tablename__ = "info_request_counters"

    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class RequestEvent(db.Model):
    """One step in a request's timeline, as the applicant and the department see it."""

    __tablename__ = "info_request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("info_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(sa.Text)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[InfoRequest] = relationship(back_populates="events")


class Appeal(db.Model):
    """An administrative review (行政复议) or lawsuit (行政诉讼) about a request."""

    __tablename__ = "info_request_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("info_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    filed_on: Mapped[date] = mapped_column(sa.Date, index=True)
    result: Mapped[str] = mapped_column(sa.String(20), default=AppealResult.PENDING)
    result_on: Mapped[date | None] = mapped_column(sa.Date)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[InfoRequest] = relationship(back_populates="appeals")


class RequestAttachment(db.Model):
    """A file given with the answer (答复书): the information itself. The bytes live in the
    attachment storage under ``key``; ``name`` is the cleaned name shown and offered on download."""

    __tablename__ = "info_request_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("info_requests.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[InfoRequest] = relationship(back_populates="attachments")


class DisclosureGuide(db.Model):
    """A department's disclosure guide (政府信息公开指南)."""

    __tablename__ = "disclosure_guides"

    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), primary_key=True)
    functions: Mapped[str] = mapped_column(sa.Text, default="")
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    hours: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(60), default="")
    how_to_request: Mapped[str] = mapped_column(sa.Text, default="")
    fees: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class AnnualReport(db.Model):
    """What a department writes for its annual report; the request figures are computed."""

    __tablename__ = "annual_reports"
    __table_args__ = (sa.UniqueConstraint("department_id", "year", name="uq_annual_reports_department_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"))
    year: Mapped[int]
    overview: Mapped[str] = mapped_column(sa.Text, default="")
    proactive: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    problems: Mapped[str] = mapped_column(sa.Text, default="")
    other_matters: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    department: Mapped[Department] = relationship()
