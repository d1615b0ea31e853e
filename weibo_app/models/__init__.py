"""All models, imported here so Alembic and the app see one metadata."""

from .audit import AppendOnlyError, AuditLog
from .calendar import HolidayOverride
from .contact import ContactSettings, OutboxMessage, SmsOutboxEntry
from .department import Department
from .disclosure import (
    AnnualReport,
    Appeal,
    AppealKind,
    AppealResult,
    ApplicantType,
    Delivery,
    DisclosureGuide,
    InfoRequest,
    Outcome,
    RequestAttachment,
    RequestChannel,
    RequestCounter,
    RequestEvent,
    RequestState,
)
from .figure_mark import FigureMark
from .loop import ApprovalState, EventKind, ExtensionRequest, ThreadEvent, ThreadNote, TransferRequest, VisitChannel
from .media import Image
from .moderation import Flag, FlagReason, FlagResolution, SensitiveWord
from .notification import Notification
from .post import Category, Post, PostState
from .reply_template import ReplyTemplate
from .resilience import IdempotencyKey, ViewBatch
from .review import Correction, Decision, ReviewDecision
from .setting import Setting
from .social import Follow, Like, PostViewDaily, Repost
from .supervision import NoticeState, SupervisionNotice
from .thread import PRIVATE_KINDS, Channel, Rating, Reply, Thread, ThreadDay, ThreadKind, ThreadState
from .token import ApiToken
from .topic import PostTopic
from .user import STAFF_ROLES, Role, User

__all__ = [
    "FigureMark",
    "ApprovalState",
    "AnnualReport",
    "ApiToken",
    "Appeal",
    "AppealKind",
    "AppealResult",
    "ApplicantType",
    "Delivery",
    "DisclosureGuide",
    "InfoRequest",
    "Outcome",
    "RequestChannel",
    "RequestAttachment",
    "RequestCounter",
    "RequestEvent",
    "RequestState",
    "PRIVATE_KINDS",
    "AppendOnlyError",
    "AuditLog",
    "Category",
    "Channel",
    "ContactSettings",
    "Correction",
    "OutboxMessage",
    "Decision",
    "Department",
    "EventKind",
    "ExtensionRequest",
    "Flag",
    "FlagReason",
    "FlagResolution",
    "Follow",
    "HolidayOverride",
    "IdempotencyKey",
    "Image",
    "Like",
    "NoticeState",
    "Notification",
    "Post",
    "PostState",
    "PostTopic",
    "PostViewDaily",
    "Rating",
    "Reply",
    "ReplyTemplate",
    "Repost",
    "ReviewDecision",
    "Role",
    "STAFF_ROLES",
    "SensitiveWord",
    "Setting",
    "SmsOutboxEntry",
    "SupervisionNotice",
    "Thread",
    "ThreadDay",
    "ThreadEvent",
    "ThreadKind",
    "ThreadNote",
    "ThreadState",
    "TransferRequest",
    "User",
    "ViewBatch",
    "VisitChannel",
]
