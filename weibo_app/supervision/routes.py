"""Supervision notices (督办单): issue from the dashboard or a thread, acknowledge from the inbox, close."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access.permissions import acts_for
from ..access.read import can_read
from ..access.scope import oversees, oversight_of
from ..core.clock import utcnow
from ..core.extensions import db
from ..core.ids import is_valid_id
from ..core.views import run_service
from ..departments.operations import get_department
from ..models import Department, Thread
from . import operations as ops
from . import queries
from .forms import AcknowledgeForm, CloseForm, IssueForm

bp = Blueprint("supervision", __name__)


def _require_overseer() -> None:
    if not current_user.can_oversee:
        abort(403)


def _department_choices() -> list[tuple[str, str]]:
    stmt = sa.select(Department.slug, Department.name).order_by(Department.path)
    stmt = stmt.where(oversight_of(current_user).clause(Department.id))
    return [("", _("请选择部门"))] + [(slug, name) for slug, name in db.session.execute(stmt)]


def _thread_or_none(raw: str | None) -> Thread | None:
    if not raw:
        return None
    thread_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 20 else None
    thread = db.session.get(Thread, thread_id) if is_valid_id(thread_id) else None
    # A thread outside the supervisor's area does not exist for them: nothing of it is shown.
    if thread is None or not oversees(current_user, thread.department) or not can_read(current_user, thread):
        abort(404)
    return thread


@bp.get("/notices")
@login_required
def index():
    """Overseers: every notice in their scope, newest first."""
    _require_overseer()
    notices = queries.notices_in_scope(oversight_of(current_user).subtree_root)
    return render_template("supervision/index.html", notices=notices, now=utcnow())


@bp.route("/notices/new", methods=["GET", "POST"])
@login_required
def issue():
    """Issue a notice to a department, optionally about one of its threads."""
    _require_overseer()
    form = IssueForm()
    form.department.choices = _department_choices()
    if request.method == "GET":
        form.department.data = request.args.get("department", "")
        form.thread.data = request.args.get("thread", "")
    thread = _thread_or_none(form.thread.data)
    if request.method == "GET" and thread is not None:
        form.department.data = thread.department.slug
    if form.validate_on_submit():
        deadline = form.deadline_date.data or form.working_days.data
        if deadline is None:
            form.deadline_date.errors = [_("请填写办理期限：日期或工作日数。")]
        else:
            issued = run_service(
                lambda: ops.issue_notice(current_user, get_department(form.department.data),
                                         form.body.data, deadline, thread=thread),
                _("督办单已发出。"), field=form.body, abort_on=(403,),
            )
            if issued.ok:
                return redirect(url_for("supervision.detail", notice_id=issued.value.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("supervision/issue.html", form=form, thread=thread), status


def _get_visible(notice_id: int):
    notice = queries.get_notice(notice_id)
    if not (acts_for(current_user, notice.department_id) or oversees(current_user, notice.department)):
        abort(403)
    return notice


def _show(notice, status: int = 200, **forms):
    forms.setdefault("ack", AcknowledgeForm())
    forms.setdefault("close", CloseForm())
    return render_template("supervision/detail.html", notice=notice, now=utcnow(),
                           may_ack=acts_for(current_user, notice.department_id),
                           may_close=oversees(current_user, notice.department), **forms), status


@bp.get("/notices/<int:notice_id>")
@login_required
def detail(notice_id: int):
    """One notice: what is asked, by when, and the department's response."""
    return _show(_get_visible(notice_id))


def _act(notice_id: int, form, action, done: str, form_name: str):
    notice = _get_visible(notice_id)
    if form.validate_on_submit():
        field = next(f for f in form if f.type not in ("CSRFTokenField",))
        if run_service(lambda: action(notice, form), done, field=field, abort_on=(403,)).ok:
            return redirect(url_for("supervision.detail", notice_id=notice_id), 303)
    db.session.expire_all()
    return _show(queries.get_notice(notice_id), 422, **{form_name: form})


@bp.post("/notices/<int:notice_id>/acknowledge")
@login_required
def acknowledge(notice_id: int):
    """Staff of the department acknowledge the notice with a response."""
    return _act(notice_id, AcknowledgeForm(),
                lambda n, f: ops.acknowledge_notice(current_user, n, f.response.data), _("督办单已签收。"), "ack")


@bp.post("/notices/<int:notice_id>/close")
@login_required
def close(notice_id: int):
    """The overseeing side closes the notice."""
    return _act(notice_id, CloseForm(), lambda n, f: ops.close_notice(current_user, n), _("督办单已办结。"), "close")
