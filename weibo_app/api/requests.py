"""Information requests (依申请公开) in the API: file, read, and every step of the legal clock."""

from __future__ import annotations

from datetime import date

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access.permissions import acts_for, oversees
from ..core.clock import local_today
from ..core.exceptions import Forbidden, Invalid, NotFound
from ..core.extensions import db
from ..departments.operations import get_department
from ..disclosure import attachments, queries
from ..disclosure import operations as ops
from ..disclosure.rules import can_read
from ..models import Appeal, InfoRequest, RequestAttachment, RequestState
from . import bp
from .auth import token_required
from .payload import json_body, text_field


def iso_day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def date_field(data: dict, name: str, required: bool = False) -> date | None:
    raw = text_field(data, name, 10, required=required)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(_("字段 %(name)s 应为日期（YYYY-MM-DD）。", name=name), "invalid_date") from None


def appeal_dict(a: Appeal) -> dict:
    return {"id": a.id, "request": a.request.number, "kind": a.kind, "filed_on": iso_day(a.filed_on),
            "result": a.result, "result_on": iso_day(a.result_on)}


def attachment_dict(r: InfoRequest, a: RequestAttachment) -> dict:
    return {"id": a.id, "name": a.name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256,
            "created_at": a.created_at.isoformat(),
            "url": url_for("api.request_attachment", number=r.number, attachment_id=a.id, _external=True)}


def request_dict(r: InfoRequest, full: bool = True) -> dict:
    """DESIGN's request object; ``full`` adds what the applicant, staff and supervisors read."""
    data = {
        "number": r.number, "department": r.department.slug, "state": r.state,
        "filed_on": iso_day(r.filed_on), "received_on": iso_day(r.received_on), "due_on": iso_day(r.due_on),
        "extended": r.extended, "outcome": r.outcome, "overdue": r.is_overdue(local_today()),
        "channel": r.channel, "applicant_type": r.applicant_type, "answered_on": iso_day(r.answered_on),
    }
    if full:
        data.update({
            "applicant": {"type": r.applicant_type, "name": r.applicant_name, "id_number": r.id_number,
                          "phone": r.phone, "email": r.email, "address": r.address},
            "description": r.description, "delivery": r.delivery, "answer": r.answer_body,
            "answered_late": r.answered_late,
            "correction": {"items": r.correction_items, "asked_on": iso_day(r.correction_asked_on),
                           "deadline": iso_day(r.correction_deadline), "corrected_on": iso_day(r.corrected_on),
                           "body": r.correction_body} if r.correction_asked_on else None,
            "third_party": {"party": r.third_party, "asked_on": iso_day(r.third_party_asked_on),
                            "replied_on": iso_day(r.third_party_replied_on),
                            "days": r.third_party_days} if r.third_party_asked_on else None,
            "extension": {"days": r.extension_days, "reason": r.extension_reason} if r.extended else None,
            "appeals": [appeal_dict(a) for a in r.appeals],
            "attachments": [attachment_dict(r, a) for a in r.attachments],
        })
    return data


def _visible(number: str) -> InfoRequest:
    return queries.get_visible_request(current_user, number)


def _done(number: str, status: int = 200):
    db.session.commit()
    db.session.expire_all()
    return jsonify(request_dict(queries.get_request(number))), status


@bp.post("/requests")
@token_required
def file_request():
    """Resident: an information request; staff: record one received on paper, by post or at the counter."""
    data = json_body()
    applicant = data.get("applicant")
    if not isinstance(applicant, dict):
        raise Invalid(_("缺少字段：%(name)s。", name="applicant"), "missing_field")
    department = get_department(text_field(data, "department", 60))
    req = ops.file_request(
        current_user, department,
        applicant_type=text_field(applicant, "type", 20), name=text_field(applicant, "name", 100),
        id_number=text_field(applicant, "id_number", 40, required=False),
        phone=text_field(applicant, "phone", 30, required=False),
        email=text_field(applicant, "email", 254, required=False),
        address=text_field(applicant, "address", 200, required=False),
        description=text_field(data, "description", ops.DESCRIPTION_MAX),
        delivery=text_field(data, "delivery", 20),
        channel=text_field(data, "channel", 20, required=False),
        received_on=date_field(data, "received_on"),
    )
    return _done(req.number, 201)


