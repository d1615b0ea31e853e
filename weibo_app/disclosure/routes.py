"""Pages of information requests: file one, the applicant's list, one request with its timeline
and the step forms, and the department's queue (due first, with yellow and red lights)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access.permissions import acts_for, oversees
from ..core.clock import local_today
from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..departments.operations import get_department
from ..models import Department
from . import attachments, deadlines, labels, queries
from . import operations as ops
from .forms import (
    AnswerForm,
    AppealForm,
    AppealResultForm,
    CorrectionForm,
    CorrectionNoticeForm,
    ExtendForm,
    RecordForm,
    RequestForm,
    ThirdPartyForm,
    ThirdPartyReplyForm,
)
from .rules import can_extend, can_handle, can_record_appeal

bp = Blueprint("disclosure", __name__)
#: The answer forms (page and API) take files: their bodies may be as large as the files allowed.
ANSWER_ENDPOINTS = frozenset({"disclosure.answer", "api.answer"})


@bp.app_url_value_preprocessor
def _answer_body_limit(endpoint: str | None, values) -> None:
    """Only staff signed in (page) or a caller with a token (API) may send an answer's files."""
    if endpoint == "disclosure.answer" and not (current_user.is_authenticated and current_user.is_staff):
        return
    if endpoint == "api.answer" and "Authorization" not in request.headers:
        return
    attachments.allow_attachment_uploads(endpoint, ANSWER_ENDPOINTS)


bp.add_app_template_global(attachments.type_label, "file_type_label")
bp.add_app_template_global(attachments.size_label, "file_size_label")

#: Which form field shows a service error, by its code (else the first field of the form).
FIELD_OF = {
    "contact_required": "phone", "name_required": "name", "description_required": "description",
    "invalid_received_on": "received_on", "invalid_channel": "channel", "invalid_filed_on": "filed_on",
    "invalid_days": "days", "invalid_deadline": "working_days", "department_not_found": "department",
    "attachment_too_large": "files", "attachment_empty": "files", "attachment_bad_type": "files",
    "too_many_attachments": "files", "attachments_not_allowed": "files",
}
STEP_FORMS = {
    "notice": CorrectionNoticeForm, "correction": CorrectionForm, "third_party": ThirdPartyForm,
    "third_party_reply": ThirdPartyReplyForm, "extend": ExtendForm, "answer": AnswerForm,
    "appeal": AppealForm, "appeal_result": AppealResultForm,
}


def _department_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(sa.select(Department.slug, Department.name).order_by(Department.path))
    return [("", _("请选择部门"))] + [(slug, name) for slug, name in rows]


def _show_error(form, err: ServiceError) -> None:
    """Put the service's message next to the field it is about."""
    db.session.rollback()
    if err.status == 403:
        abort(403)
    if err.status == 404 and err.code != "department_not_found":
        abort(404)
    field = getattr(form, FIELD_OF.get(err.code, ""), None)
    if field is None:
        field = next(f for f in form if f.type not in ("CSRFTokenField", "SubmitField", "HiddenField"))
    field.errors = list(field.errors) + [err.message]


def _file(form: RequestForm, department_slug: str, **extra):
    """File or record the request and commit; None when the form must be shown again."""
    if not form.validate_on_submit():
        return None
    try:
        req = ops.file_request(
            current_user, get_department(department_slug), applicant_type=form.applicant_type.data,
            name=form.name.data, id_number=form.id_number.data, phone=form.phone.data, email=form.email.data,
            address=form.address.data, description=form.description.data, delivery=form.delivery.data, **extra,
        )
    except ServiceError as err:
        _show_error(form, err)
        return None
    db.session.commit()
    flash(_("申请已登记，编号%(number)s，答复期限：%(due)s。", number=req.number, due=req.due_on.isoformat()), "success")
    return redirect(url_for("disclosure.detail", number=req.number), 303)


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def new():
    """A resident files an information request online."""
    if not current_user.is_resident:
        abort(403)
    form = RequestForm()
    form.department.choices = _department_choices()
    if request.method == "GET":
        form.department.data = request.args.get("department", "")
        form.name.data = current_user.display_name or ""
        form.email.data = current_user.email or ""
    done = _file(form, form.department.data or "")
    if done:
        return done
    return render_template("disclosure/new.html", form=form, labels=labels), 422 if request.method == "POST" else 200


@bp.get("/me/requests")
@login_required
def mine():
    """The applicant's own requests."""
    return render_template("disclosure/mine.html", requests=queries.my_requests(current_user.id),
                           today=local_today(), labels=labels)


def _render_detail(req, status: int = 200, **given):
    forms = {name: given.get(name) or cls(formdata=None) for name, cls in STEP_FORMS.items()}
    today = local_today()
    return render_template(
        "disclosure/detail.html", req=req, forms=forms, labels=labels, today=today,
        may_handle=can_handle(current_user, req), may_extend=can_extend(current_user, req),
        may_appeal=can_record_appeal(current_user, req), is_applicant=req.applicant_id == current_user.id,
        attachment_hint=_("可选，仅限“予以公开”或“部分公开”：%(types)s，每个不超过%(mb)sMB，最多%(n)d个。",
                          types=attachments.TYPE_NAMES, mb=attachments.max_bytes() // attachments.MB,
                          n=attachments.max_files()),
        attachment_accept=attachments.ACCEPT,
        correction_window_end=deadlines.correction_window_end(req.received_on)
        if req.state == "received" and req.correction_asked_on is None else None,
    ), status


