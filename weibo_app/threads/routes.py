"""Asking, answering and the lists around them."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access.permissions import acts_for
from ..core.clock import local_time, utcnow
from ..core.extensions import db
from ..core.views import run_service
from ..departments.operations import get_department
from ..media.operations import attach_images
from ..models import ThreadState
from ..moderation.operations import HELD_MESSAGE
from ..security.limits import reply_limit, thread_limit
from ..templating import add_nav_counter
from . import operations as ops
from . import queries, routing
from .forms import DismissForm, OverturnForm, RateForm, ReplyForm, ThreadForm, TransferForm  # noqa: F401
from .page_forms import prepare_form, thread_forms

bp = Blueprint("threads", __name__)


def _require_resident():
    if not current_user.is_resident:
        abort(403)


def ask(form: ThreadForm, **target):
    """Open the thread (with its photos) and commit once; None when the form must be shown again."""
    if not form.validate_on_submit():
        return None

    def open_with_images():
        opened = ops.open_thread(current_user, body=form.body.data, kind=form.kind.data,
                                 anonymous=form.anonymous.data, private=form.private.data, **target)
        attach_images(current_user, form.images.data, thread=opened)
        return opened

    outcome = run_service(open_with_images, field=form.body)
    if not outcome.ok:
        return None
    thread = outcome.value
    flash(_("留言已提交，办理时限：%(due)s。", due=_due_text(thread)), "success")
    if thread.held_at:
        flash(str(HELD_MESSAGE), "warning")
    return redirect(url_for("threads.detail", thread_id=thread.id), 303)


@bp.post("/d/<slug>/threads")
@login_required
@thread_limit
def open_on_board(slug: str):
    """A resident asks a department directly, on its message board."""
    _require_resident()
    department = get_department(slug)
    form = ThreadForm()
    return ask(form, department=department) or (
        render_template("threads/ask.html", department=department, form=form), 422
    )


def _due_text(thread) -> str:
    return local_time(thread.due_at)


@bp.get("/t/<int:thread_id>")
def detail(thread_id: int):
    """One thread with its replies and the actions the viewer may take."""
    thread = queries.get_thread(thread_id)
    return render_template("threads/detail.html", thread=thread, forms=thread_forms())


def _act(thread_id: int, form_cls, action: Callable, done: str | Callable, form_name: str):
    """Validate the form, run one service, commit once; on error show the page again.

    ``done`` is the message, or a function of the service's result that words it."""
    thread = queries.get_thread(thread_id)
    form = form_cls()
    prepare_form(form, thread)
    if form.validate_on_submit():
        first_field = next(f for f in form if f.type not in ("CSRFTokenField", "SubmitField"))
        outcome = run_service(lambda: action(thread, form), None if callable(done) else done,
                              field=first_field, abort_on=(403,))
        if outcome.ok:
            if callable(done):
                flash(str(done(outcome.value)), "success")
            if getattr(outcome.value, "held_at", None):
                flash(str(HELD_MESSAGE), "warning")
            return redirect(url_for("threads.detail", thread_id=thread.id), 303)
    db.session.expire_all()
    thread = queries.get_thread(thread_id)
    return render_template("threads/detail.html", thread=thread, forms=thread_forms(**{form_name: form})), 422


@bp.post("/t/<int:thread_id>/reply")
@login_required
@reply_limit
def reply(thread_id: int):
    """Official answer (staff of the department) or follow-up (the opener)."""
    return _act(thread_id, ReplyForm,
                lambda t, f: ops.reply_to_thread(current_user, t, f.body.data, final=not f.interim.data),
                _("回复已发布。"), "reply")


@bp.post("/t/<int:thread_id>/dismiss")
@login_required
def dismiss(thread_id: int):
    """Mark a thread as needing no answer, with a reason."""
    return _act(thread_id, DismissForm, lambda t, f: ops.dismiss_thread(current_user, t, f.reason.data),
                _("已标记为无需回复。"), "dismiss")


@bp.post("/t/<int:thread_id>/transfer")
@login_required
def transfer(thread_id: int):
    """Staff ask the dispatcher for a transfer (or transfer, with approval off); a supervisor dispatches."""
    return _act(
        thread_id, TransferForm,
        lambda t, f: routing.transfer_or_request(current_user, t, get_department(f.department.data), f.reason.data),
        _("已提交转办。"), "transfer",
    )


@bp.post("/t/<int:thread_id>/rate")
@login_required
def rate(thread_id: int):
    """The opener rates the answer."""
    return _act(thread_id, RateForm,
                lambda t, f: ops.rate_thread(current_user, t, f.rating.data, resolved=f.resolved_value()),
                _rated_message, "rate")


def _rated_message(thread) -> str:
    """不满意 sends the thread back to the department: say so, with its new due time."""
    if thread.state == ThreadState.AWAITING:
        return _("感谢您的评价。留言已重新交由%(dept)s办理，新的办理时限为 %(due)s。",
                 dept=thread.department.name, due=local_time(thread.due_at))
    return _("感谢您的评价，本条留言已办结。")


@bp.post("/t/<int:thread_id>/overturn")
@login_required
def overturn(thread_id: int):
    """A supervisor overturns a dismissal."""
    return _act(thread_id, OverturnForm, lambda t, f: ops.overturn_dismissal(current_user, t, f.reason.data),
                _("已撤销无需回复。"), "overturn")


@bp.get("/inbox")
@login_required
def inbox():
    """Staff: the department's awaiting threads, overdue first; filters by handler and light."""
    if not current_user.is_staff:
        abort(403)
    from ..supervision.queries import department_notices
    from .loop_queries import department_staff, due_soon_cutoff

    now = utcnow()
    soon = due_soon_cutoff(now)
    staff = department_staff(current_user.department_id)
    handler = None
    if request.args.get("mine"):
        handler = current_user
    elif request.args.get("handler"):
        handler = next((u for u in staff if u.username == request.args["handler"]), None)
        if handler is None:
            abort(404)
    due = request.args.get("due") if request.args.get("due") in ("soon", "overdue") else None
    page = queries.inbox_page(current_user.department_id, request.args.get("cursor"),
                              handler_id=handler.id if handler else None, due=due, now=now, soon_until=soon)
    awaiting, overdue, due_soon = queries.inbox_totals(current_user.department_id, now, soon)
    notices = department_notices(current_user.department_id)
    return render_template("threads/inbox.html", threads=page.items, page=page, page_size=queries.INBOX_PAGE, notices=notices, now=now, soon=soon,
                           awaiting=awaiting, overdue=overdue, due_soon=due_soon, staff=staff,
                           handler=handler, due=due, filtered=bool(handler or due))


@bp.get("/me/threads")
@login_required
def mine():
    """A resident's own questions with their state and due time."""
    page = queries.threads_of_author(current_user.id, request.args.get("cursor"), 20)
    return render_template("threads/mine.html", page=page, now=utcnow())


@bp.app_template_global()
def can_act_for(department_id: int) -> bool:
    return acts_for(current_user, department_id)


@bp.record_once
def _inbox_badge(state) -> None:
    """Staff see how many of their department's threads await an answer."""

    def awaiting(user):
        return queries.awaiting_count(user.department_id) if user.is_staff else None

    add_nav_counter(state.app, "inbox", awaiting)
