"""The public timeline, a post's page, and the composer."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.clock import utcnow
from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..core.pagecache import cached_page
from ..media.operations import attach_images
from ..models import PostState
from ..moderation.operations import HELD_MESSAGE
from ..security.limits import thread_limit
from ..threads.forms import ThreadForm
from ..threads.page_forms import ask_form
from ..threads.routes import ask
from . import queries
from .forms import DraftForm, aware
from .lifecycle import create_post
from .pages import render_post_page
from .view_counts import record_view

bp = Blueprint("posts", __name__)


@bp.get("/")
@cached_page("cursor")
def timeline():
    """Published posts, newest first; a resident who follows departments sees theirs (?all=1: everyone's)."""
    followed = None
    if current_user.is_authenticated and current_user.is_resident and not request.args.get("all"):
        followed = queries.followed_department_ids(current_user.id) or None
    result = queries.timeline(cursor=request.args.get("cursor"), limit=20, pins="timeline", department_ids=followed)
    return render_template("posts/timeline.html", result=result, following_feed=followed is not None)


@bp.get("/p/<int:post_id>")
def detail(post_id: int):
    """A post with its threads; official replies stand out."""
    post = queries.get_public_post(post_id)
    if post.is_public(utcnow()):
        record_view(post.id)  # buffered: this page writes nothing to the database
    return render_post_page(post, ask_form())


@bp.post("/p/<int:post_id>/threads")
@login_required
@thread_limit
def open_thread(post_id: int):
    """A resident opens a thread on a post; refused, the post page comes back with the form."""
    if not current_user.is_resident:
        abort(403)
    post = queries.get_public_post(post_id)
    form = ThreadForm()
    return ask(form, post=post) or render_post_page(post, form, 422)


@bp.route("/posts/new", methods=["GET", "POST"])
@login_required
def compose():
    """Staff write a post for their department."""
    if not current_user.is_staff:
        abort(403)
    form = DraftForm()
    if form.validate_on_submit():
        try:
            post = create_post(current_user, body=form.body.data, category=form.category.data,
                               major=form.major.data, scheduled_at=aware(form.scheduled_at.data),
                               submit=not form.save.data)
            attach_images(current_user, form.images.data, post=post)
        except ServiceError as err:
            db.session.rollback()
            form.body.errors.append(err.message)
        else:
            db.session.commit()
            if post.held_at:
                flash(str(HELD_MESSAGE), "warning")
            if post.state == PostState.PUBLISHED:
                flash(_("微博已发布。"), "success")
                return redirect(url_for("posts.detail", post_id=post.id))
            if post.state == PostState.SCHEDULED:
                flash(_("微博将按时发布。"), "success")
            elif post.state == PostState.DRAFT:
                flash(_("草稿已保存。"), "success")
            else:
                flash(_("已提交，等待审核。"), "success")
            return redirect(url_for("review.index"))
    return render_template("posts/compose.html", form=form), 422 if form.errors else 200