@bp.get("/requests")
@token_required
def list_requests():
    """Staff and supervisors: requests with number, state, received_on, due_on, overdue."""
    user = current_user
    if not (user.is_staff or user.can_oversee):
        raise Forbidden(_("只有部门工作人员和督办人员可以查看申请列表。"), "not_allowed")
    slug = request.args.get("department")
    department = get_department(slug) if slug else None
    if department is not None and not (acts_for(user, department.id) or oversees(user, department)):
        raise Forbidden(_("您不能查看该部门的申请。"), "not_allowed")
    state = request.args.get("state") or None
    if state is not None and state not in {s.value for s in RequestState}:
        raise Invalid(_("不支持的取值：%(value)s。", value=state[:40]), "invalid_state")
    found = queries.requests_for(user, department, state)
    return jsonify({"requests": [request_dict(r, full=False) for r in found]})


@bp.get("/requests/<number>")
@token_required
def get_request(number: str):
    """The applicant, the department's staff and the supervisors over it."""
    return jsonify(request_dict(_visible(number)))


@bp.post("/requests/<number>/correction-notice")
@token_required
def correction_notice(number: str):
    """Staff: 补正 notice ``{items, deadline?}`` (a date, or a number of working days)."""
    data = json_body()
    raw = data.get("deadline")
    deadline = raw if isinstance(raw, int) and not isinstance(raw, bool) else date_field(data, "deadline")
    ops.ask_correction(current_user, _visible(number), text_field(data, "items", ops.DESCRIPTION_MAX), deadline)
    return _done(number)


@bp.post("/requests/<number>/correction")
@token_required
def correction(number: str):
    """The applicant: the correction ``{body}``; the clock restarts today."""
    body = text_field(json_body(), "body", ops.DESCRIPTION_MAX)
    ops.submit_correction(current_user, _visible(number), body)
    return _done(number)


@bp.post("/requests/<number>/third-party")
@token_required
def third_party(number: str):
    """Staff: a third party was asked today ``{party}``."""
    ops.consult_third_party(current_user, _visible(number), text_field(json_body(), "party", 200))
    return _done(number)


@bp.post("/requests/<number>/third-party-reply")
@token_required
def third_party_reply(number: str):
    """Staff: the third party answered today."""
    json_body()
    ops.record_third_party_reply(current_user, _visible(number))
    return _done(number)


@bp.post("/requests/<number>/extend")
@token_required
def extend(number: str):
    """Department head or supervisor: +20 working days (or ``days``), once."""
    data = json_body()
    days = data.get("days", ops.deadlines.EXTENSION_MAX_DAYS)
    ops.extend_request(current_user, _visible(number), text_field(data, "reason", 2000), days)
    return _done(number)


@bp.post("/requests/<number>/answer")
@token_required
def answer(number: str):
    """Staff: the decision ``{outcome, body}``, as JSON or as multipart/form-data with ``files``."""
    if request.mimetype == "multipart/form-data":
        data, files = request.form.to_dict(), request.files.getlist("files")
    else:
        data, files = json_body(), None
    ops.answer_request(current_user, _visible(number), text_field(data, "outcome", 40),
                       text_field(data, "body", ops.ANSWER_MAX), files)
    return _done(number)


@bp.get("/requests/<number>/attachments/<int:attachment_id>")
@token_required
def request_attachment(number: str, attachment_id: int):
    """A file of the answer: the applicant, the department's staff, the supervisors over it."""
    found, data = attachments.read_attachment(current_user, _visible(number), attachment_id)
    return attachments.download_response(found, data)


@bp.post("/requests/<number>/appeals")
@token_required
def record_appeal(number: str):
    """Staff: an administrative review or lawsuit ``{kind, filed_on}``."""
    data = json_body()
    appeal = ops.record_appeal(current_user, _visible(number), text_field(data, "kind", 30),
                               date_field(data, "filed_on", required=True))
    db.session.commit()
    return jsonify(appeal_dict(appeal)), 201


@bp.patch("/appeals/<int:appeal_id>")
@token_required
def update_appeal(appeal_id: int):
    """Staff: the appeal's result ``{result}``."""
    data = json_body()
    appeal = queries.get_appeal(appeal_id)
    if not can_read(current_user, appeal.request):
        raise NotFound(_("没有这条复议或诉讼记录。"), "appeal_not_found")
    ops.set_appeal_result(current_user, appeal, text_field(data, "result", 20))
    db.session.commit()
    return jsonify(appeal_dict(appeal))
