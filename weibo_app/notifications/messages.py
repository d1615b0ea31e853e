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
    if kind == "report_published":
        return _("%(dept)s%(year)s年政府信息公开工作年度报告已发布。", dept=d.get("department", ""), year=d.get("year", ""))
    if kind.startswith("request_"):
        return _describe_request(kind, d)
    text = _describe_loop(kind, d)
    if text is not None:
        return text
    return d.get("message") or _("您有一条新通知。")


def _describe_request(kind: str, d: dict[str, Any]) -> str:
    """Information requests (依申请公开): ``request_number`` and the step's dates."""
    number, due = d.get("request_number", ""), d.get("due_on", "")
    texts = {
        "request_received": _("%(dept)s已收到您的政府信息公开申请（%(number)s），答复期限：%(due)s。"),
        "request_new": _("本部门收到一件政府信息公开申请（%(number)s）。"),
        "request_correction": _("%(dept)s请您补正申请%(number)s，补正期限：%(deadline)s。"),
        "request_corrected": _("申请%(number)s已补正，答复期限重新计算至%(due)s。"),
        "request_corrected_staff": _("申请人已补正申请%(number)s。"),
        "request_third_party": _("申请%(number)s正在征求第三方意见，所需时间不计入答复期限。"),
        "request_third_party_replied": _("申请%(number)s的第三方意见已收到，答复期限：%(due)s。"),
        "request_extended": _("%(dept)s延长了申请%(number)s的答复期限，延长至%(due)s。"),
        "request_answered": _("%(dept)s已答复您的申请%(number)s。"),
        "request_closed": _("申请%(number)s因逾期未补正已终止办理。"),
        "request_appeal": _("已登记申请%(number)s的行政复议或行政诉讼。"),
        "request_appeal_result": _("申请%(number)s的行政复议或行政诉讼有了结果。"),
    }
    if kind == "request_answered" and d.get("attachments"):
        texts[kind] = _("%(dept)s已答复您的申请%(number)s，答复附有%(n)s个文件。")
    text = texts.get(kind)
    if text is None:
        return _("您有一条新通知。")
    return text % {"dept": d.get("department", ""), "number": number, "due": due,
                   "deadline": d.get("deadline", ""), "n": d.get("attachments", 0)}


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
        if kind == "report_published" and data.get("slug"):
            return url_for("reports.annual", year=data["year"], slug=data["slug"], _external=external)
        if data.get("request_number"):
            return url_for("disclosure.detail", number=data["request_number"], _external=external)
        if data.get("thread_id"):
            return url_for("threads.detail", thread_id=data["thread_id"], _external=external)
        if data.get("post_id"):
            return url_for("posts.detail", post_id=data["post_id"], _external=external)
    except (BuildError, RuntimeError):
        return None
    return None
