"""Pages of the closed loop: sign-for, notes, extension requests, rework, urging, return visits,
and the dispatcher's page (/dispatch)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access.loop_rules import supervises
from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..departments.operations import get_department
from . import loop, loop_queries, queries, routing
from .forms import AcceptForm, DecisionForm, ExtensionForm, NoteForm, ReworkForm, UrgeForm, VisitForm
from .page_forms import transfer_choices
from .routes import _act

bp = Blueprint("loop", __name__)


@bp.post("/t/<int:thread_id>/accept")
@login_required
def accept(thread_id: int):
    """Staff sign for a thread and name the handler."""
    return _act(thread_id, AcceptForm,
                lambda t, f: loop.accept_thread(current_user, t, f.handler.data or None),
                _("已签收。"), "accept_form")


@bp.post("/t/<int:thread_id>/notes")
@login_required
def add_note(thread_id: int):
    """An internal note, for the department and the supervisors over it."""
    return _act(thread_id, NoteForm, lambda t, f: loop.add_note(current_user, t, f.body.data),
                _("备注已添加。"), "note")


@bp.post("/t/<int:thread_id>/extension")
@login_required
def request_extension(thread_id: int):
    """Staff ask for a later due date."""
    return _act(thread_id, ExtensionForm,
                lambda t, f: routing.request_extension(current_user, t, f.until.data, f.reason.data),
                _("延期申请已提交，等待督办人员审批。"), "extension")


@bp.post("/t/<int:thread_id>/rework")
@login_required
def rework(thread_id: int):
    """A supervisor sends the answer back (发回重办)."""
    return _act(thread_id, ReworkForm, lambda t, f: loop.rework_thread(current_user, t, f.reason.data),
                _("已发回重办。"), "rework")


@bp.post("/t/<int:thread_id>/urge")
@login_required
def urge(thread_id: int):
    """A supervisor urges the department (催办)."""
    return _act(thread_id, UrgeForm, lambda t, f: loop.urge_thread(current_user, t, f.comment.data),
                _("已催办。"), "urge")


@bp.post("/t/<int:thread_id>/visit")
@login_required
def visit(thread_id: int):
    """A supervisor's office records a return visit (回访)."""
    return _act(
        thread_id, VisitForm,
        lambda t, f: loop.record_visit(current_user, t, resolved=f.resolved.data == "yes",
                                       rating=f.rating.data, channel=f.channel.data, note=f.note.data),
        _("回访已登记。"), "visit",
    )


def _require_supervisor() -> None:
    if not current_user.is_supervisor:
        abort(403)


def _dispatch_page(status: int = 200, dispatch_error: str | None = None):
    transfers, extensions = loop_queries.dispatch_queue(current_user)
    choices = transfer_choices()
    forms = {}
    for req in transfers:
        form = DecisionForm(prefix=f"t{req.id}")
        form.department.choices = [("", _("按申请"))] + choices[1:]
        forms[("t", req.id)] = form
    for ext in extensions:
        forms[("e", ext.id)] = DecisionForm(prefix=f"e{ext.id}")
    return render_template(
        "threads/dispatch.html", transfers=transfers, extensions=extensions, forms=forms,
        departments=choices, dispatch_error=dispatch_error,
    ), status


@bp.get("/dispatch")
@login_required
def dispatch():
    """Supervisors: pending transfer and extension requests of their subtree, and a dispatch form."""
    _require_supervisor()
    return _dispatch_page()


def _decide(kind: str, item_id: int):
    _require_supervisor()
    form = DecisionForm(prefix=f"{kind}{item_id}")
    if kind == "t":
        form.department.choices = [("", "")] + transfer_choices()[1:]
    if not form.validate_on_submit():
        flash(_("请重新提交。"), "error")
        return _dispatch_page(422)
    try:
        if kind == "t":
            req = routing.get_transfer(item_id)
            if form.reject.data:
                routing.reject_transfer(current_user, req, form.comment.data)
            else:
                target = get_department(form.department.data) if form.department.data else None
                routing.approve_transfer(current_user, req, target, form.comment.data)
        else:
            ext = routing.get_extension(item_id)
            if form.reject.data:
                routing.reject_extension(current_user, ext, form.comment.data)
            else:
                routing.approve_extension(current_user, ext, form.comment.data)
    except ServiceError as err:
        db.session.rollback()
        if err.status in (403, 404):
            abort(err.status)
        flash(err.message, "error")
        return _dispatch_page(422)
    db.session.commit()
    flash(_("已驳回。") if form.reject.data else _("已批准。"), "success")
    return redirect(url_for("loop.dispatch"), 303)


@bp.post("/dispatch/transfers/<int:transfer_id>")
@login_required
def decide_transfer(transfer_id: int):
    """Approve (possibly elsewhere) or reject a transfer request."""
    return _decide("t", transfer_id)


@bp.post("/dispatch/extensions/<int:extension_id>")
@login_required
def decide_extension(extension_id: int):
    """Approve or reject an extension request."""
    return _decide("e", extension_id)


@bp.post("/dispatch")
@login_required
def dispatch_thread():
    """派单: move a thread of the subtree to a department at once."""
    _require_supervisor()
    from .operations import transfer_thread

    raw_id = (request.form.get("thread") or "").strip()
    slug = (request.form.get("department") or "").strip()
    if not raw_id.isdigit() or not slug:
        return _dispatch_page(422, _("请填写留言编号并选择部门。"))
    try:
        thread = queries.get_thread(int(raw_id))
        if not supervises(current_user, thread.department):
            return _dispatch_page(403, _("该留言不在您督办的范围内。"))
        transfer_thread(current_user, thread, get_department(slug), request.form.get("reason"))
    except ServiceError as err:
        db.session.rollback()
        return _dispatch_page(422 if err.status != 404 else 404, err.message)
    db.session.commit()
    flash(_("已派单。"), "success")
    return redirect(url_for("loop.dispatch"), 303)


@bp.app_context_processor
def _loop_helpers() -> dict:
    """The loop rules (``loop.can_urge(current_user, thread)``) and the thread page's loop facts."""
    from ..access import loop_rules

    return {"loop": loop_rules}


@bp.app_template_global()
def loop_page(thread) -> dict:
    """What the thread page shows of the loop: trail, extension in force, pending requests,
    and (for insiders) internal notes and supervisors' steps."""
    from ..access import loop_rules

    user = current_user if current_user.is_authenticated else None
    insider = loop_rules.can_read_notes(user, thread)
    transfer, extension = loop_queries.pending_requests(thread.id) if insider else (None, None)
    return {
        "trail": loop_queries.transfer_trail(thread.id),
        "extended": loop_queries.approved_extension(thread),
        "pending_transfer": transfer,
        "pending_extension": extension,
        "notes": loop.notes_of(thread) if insider else [],
        "events": loop.events_of(thread),
        "insider": insider,
    }
