"""The words and the link of a notification, made when it is shown (in the reader's language)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from ..core.labels import KIND_LABELS, RATING_LABELS


def _kind(data: dict[str, Any]) -> str:
    return str(KIND_LABELS.get(data.get("kind"), data.get("kind") or ""))


def _thread(d: dict[str, Any]) -> str:
    """第N号留言“开头几个字…”, or as much of it as the notification recorded."""
    if not d.get("thread_id"):
        return _("留言")
    if d.get("excerpt"):
        return _("第%(id)s号留言“%(excerpt)s”", id=d["thread_id"], excerpt=d["excerpt"])
    return _("第%(id)s号留言", id=d["thread_id"])


def _reason(d: dict[str, Any]) -> str:
    return d.get("reason") or _("未说明")


def describe(kind: str, data: dict[str, Any]) -> str:
    """One sentence saying what happened, to which thread, done by whom."""
    d = data
    thread = _thread(d)
    if kind == "thread_answered":
        return _("%(dept)s回复了您的%(thread)s。", dept=d.get("department", ""), thread=thread)
    if kind == "thread_transferred":
        return _("您的%(thread)s已由%(src)s转办至%(dst)s。", thread=thread, src=d.get("source", ""),
                 dst=d.get("department", ""))
    if kind == "thread_dismissed":
        return _("%(dept)s将您的%(thread)s标记为无需回复，理由：%(reason)s",
                 dept=d.get("department", ""), thread=thread, reason=_reason(d))
    if kind == "thread_hidden":
        return _("您的%(thread)s已被隐藏，理由：%(reason)s", thread=thread, reason=_reason(d))
    if kind == "post_hidden":
        return _("您发布的微博已被隐藏，理由：%(reason)s", reason=_reason(d))
    if kind in ("thread_restored", "reply_restored", "post_restored"):
        return _("您被隐藏的内容已恢复显示。")
    if kind == "reply_hidden":
        return _("您的追问已被隐藏，理由：%(reason)s", reason=_reason(d))
    if kind == "thread_new":
        return _("本部门收到%(thread)s（%(kind)s）。", thread=thread, kind=_kind(d))
    if kind == "thread_transferred_in":
        return _("%(src)s转办来%(thread)s（%(kind)s）。", src=d.get("source", ""), thread=thread, kind=_kind(d))
    if kind == "thread_unsatisfied":
        return _("留言人对%(thread)s的答复不满意，留言已重新打开。", thread=thread)
    if kind == "thread_rated":
        return _("留言人对%(thread)s的答复评价为“%(rating)s”。", thread=thread,
                 rating=str(RATING_LABELS.get(d.get("rating"), d.get("rating") or "")))
    if kind == "thread_followup":
        return _("留言人对%(thread)s进行了追问。", thread=thread)
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


def link_text(kind: str, data: dict[str, Any]) -> str:
    """The words of the link, naming what it opens (screen readers list links out of context)."""
    if kind == "draft_waiting":
        return _("查看待审核的微博")
    if data.get("notice_id"):
        return _("查看第%(id)s号督办单", id=data["notice_id"])
    if data.get("thread_id"):
        return _("查看第%(id)s号留言", id=data["thread_id"])
    if data.get("post_id"):
        return _("查看第%(id)s号微博", id=data["post_id"])
    return _("查看")


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
