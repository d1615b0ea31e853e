"""All models, imported here so Alembic and the app see one metadata."""

from .audit import AppendOnlyError, AuditLog
from .calendar import HolidayOverride
from .department import Department
from .notification import Notification
from .media import Image
from .post import Category, Post, PostState
from .review import Correction, Decision, ReviewDecision
from .setting import Setting
from .social import Follow, Like, PostViewDaily, Repost
from .thread import Rating, Reply, Thread, ThreadKind, ThreadState
from .topic import PostTopic
from .user import STAFF_ROLES, Role, User

__all__ = [
    "AppendOnlyError",
    "AuditLog",
    "Category",
    "Correction",
    "Decision",
    "Department",
    "Follow",
    "HolidayOverride",
    "Image",
    "Like",
    "Notification",
    "Post",
    "PostState",
    "PostTopic",
    "PostViewDaily",
    "Rating",
    "Reply",
    "Repost",
    "ReviewDecision",
    "Role",
    "STAFF_ROLES",
    "Setting",
    "Thread",
    "ThreadKind",
    "ThreadState",
    "User",
]
