"""What each figure is called on screen and in exported files: one list for every page and file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FIGURE_LABELS = {
    "threads": _l("留言数"),
    "dismissed": _l("无需回复"),
    "hidden": _l("已隐藏"),
    "answered": _l("已回复"),
    "unanswered": _l("未回复"),
    "late": _l("未按时回复"),
    "reply_rate": _l("回复率"),
    "on_time_rate": _l("按时回复率"),
    "median_first_response_hours": _l("首次响应时长（中位数，小时）"),
    "p90_first_response_hours": _l("首次响应时长（90分位，小时）"),
    "awaiting": _l("待回复"),
    "overdue": _l("超期"),
    "unanswered_posts": _l("未回复微博"),
    "silent_posts": _l("只发不回微博"),
    "satisfaction_rate": _l("满意率"),
    "posts_published": _l("发布微博"),
    "views": _l("阅读"),
    "likes": _l("点赞"),
    "reposts": _l("转发"),
    "followers": _l("关注者"),
}


def figure_label(name: str) -> str:
    return str(FIGURE_LABELS.get(name, name))
