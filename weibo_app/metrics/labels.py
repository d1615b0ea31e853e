"""What each figure is called on screen and in exported files: one list for every page and file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FIGURE_LABELS = {
    "threads": _l("留言数"),
    "dismissed": _l("无需回复"),
    "hidden": _l("已隐藏"),
    "responded": _l("已响应"),
    "answered": _l("已办结答复"),
    "unanswered": _l("未回复"),
    "late": _l("未按时回复"),
    "reply_rate": _l("回复率"),
    "on_time_rate": _l("按时回复率"),
    "median_first_response_hours": _l("首次响应时长（中位数，小时）"),
    "p90_first_response_hours": _l("首次响应时长（90分位，小时）"),
    "awaiting": _l("待回复"),
    "overdue": _l("超期"),
    "due_soon": _l("今日到期的待回复留言"),
    "unanswered_posts": _l("未回复微博"),
    "silent_posts": _l("只发不回微博"),
    "satisfaction_rate": _l("满意率"),
    "resolved_rate": _l("解决率"),
    "extended": _l("延期"),
    "reworked": _l("发回重办"),
    "urged": _l("催办"),
    "transfers": _l("转办"),
    "visited": _l("回访"),
    "days_since_last_post": _l("距最近发布（天）"),
    "responsiveness_index": _l("响应指数"),
    "posts_published": _l("发布微博"),
    "views": _l("阅读"),
    "likes": _l("点赞"),
    "reposts": _l("转发"),
    "followers": _l("关注者"),
}


def figure_label(name: str) -> str:
    return str(FIGURE_LABELS.get(name, name))
