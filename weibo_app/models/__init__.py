"""All models, imported here so Alembic and the app see one metadata."""

from .audit import AppendOnlyError, AuditLog
from .calendar import HolidayOverride
from .contact import ContactSettings, Delivery, SmsOutboxEntry
from .department import Department
from .media import Image
from .moderation import Flag, FlagReason, FlagResolution, SensitiveWord
from .notification import Notification
from .post import Category, Post, PostState
from .reply_template import ReplyTemplate
from .review import Correction, Decision, ReviewDecision
from .setting import Setting
from .social import Follow, Like, PostViewDaily, Repost
from .supervision import NoticeState, SupervisionNotice
from .thread import Channel, Rating, Reply, Thread, ThreadKind, ThreadState
from .topic import PostTopic
from .user import STAFF_ROLES, Role, User

__all__ = [
    "AppendOnlyError",
    "AuditLog",
    "Category",
    "Channel",
    "ContactSettings",
    "Correction",
    "Delivery",
    "Decision",
    "Department",
    "Flag",
    "FlagReason",
    "FlagResolution",
    "Follow",
    "HolidayOverride",
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
    "ThreadKind",
    "ThreadState",
    "User",
]
