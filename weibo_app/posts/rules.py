"""What a post decision must carry: the confidentiality check, a reason, a time to come.

Who may take which decision in which state is one rule for posts and threads
alike, in ``weibo_app.access.actions``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from ..core.clock import utcnow
from ..core.dates import LAST_DAY, moment_in_window
from ..core.exceptions import Invalid
from ..core.text import clean_reason as clean_text_reason

#: Longest a fast-track post may stay pinned to the top of the public timeline.
MAX_TIMELINE_PIN = timedelta(days=30)


def require_secrecy(secrecy_checked: bool) -> None:
    if secrecy_checked is not True:
        raise Invalid(_("请确认已完成保密审查。"), "secrecy_check_required")


def clean_reason(raw: str | None, code: str, message: str) -> str:
    return clean_text_reason(raw, empty=(message, code))


def future_time(at: datetime | None) -> datetime:
    if at is None:
        raise Invalid(_("请给出时间。"), "time_required")
    if at.tzinfo is None:
        raise Invalid(_("请给出带时区的时间。"), "invalid_time")
    if at <= utcnow():
        raise Invalid(_("时间必须晚于现在。"), "time_in_past")
    if not moment_in_window(at):
        raise Invalid(_("时间必须在 %(last)s 之前。", last=LAST_DAY.isoformat()), "time_out_of_range")
    return at
