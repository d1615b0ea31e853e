"""The review queue, a post's workflow page, post-publication tools, archive and export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access.actions import allowed_actions
from ..access.permissions import acts_for
from ..core.clock import to_local, utcnow
from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..core.views import run_service
from ..dashboard.period import parse_period
from ..departments.operations import get_department
from ..models import Decision
from ..posts import amend, lifecycle
from ..posts.queries import corrections_for
from ..templating import add_nav_counter
from . import queries
from .archive import export_records, require_export_right, to_csv
from .forms import (
    ActionForm,
    ApproveForm,
    CorrectionForm,
    DraftForm,
    FastTrackForm,
    ReturnForm,
    ScheduleForm,
    TimelinePinForm,
    WithdrawForm,
    aware,
)

bp = Blueprint("review", __name__)


@bp.record_once
def _review_badge(state) -> None:
    """Reviewers see how many posts wait for their decision."""
    add_nav_counter(state.app, "review", lambda user: queries.waiting_count(user) if user.can_review else None)


def _do(form, action: Callable[[], object], done: str, target: str, back: str | None = None):
    """Validate the form, run one service, commit once; errors come back (to ``back``) as a flash."""
    if not form.validate_on_submit():
        errors = [e for field in form for e in field.errors]
        flash(errors[0] if errors else _("请求有误。"), "error")
        return redirect(back or target, 303)
    if not run_service(action, done).ok:
        return redirect(back or target, 303)
    return redirect(target, 303)


def _staff_post(post_id: int):
    """A post of the current user's own department (anyone else: 403)."""
    post = queries.get_post(post_id)
    if not acts_for(current_user, post.department_id):
        abort(403)
    return post


# -- queue and workflow pages ---------------------------------------------------------

@bp.get("/review")
@login_required
def index():
    """What waits for my decision, oldest first, and my own posts on their way."""
    if not current_user.is_staff:
        abort(403)
    waiting = queries.waiting_for(current_user)
    mine = queries.my_posts_in_progress(current_user)
    trail = queries.decisions_for([p.id for p in mine])
    returns = {pid: [d for d in rows if d.decision == Decision.RETURN][-1]
               for pid, rows in trail.items() if any(d.decision == Decision.RETURN for d in rows)}
    return render_template("review/index.html", waiting=waiting, mine=mine, returns=returns)


@bp.get("/review/<int:post_id>")
@login_required
def show(post_id: int):
    """One post in the workflow: its text, its decisions so far, and what I may do now."""
    post = _staff_post(post_id)
    return render_template(
        "review/post.html", post=post, decisions=queries.decisions_for([post.id])[post.id],
        corrections=corrections_for([post.id])[post.id],
        approve_form=ApproveForm(), fast_form=FastTrackForm(), return_form=ReturnForm(),
        schedule_form=ScheduleForm(), action_form=ActionForm(),
        allowed=allowed_actions(current_user, post),
    )


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    """The author edits a draft (or a returned post) and saves or submits it."""
    post = _staff_post(post_id)
    form = DraftForm(obj=post)
    if request.method == "GET" and post.scheduled_at:
        form.scheduled_at.data = to_local(post.scheduled_at).replace(tzinfo=None)
    if form.validate_on_submit():
        try:
            lifecycle.edit_draft(current_user, post, body=form.body.data, category=form.category.data,
                           major=form.major.data, scheduled_at=aware(form.scheduled_at.data),
                           submit=bool(form.submit.data))
        except ServiceError as err:
            db.session.rollback()
            form.body.errors.append(err.message)
        else:
            db.session.commit()
            flash(_("已提交。") if form.submit.data else _("草稿已保存。"), "success")
            return redirect(url_for("review.index"), 303)
    status = 422 if form.errors else 200
    return render_template("review/edit.html", form=form, post=post), status


@bp.post("/posts/<int:post_id>/submit")
@login_required
def submit(post_id: int):
    """The author submits a draft for review."""
    post = _staff_post(post_id)
    return _do(ActionForm(), lambda: lifecycle.submit_post(current_user, post), _("已提交。"),
               url_for("review.index"))


@bp.post("/review/<int:post_id>/approve")
@login_required
def approve(post_id: int):
    """Approve (or give the final approval), confirming the confidentiality check."""
    post = _staff_post(post_id)
    form = ApproveForm()
    return _do(form, lambda: lifecycle.approve_post(current_user, post, secrecy_checked=form.secrecy_checked.data),
               _("已审核通过。"), url_for("review.index"), url_for("review.show", post_id=post.id))


