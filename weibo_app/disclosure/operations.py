"""State changes of an information request. Each checks who acts, flushes, writes an audit row,
adds a step to the request's timeline and tells the applicant."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..access.permissions import acts_for, oversees, require_acts_for
from ..audit.log import record
from ..core.clock import local_today
from ..core.exceptions import Conflict, Forbidden, Invalid, NotFound
from ..core.extensions import db
from ..core.text import normalize
from ..models import (
    Appeal,
    AppealKind,
    AppealResult,
    ApplicantType,
    Delivery,
    Department,
    InfoRequest,
    Outcome,
    RequestChannel,
    RequestCounter,
    RequestEvent,
    RequestState,
    User,
)
from ..notifications.operations import notify, notify_department
from . import attachments, deadlines
from .rules import can_extend, can_read

DESCRIPTION_MAX = 5000
ANSWER_MAX = 20000
BACKDATE_MAX_DAYS = 366


def _text(raw: str | None, max_len: int, code: str, required: bool = True) -> str | None:
    value = normalize(raw)
    if not value:
        if required:
            raise Invalid(_("请填写必填内容。"), code)
        return None
    if len(value) > max_len:
        raise Invalid(_("内容不能超过%(n)d个字。", n=max_len), code)
    return value


def _choice(value: Any, enum, code: str) -> str:
    if value not in {e.value for e in enum}:
        raise Invalid(_("不支持的取值：%(value)s。", value=str(value)[:40]), code)
    return str(value)


def _step(req: InfoRequest, actor: User | None, kind: str, note: str | None = None, **data: Any) -> None:
    req.events.append(RequestEvent(kind=kind, actor_id=actor.id if actor else None, note=note, data=data))
    db.session.flush()
    record(actor, f"request.{kind}", "info_request", req.id, department_id=req.department_id,
           number=req.number, **data)


def _tell_applicant(req: InfoRequest, kind: str, **data: Any) -> None:
    if req.applicant_id is not None:
        notify(req.applicant_id, kind, request_number=req.number, department=req.department.name, **data)


def _next_seq(department_id: int, year: int) -> int:
    """The next number of the department's year, under the counter row's lock (safe with concurrent filings)."""
    key = (RequestCounter.department_id == department_id, RequestCounter.year == year)
    if db.session.scalar(sa.select(RequestCounter.last).where(*key)) is None:
        try:
            with db.session.begin_nested():
                db.session.add(RequestCounter(department_id=department_id, year=year, last=0))
        except IntegrityError:
            pass  # someone else made the row first: fine, it is there now
    db.session.execute(
        sa.update(RequestCounter).where(*key).values(last=RequestCounter.last + 1),
        execution_options={"synchronize_session": False},
    )
    return db.session.scalar(sa.select(RequestCounter.last).where(*key))


def _recompute_due(req: InfoRequest) -> None:
    req.due_on = deadlines.answer_due(req.received_on, req.third_party_days, req.extension_days)


def file_request(
    actor: User, department: Department, *, applicant_type: str, name: str | None, description: str | None,
    delivery: str, id_number: str | None = None, phone: str | None = None, email: str | None = None,
    address: str | None = None, channel: str | None = None, received_on: date | None = None,
) -> InfoRequest:
    """A resident files online (received today); staff record one received by post, at the counter..."""
    today = local_today()
    if actor.is_resident:
        if channel not in (None, RequestChannel.ONLINE) or received_on is not None:
            raise Forbidden(_("只有部门工作人员可以登记其他渠道收到的申请。"), "staff_only")
        channel, received_on, applicant_id = RequestChannel.ONLINE.value, today, actor.id
    elif acts_for(actor, department.id):
        channel = _choice(channel, RequestChannel, "invalid_channel")
        if channel == RequestChannel.ONLINE:
            raise Invalid(_("在线申请由申请人本人提交。"), "invalid_channel")
        received_on = received_on or today
        if received_on > today or received_on < today - timedelta(days=BACKDATE_MAX_DAYS):
            raise Invalid(_("收到日期不能晚于今天，也不能早于一年前。"), "invalid_received_on")
        applicant_id = None
    else:
        raise Forbidden(_("只有居民本人或该部门的工作人员可以提交申请。"), "not_allowed")
    contact = {
        "id_number": _text(id_number, 40, "invalid_id_number", required=False),
        "phone": _text(phone, 30, "invalid_phone", required=False),
        "email": _text(email, 254, "invalid_email", required=False),
        "address": _text(address, 200, "invalid_address", required=False),
    }
    if not (contact["phone"] or contact["email"] or contact["address"]):
        raise Invalid(_("请至少填写一种联系方式（电话、电子邮箱或通信地址）。"), "contact_required")
    seq = _next_seq(department.id, received_on.year)
    req = InfoRequest(
        number=f"{received_on.year}-{department.slug}-{seq:04d}", year=received_on.year, seq=seq,
        department_id=department.id, department=department, applicant_id=applicant_id,
        recorded_by_id=None if applicant_id else actor.id,
        applicant_type=_choice(applicant_type, ApplicantType, "invalid_applicant_type"),
        applicant_name=_text(name, 100, "name_required"),
        description=_text(description, DESCRIPTION_MAX, "description_required"),
        delivery=_choice(delivery, Delivery, "invalid_delivery"), channel=channel,
        filed_on=received_on, received_on=received_on, state=RequestState.RECEIVED.value,
        third_party_days=0, extension_days=0, extended=False, **contact,
    )
    _recompute_due(req)
    db.session.add(req)
    db.session.flush()
    _step(req, actor, "filed", channel=channel, received_on=received_on.isoformat(), due_on=req.due_on.isoformat())
    _tell_applicant(req, "request_received", due_on=req.due_on.isoformat())
    notify_department(department.id, "request_new", request_number=req.number, department=department.name)
    return req


def _require_state(req: InfoRequest, *states: RequestState) -> None:
    if req.state not in states:
        raise Conflict(_("该申请当前的状态不允许这一操作。"), "wrong_state")


def _deadline_from(today: date, deadline: date | int | None) -> date:
    if deadline is None:
        return deadlines.correction_deadline(today)
    if isinstance(deadline, bool):
        raise Invalid(_("补正期限无效。"), "invalid_deadline")
    if isinstance(deadline, int):
        if not 1 <= deadline <= deadlines.CORRECTION_MAX_DAYS:
            raise Invalid(_("补正期限应为1至%(n)d个工作日。", n=deadlines.CORRECTION_MAX_DAYS), "invalid_deadline")
        return deadlines.correction_deadline(today, deadline)
    if deadline <= today or deadline > today + timedelta(days=120):
        raise Invalid(_("补正期限必须晚于今天，且不超过120天。"), "invalid_deadline")
    return deadline


def ask_correction(actor: User, req: InfoRequest, items: str | None, deadline: date | int | None = None) -> InfoRequest:
    """补正: once, within 7 working days of receipt; the clock stops until the applicant corrects."""
    require_acts_for(actor, req.department_id)
    if req.correction_asked_on is not None:
        raise Conflict(_("补正通知只能发一次。"), "correction_already_asked")
    _require_state(req, RequestState.RECEIVED)
    today = local_today()
    if req.third_party_asked_on is not None or req.extended:
        raise Conflict(_("已征求第三方意见或已延期的申请不能再要求补正。"), "correction_too_late")
    if today > deadlines.correction_window_end(req.received_on):
        raise Conflict(_("补正通知须在收到申请之日起7个工作日内发出。"), "correction_window_closed")
    text = _text(items, DESCRIPTION_MAX, "items_required")
    req.correction_items, req.correction_asked_on = text, today
    req.correction_deadline = _deadline_from(today, deadline)
    req.state, req.due_on = RequestState.AWAITING_CORRECTION.value, None
    _step(req, actor, "correction_asked", note=text, deadline=req.correction_deadline.isoformat())
    _tell_applicant(req, "request_correction", deadline=req.correction_deadline.isoformat())
    return req


def submit_correction(actor: User, req: InfoRequest, body: str | None) -> InfoRequest:
    """The applicant (or staff, for a paper request) supplies the correction: the clock restarts from today."""
    if not (actor.id == req.applicant_id or acts_for(actor, req.department_id)):
        if not can_read(actor, req):
            raise NotFound(_("没有这件申请。"), "request_not_found")
        raise Forbidden(_("只有申请人可以补正。"), "not_applicant")
    _require_state(req, RequestState.AWAITING_CORRECTION)
    today = local_today()
    if today > req.correction_deadline:
        raise Conflict(_("补正期限已过。"), "correction_deadline_passed")
    req.correction_body = _text(body, DESCRIPTION_MAX, "body_required")
    req.corrected_on = req.received_on = today
    req.state = RequestState.RECEIVED.value
    _recompute_due(req)
    _step(req, actor, "corrected", note=req.correction_body, due_on=req.due_on.isoformat())
    _tell_applicant(req, "request_corrected", due_on=req.due_on.isoformat())
    notify_department(req.department_id, "request_corrected_staff", request_number=req.number,
                      department=req.department.name)
    return req


def consult_third_party(actor: User, req: InfoRequest, party: str | None) -> InfoRequest:
    """征求第三方意见 starts today; until it answers, its whole 15-working-day limit is set aside."""
    require_acts_for(actor, req.department_id)
    if req.third_party_asked_on is not None:
        raise Conflict(_("已经征求过第三方意见。"), "third_party_already_asked")
    _require_state(req, RequestState.RECEIVED)
    req.third_party = _text(party, 200, "party_required")
    req.third_party_asked_on = local_today()
    req.third_party_days = deadlines.third_party_paused_days(req.third_party_asked_on, None)
    req.state = RequestState.THIRD_PARTY.value
    _recompute_due(req)
    _step(req, actor, "third_party_asked", note=req.third_party, due_on=req.due_on.isoformat())
    _tell_applicant(req, "request_third_party", due_on=req.due_on.isoformat())
    return req


def record_third_party_reply(actor: User, req: InfoRequest) -> InfoRequest:
    """The third party answered today: only the working days it took are set aside."""
    require_acts_for(actor, req.department_id)
    _require_state(req, RequestState.THIRD_PARTY)
    req.third_party_replied_on = local_today()
    req.third_party_days = deadlines.third_party_paused_days(req.third_party_asked_on, req.third_party_replied_on)
    req.state = RequestState.RECEIVED.value
    _recompute_due(req)
    _step(req, actor, "third_party_replied", days=req.third_party_days, due_on=req.due_on.isoformat())
    _tell_applicant(req, "request_third_party_replied", due_on=req.due_on.isoformat())
    return req


def extend_request(actor: User, req: InfoRequest, reason: str | None,
                   days: int = deadlines.EXTENSION_MAX_DAYS) -> InfoRequest:
    """延长答复期限: once, at most 20 working days, by the department head or a supervisor over it."""
    if not can_extend(actor, req):
        raise Forbidden(_("只有部门主要负责人或督办人员可以延长答复期限。"), "not_allowed")
    if req.extended:
        raise Conflict(_("答复期限只能延长一次。"), "already_extended")
    _require_state(req, RequestState.RECEIVED, RequestState.THIRD_PARTY)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= deadlines.EXTENSION_MAX_DAYS:
        raise Invalid(_("延长期限应为1至%(n)d个工作日。", n=deadlines.EXTENSION_MAX_DAYS), "invalid_days")
    if local_today() > req.due_on:
        raise Conflict(_("答复期限已过，不能再延长。"), "already_overdue")
    req.extension_reason = _text(reason, 2000, "reason_required")
    req.extended, req.extension_days, req.extended_by_id = True, days, actor.id
    _recompute_due(req)
    _step(req, actor, "extended", note=req.extension_reason, days=days, due_on=req.due_on.isoformat())
    _tell_applicant(req, "request_extended", due_on=req.due_on.isoformat())
    return req


def answer_request(actor: User, req: InfoRequest, outcome: str | None, body: str | None,
                   files: Iterable[attachments.Upload | None] | None = None) -> InfoRequest:
    """The decision (答复书) with exactly one outcome, and for one that gives the information the
    files themselves (``files``: all checked before anything is saved; see attachments.py).
    ``other_no_correction`` closes a request whose applicant let the correction deadline pass."""
    require_acts_for(actor, req.department_id)
    outcome = _choice(outcome, Outcome, "invalid_outcome")
    text = _text(body, ANSWER_MAX, "body_required")
    checked = attachments.check_files(outcome, files)
    today = local_today()
    if outcome == Outcome.OTHER_NO_CORRECTION:
        _require_state(req, RequestState.AWAITING_CORRECTION)
        if today <= req.correction_deadline:
            raise Conflict(_("补正期限未过，不能以逾期不补正终止办理。"), "correction_deadline_not_passed")
        state, kind = RequestState.CLOSED, "closed"
    else:
        _require_state(req, RequestState.RECEIVED, RequestState.THIRD_PARTY)
        state, kind = RequestState.ANSWERED, "answered"
    req.outcome, req.answer_body, req.answered_on, req.answered_by_id = outcome, text, today, actor.id
    req.state = state.value
    stored = attachments.store_files(actor, req, checked)
    files_data = [{"id": a.id, "name": a.name, "size": a.size, "sha256": a.sha256} for a in stored]
    _step(req, actor, kind, note=text, outcome=outcome, late=req.answered_late,
          **({"attachments": files_data} if files_data else {}))
    _tell_applicant(req, f"request_{kind}", outcome=outcome, attachments=len(stored))
    return req


def _require_appeal_recorder(actor: User, req: InfoRequest) -> None:
    if not (acts_for(actor, req.department_id) or oversees(actor, req.department)):
        raise Forbidden(_("只有该部门的工作人员或督办人员可以登记复议和诉讼。"), "not_allowed")


def record_appeal(actor: User, req: InfoRequest, kind: str | None, filed_on: date) -> Appeal:
    """An administrative review or lawsuit about the request, result pending."""
    _require_appeal_recorder(actor, req)
    kind = _choice(kind, AppealKind, "invalid_kind")
    if filed_on > local_today() or filed_on < req.filed_on:
        raise Invalid(_("提起日期不能晚于今天，也不能早于申请日期。"), "invalid_filed_on")
    appeal = Appeal(kind=kind, filed_on=filed_on, recorded_by_id=actor.id, result=AppealResult.PENDING.value)
    req.appeals.append(appeal)
    db.session.flush()
    _step(req, actor, "appeal_filed", appeal_id=appeal.id, appeal_kind=kind, filed_on=filed_on.isoformat())
    _tell_applicant(req, "request_appeal", appeal_kind=kind)
    return appeal


def set_appeal_result(actor: User, appeal: Appeal, result: str | None) -> Appeal:
    """The review body's or court's result (or back to pending)."""
    req = appeal.request
    _require_appeal_recorder(actor, req)
    appeal.result = _choice(result, AppealResult, "invalid_result")
    appeal.result_on = None if appeal.result == AppealResult.PENDING else local_today()
    _step(req, actor, "appeal_result", appeal_id=appeal.id, appeal_kind=appeal.kind, result=appeal.result)
    _tell_applicant(req, "request_appeal_result", appeal_kind=appeal.kind, result=appeal.result)
    return appeal
