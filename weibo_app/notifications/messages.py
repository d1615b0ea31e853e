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
    text = _describe_loop(kind, d)
    if text is not None:
        return text
    return d.get("message") or _("您有一条新通知。")


def _describe_loop(kind: str, d: dict[str, Any]) -> str | None:
    """The closed loop's notifications (办理闭环)."""
    if kind == "thread_interim":
        return _("%(dept)s对您的留言作了阶段性答复，正在办理中。", dept=d.get("department", ""))
    if kind == "thread_assigned":
        return _("%(by)s指定您承办第%(id)s号留言。", by=d.get("by", ""), id=d.get("thread_id", ""))
    if kind == "thread_note":
        return _("%(by)s在第%(id)s号留言上添加了内部备注。", by=d.get("by", ""), id=d.get("thread_id", ""))
    if kind == "extension_requested":
        return _("%(dept)s申请将第%(id)s号留言延期至%(day)s，等待审批。",
                 dept=d.get("department", ""), id=d.get("thread_id", ""), day=d.get("until", ""))
    if kind == "extension_approved":
        return _("第%(id)s号留言的延期申请已批准，办理时限延至%(day)s。", id=d.get("thread_id", ""), day=d.get("until", ""))
    if kind == "extension_rejected":
        return _("第%(id)s号留言的延期申请被驳回：%(reason)s", id=d.get("thread_id", ""), reason=d.get("reason") or "")
    if kind == "thread_extended":
        return _("%(dept)s办理您的留言已获准延期至%(day)s。", dept=d.get("department", ""), day=d.get("until", ""))
    if kind == "transfer_requested":
        return _("%(dept)s申请将第%(id)s号留言转办至%(target)s，等待审批。",
                 dept=d.get("department", ""), id=d.get("thread_id", ""), target=d.get("target", ""))
    if kind == "transfer_approved":
        return _("第%(id)s号留言已转办至%(target)s。", id=d.get("thread_id", ""), target=d.get("target", ""))
    if kind == "transfer_rejected":
        return _("第%(id)s号留言的转办申请被驳回，请本部门办理：%(reason)s",
                 id=d.get("thread_id", ""), reason=d.get("reason") or "")
    if kind == "thread_reworked":
        return _("第%(id)s号留言的答复被发回重办：%(reason)s", id=d.get("thread_id", ""), reason=d.get("reason") or "")
    if kind == "thread_reworked_resident":
        return _("您的留言已被督办部门发回%(dept)s重新办理。", dept=d.get("department", ""))
    if kind == "thread_urged":
        return _("第%(id)s号留言被催办，请尽快办理。", id=d.get("thread_id", ""))
    if kind == "thread_visited":
        return _("第%(id)s号留言已回访。", id=d.get("thread_id", ""))
    return None


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
