"""The words and the link of a notification, made when it is shown (in the reader's language)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from ..core.labels import KIND_LABELS


def _kind(data: dict[str, Any]) -> str:
    return str(KIND_LABELS.get(data.get("kind"), data.get("kind") or ""))


def describe(kind: str, data: dict[str, Any]) -> str:
    """One sentence saying what happened."""
    d = data
    if kind == "thread_answered":
        return _("%(dept)s回复了您的留言。", dept=d.get("department", ""))
    if kind == "thread_transferred":
        return _("您的留言已由%(src)s转办至%(dst)s。", src=d.get("source", ""), dst=d.get("department", ""))
    if kind == "thread_dismissed":
        return _("%(dept)s将您的留言标记为无需回复，理由：%(reason)s",
                 dept=d.get("department", ""), reason=d.get("reason") or _("未说明"))
    if kind == "thread_hidden":
        return _("您的留言已被隐藏，理由：%(reason)s", reason=d.get("reason") or _("未说明"))
    if kind == "post_hidden":
        return _("您发布的微博已被隐藏，理由：%(reason)s", reason=d.get("reason") or _("未说明"))
    if kind in ("thread_restored", "reply_restored", "post_restored"):
        return _("您被隐藏的内容已恢复显示。")
    if kind == "reply_hidden":
        return _("您的追问已被隐藏，理由：%(reason)s", reason=d.get("reason") or _("未说明"))
    if kind == "thread_new":
        return _("本部门收到一条新留言（%(kind)s）。", kind=_kind(d))
    if kind == "thread_transferred_in":
        return _("%(src)s转办来一条留言（%(kind)s）。", src=d.get("source", ""), kind=_kind(d))
    if kind == "thread_unsatisfied":
        return _("留言人对第%(id)s号留言的答复不满意，留言已重新打开。", id=d.get("thread_id", ""))
    if kind == "thread_followup":
        return _("留言人对第%(id)s号留言进行了追问。", id=d.get("thread_id", ""))
    if kind == "mention":
        return _("%(dept)s在微博中提到了本部门。", dept=d.get("department", ""))
    if kind == "draft_waiting":
        return _("%(author)s提交了一条微博，等待审核。", author=d.get("author", ""))
    if kind == "notice_issued":
        return _("本部门收到一张督办单（第%(id)s号），请按期签收办理。", id=d.get("notice_id", ""))
    if kind == "notice_acknowledged":
        return _("%(dept)s已签收第%(id)s号督办单。", dept=d.get("department", ""), id=d.get("notice_id", ""))
    if kind == "notice_closed":
        return _("第%(id)s号督办单已办结。", id=d.get("notice_id", ""))
    return d.get("message") or _("您有一条新通知。")


def target_url(kind: str, data: dict[str, Any], external: bool = False) -> str | None:
    """Where the notification leads, if anywhere."""
    try:
        if kind == "draft_waiting":
            return url_for("review.index", _external=external)
        if data.get("notice_id"):
            return url_for("supervision.detail", notice_id=data["notice_id"], _external=external)
        if data.get("thread_id"):
            return url_for("threads.detail", thread_id=data["thread_id"], _external=external)
        if data.get("post_id"):
            return url_for("posts.detail", post_id=data["post_id"], _external=external)
    except (BuildError, RuntimeError):
        return None
    return None
