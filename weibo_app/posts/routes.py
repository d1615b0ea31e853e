"""The public timeline, a post's page, and the composer."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..exceptions import ServiceError
from ..extensions import db
from ..social.queries import followed_department_ids, reposts_of_post
from ..threads.forms import ThreadForm
from ..threads.queries import threads_of_post
from ..threads.views import thread_forms
from ..views_counter import record_view
from . import queries
from .forms import PostForm
from .operations import create_post

bp = Blueprint("posts", __name__)


@bp.get("/")
def timeline():
    """Published posts, newest first; a resident who follows departments sees theirs (?all=1: everyone's)."""
    followed = None
    if current_user.is_authenticated and current_user.is_resident and not request.args.get("all"):
        followed = followed_department_ids(current_user.id) or None
    result = queries.timeline(cursor=request.args.get("cursor"), limit=20, department_ids=followed)
    return render_template("posts/timeline.html", result=result, following_feed=followed is not None)


@bp.get("/p/<int:post_id>")
def detail(post_id: int):
    """A post with its threads; official replies stand out."""
    post = queries.get_public_post(post_id)
    if not post.withdrawn:
        record_view(post.id)  # buffered: this page writes nothing to the database
    threads = threads_of_post(post.id)
    counts = queries.count_for_posts([post.id])[post.id]
    return render_template(
        "posts/detail.html", post=post, threads=threads, counts=counts,
        thread_form=ThreadForm(), forms=thread_forms(), reposts=reposts_of_post(post.id, 20),
    )


@bp.route("/posts/new", methods=["GET", "POST"])
@login_required
def compose():
    """Staff write a post for their department."""
    if not current_user.is_staff:
        abort(403)
    form = PostForm()
    if form.validate_on_submit():
        try:
            post = create_post(current_user, body=form.body.data, category=form.category.data, major=form.major.data)
        except ServiceError as err:
            db.session.rollback()
            form.body.errors.append(err.message)
        else:
            db.session.commit()
            if post.is_public(post.published_at) if post.published_at else False:
                flash(_("微博已发布。"), "success")
                return redirect(url_for("posts.detail", post_id=post.id))
            flash(_("草稿已保存，等待审核。"), "success")
            return redirect(url_for("departments.detail", slug=current_user.department.slug))
    return render_template("posts/compose.html", form=form), 422 if form.errors else 200
