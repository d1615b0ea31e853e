"""What each figure is called on screen and in exported files: one list for every page and file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _pl

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


#: Figures counted as of the data's cut-off moment ("right now"), whenever the threads or posts
#: came; every other figure counts only what happened in the chosen period.
NOW_FIGURES = frozenset({
    "awaiting", "overdue", "due_soon", "unanswered_posts", "followers", "days_since_last_post",
})


def figure_timing(name: str) -> str:
    """``"now"`` for a figure as of the cut-off moment, ``"period"`` for one about the period."""
    return "now" if name in NOW_FIGURES else "period"


#: Column-header words where the full label is too long for a narrow table column;
#: the full label stays beside them for screen readers and as the tooltip.
SHORT_LABELS = {
    "dismissed": _pl("列名", "无需回复"),
    "answered": _pl("列名", "已办结"),
    "median_first_response_hours": _pl("列名", "响应中位数（时）"),
    "p90_first_response_hours": _pl("列名", "响应90分位（时）"),
    "awaiting": _pl("列名", "待回复"),
    "unanswered_posts": _pl("列名", "未回复微博"),
    "silent_posts": _pl("列名", "只发不回"),
    "reworked": _pl("列名", "发回重办"),
    "urged": _pl("列名", "催办"),
    "transfers": _pl("列名", "转办"),
    "visited": _pl("列名", "回访"),
    "days_since_last_post": _pl("列名", "未发布天数"),
    "due_soon": _pl("列名", "今日到期"),
    "responsiveness_index": _pl("列名", "响应指数"),
}


def short_label(name: str) -> str:
    return str(SHORT_LABELS.get(name) or FIGURE_LABELS.get(name, name))