@bp.get("/requests/<number>")
@login_required
def detail(number: str):
    """One request with its timeline; the department's staff act on it here."""
    return _render_detail(queries.get_visible_request(current_user, number))


def _act(number: str, name: str, action: Callable, done: str):
    req = queries.get_visible_request(current_user, number)
    form = STEP_FORMS[name]()
    if form.validate_on_submit():
        try:
            action(req, form)
        except ServiceError as err:
            _show_error(form, err)
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("disclosure.detail", number=number), 303)
    db.session.expire_all()
    return _render_detail(queries.get_visible_request(current_user, number), 422, **{name: form})


@bp.post("/requests/<number>/correction-notice")
@login_required
def correction_notice(number: str):
    """Staff: ask for a correction (补正)."""
    return _act(number, "notice", lambda r, f: ops.ask_correction(current_user, r, f.items.data, f.working_days.data),
                _("补正通知已发出，答复期限暂停计算。"))


@bp.post("/requests/<number>/correction")
@login_required
def correction(number: str):
    """The applicant supplies the correction."""
    return _act(number, "correction", lambda r, f: ops.submit_correction(current_user, r, f.body.data),
                _("补正已提交，答复期限从今天重新计算。"))


@bp.post("/requests/<number>/third-party")
@login_required
def third_party(number: str):
    """Staff: a third party is asked for its opinion."""
    return _act(number, "third_party", lambda r, f: ops.consult_third_party(current_user, r, f.party.data),
                _("已登记征求第三方意见。"))


@bp.post("/requests/<number>/third-party-reply")
@login_required
def third_party_reply(number: str):
    """Staff: the third party answered today."""
    return _act(number, "third_party_reply", lambda r, f: ops.record_third_party_reply(current_user, r),
                _("已登记第三方意见，答复期限已重新计算。"))


@bp.post("/requests/<number>/extend")
@login_required
def extend(number: str):
    """Department head or supervisor: extend once."""
    return _act(number, "extend", lambda r, f: ops.extend_request(current_user, r, f.reason.data, f.days.data),
                _("答复期限已延长，并已告知申请人。"))


@bp.post("/requests/<number>/answer")
@login_required
def answer(number: str):
    """Staff: the decision."""
    return _act(number, "answer", lambda r, f: ops.answer_request(
        current_user, r, f.outcome.data, f.body.data, request.files.getlist(f.files.name)),
        _("答复已作出，并已告知申请人。"))


@bp.get("/requests/<number>/attachments/<int:attachment_id>")
@login_required
def attachment(number: str, attachment_id: int):
    """A file of the answer, for whoever may read the request (others: 404)."""
    found, data = attachments.read_attachment(
        current_user, queries.get_visible_request(current_user, number), attachment_id)
    return attachments.download_response(found, data)


@bp.post("/requests/<number>/appeals")
@login_required
def appeal(number: str):
    """Staff: record an administrative review or lawsuit."""
    return _act(number, "appeal", lambda r, f: ops.record_appeal(current_user, r, f.kind.data, f.filed_on.data),
                _("已登记。"))


@bp.post("/requests/<number>/appeals/<int:appeal_id>")
@login_required
def appeal_result(number: str, appeal_id: int):
    """Staff: an appeal's result."""
    def action(req, form):
        appeal = queries.get_appeal(appeal_id)
        if appeal.request_id != req.id:
            abort(404)
        ops.set_appeal_result(current_user, appeal, form.result.data)

    return _act(number, "appeal_result", action, _("结果已保存。"))


def _queue_department(slug: str) -> Department:
    department = get_department(slug)
    if not (acts_for(current_user, department.id) or oversees(current_user, department)):
        abort(403)
    return department


def _render_queue(department: Department, form: RecordForm | None = None, status: int = 200):
    today = local_today()
    if form is None and acts_for(current_user, department.id):
        form = RecordForm(formdata=None, received_on=today)
    return render_template(
        "disclosure/queue.html", department=department, labels=labels, today=today, form=form,
        open_requests=queries.department_queue(department.id),
        decided=queries.department_queue(department.id, open_only=False, limit=30),
        warn_before=deadlines.yellow_before(today), light=deadlines.light,
    ), status


@bp.get("/d/<slug>/requests")
@login_required
def queue(slug: str):
    """The department's open requests, due first: yellow in the last 3 working days, red when overdue."""
    return _render_queue(_queue_department(slug))


@bp.post("/d/<slug>/requests")
@login_required
def record(slug: str):
    """Staff record a request received by post, at the counter or another way."""
    department = _queue_department(slug)
    if not acts_for(current_user, department.id):
        abort(403)
    form = RecordForm()
    form.department.choices = [(department.slug, department.name)]
    form.department.data = department.slug
    done = _file(form, department.slug, channel=form.channel.data, received_on=form.received_on.data)
    return done or _render_queue(department, form, 422)
from . import guide_routes  # noqa: E402,F401  (the guide and catalogue pages, on this blueprint)