@bp.post("/review/<int:post_id>/fast-track")
@login_required
def fast_track(post_id: int):
    """The head publishes emergency information or a rebuttal at once."""
    post = _staff_post(post_id)
    form = FastTrackForm()

    def action():
        until = utcnow() + timedelta(hours=form.pin_hours.data) if form.pin_hours.data else None
        lifecycle.fast_track_publish(current_user, post, secrecy_checked=form.secrecy_checked.data, pin_until=until)

    return _do(form, action, _("已快速发布。"), url_for("review.index"), url_for("review.show", post_id=post.id))


@bp.post("/review/<int:post_id>/return")
@login_required
def send_back(post_id: int):
    """Return the post to its author with a comment."""
    post = _staff_post(post_id)
    form = ReturnForm()
    return _do(form, lambda: lifecycle.return_post(current_user, post, comment=form.comment.data),
               _("已退回。"), url_for("review.index"), url_for("review.show", post_id=post.id))


@bp.post("/review/<int:post_id>/schedule")
@login_required
def schedule(post_id: int):
    """Set the time the post goes public."""
    post = _staff_post(post_id)
    form = ScheduleForm()
    return _do(form, lambda: lifecycle.schedule_post(current_user, post, aware(form.at.data)),
               _("已设定发布时间。"), url_for("review.show", post_id=post.id))


# -- after publication ----------------------------------------------------------------

@bp.post("/p/<int:post_id>/withdraw")
@login_required
def withdraw(post_id: int):
    """A reviewer withdraws a public post, with a reason shown in its place."""
    post = _staff_post(post_id)
    form = WithdrawForm()
    return _do(form, lambda: amend.withdraw_post(current_user, post, reason=form.reason.data),
               _("已撤回。"), url_for("posts.detail", post_id=post.id))


@bp.post("/p/<int:post_id>/corrections")
@login_required
def correct(post_id: int):
    """Staff append a correction under a public post."""
    post = _staff_post(post_id)
    form = CorrectionForm()
    return _do(form, lambda: amend.add_correction(current_user, post, body=form.body.data),
               _("更正已发布。"), url_for("posts.detail", post_id=post.id))


@bp.post("/p/<int:post_id>/pin")
@login_required
def pin(post_id: int):
    """Pin the post to the top of its department's page."""
    post = _staff_post(post_id)
    return _do(ActionForm(), lambda: amend.pin_post(current_user, post), _("已置顶。"),
               url_for("posts.detail", post_id=post.id))


@bp.post("/p/<int:post_id>/unpin")
@login_required
def unpin(post_id: int):
    """Take the pin off the department page."""
    post = _staff_post(post_id)
    return _do(ActionForm(), lambda: amend.unpin_post(current_user, post), _("已取消置顶。"),
               url_for("posts.detail", post_id=post.id))


@bp.post("/p/<int:post_id>/pin-timeline")
@login_required
def pin_timeline(post_id: int):
    """Keep a fast-track post at the top of the public timeline for some hours."""
    post = _staff_post(post_id)
    form = TimelinePinForm()
    return _do(form, lambda: amend.pin_to_timeline(current_user, post, utcnow() + timedelta(hours=form.hours.data)),
               _("已在首页置顶。"), url_for("posts.detail", post_id=post.id))


@bp.post("/p/<int:post_id>/unpin-timeline")
@login_required
def unpin_timeline(post_id: int):
    """End the timeline pin early."""
    post = _staff_post(post_id)
    return _do(ActionForm(), lambda: amend.unpin_from_timeline(current_user, post), _("已取消首页置顶。"),
               url_for("posts.detail", post_id=post.id))


# -- archive and export ---------------------------------------------------------------

@bp.get("/d/<slug>/archive")
def archive(slug: str):
    """A department's posts by month and category."""
    department = get_department(slug)
    months = queries.archive_months(department)
    key = request.args.get("month")
    month = next((m for m in months if m.key == key), months[0] if months else None)
    category = request.args.get("category") or None
    posts = queries.archive_posts(department, month, category) if month else []
    return render_template("review/archive.html", department=department, months=months,
                           month=month, category=category, posts=posts)


def _export(slug: str):
    department = get_department(slug)
    require_export_right(current_user, department)
    period = parse_period(request.args.get("from"), request.args.get("to"), default_days=365)
    return department, period, export_records(department, period)


@bp.get("/d/<slug>/export.json")
@login_required
def export_json(slug: str):
    """Everything published in a period, with decisions, corrections and withdrawals."""
    department, period, records = _export(slug)
    return jsonify({"department": department.slug, "from": period.first_day.isoformat(),
                    "to": period.end_day.isoformat(), "posts": records})


@bp.get("/d/<slug>/export.csv")
@login_required
def export_csv(slug: str):
    """The same export as CSV (UTF-8 with BOM, so spreadsheets read the Chinese)."""
    department, period, records = _export(slug)
    name = f"{department.slug}-{period.first_day.isoformat()}-{period.end_day.isoformat()}.csv"
    return Response("\ufeff" + to_csv(records), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
