"""Follow, like and repost buttons; a repost's page; a topic's page."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..core.pagecache import cached_page
from ..core.redirects import safe_target
from ..core.text import is_topic_name
from ..core.views import run_service
from ..departments.operations import get_department
from ..posts.queries import count_for_posts, get_public_post
from ..posts.view_counts import flush_views
from . import operations as ops
from . import queries
from .forms import RepostForm

# cli_group=None: ``flask flush-views`` at the top level.
bp = Blueprint("social", __name__, cli_group=None)


def _back(default: str):
    """Return to the page the button was on (local paths only), else ``default``."""
    return redirect(safe_target(request.form.get("next"), default), 303)


def _button(action, done: str, default: str):
    """Check CSRF, run one service, commit once, go back."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    run_service(action, done, abort_on=(403, 404))
    return _back(default)


@bp.post("/d/<slug>/follow")
@login_required
def follow(slug: str):
    """Follow a department."""
    dept = get_department(slug)
    return _button(lambda: ops.follow_department(current_user, dept), _("已关注%(dept)s。", dept=dept.name),
                   url_for("departments.detail", slug=slug))


@bp.post("/d/<slug>/unfollow")
@login_required
def unfollow(slug: str):
    """Stop following a department."""
    dept = get_department(slug)
    return _button(lambda: ops.unfollow_department(current_user, dept), _("已取消关注%(dept)s。", dept=dept.name),
                   url_for("departments.detail", slug=slug))


@bp.post("/p/<int:post_id>/like")
@login_required
def like(post_id: int):
    """Like a post (once)."""
    post = get_public_post(post_id)
    return _button(lambda: ops.like_post(current_user, post), _("已点赞。"), url_for("posts.detail", post_id=post_id))


@bp.post("/p/<int:post_id>/unlike")
@login_required
def unlike(post_id: int):
    """Take a like back."""
    post = get_public_post(post_id)
    return _button(lambda: ops.unlike_post(current_user, post), _("已取消点赞。"),
                   url_for("posts.detail", post_id=post_id))


@bp.route("/p/<int:post_id>/repost", methods=["GET", "POST"])
@login_required
def repost(post_id: int):
    """Repost (转发) with an optional comment."""
    if not current_user.is_resident:
        abort(403)
    post = get_public_post(post_id)
    form = RepostForm()
    if form.validate_on_submit():
        made = run_service(lambda: ops.repost_post(current_user, post, form.comment.data), _("已转发。"),
                           field=form.comment)
        if made.ok:
            return redirect(url_for("social.repost_detail", repost_id=made.value.id), 303)
    counts = count_for_posts([post.id])[post.id]
    status = 422 if form.errors else 200
    return render_template("social/repost_form.html", post=post, counts=counts, form=form), status


@bp.get("/r/<int:repost_id>")
def repost_detail(repost_id: int):
    """A repost: the comment, then the original (or its withdrawal notice)."""
    item = queries.get_repost(repost_id)
    return render_template("social/repost.html", repost=item)


@bp.get("/me/reposts")
@login_required
def my_reposts():
    """A resident's reposts."""
    page = queries.reposts_by_user(current_user.id, request.args.get("cursor"), 20)
    return render_template("social/my_reposts.html", page=page)


@bp.get("/topic/<name>")
@cached_page("cursor")
def topic(name: str):
    """Posts with the topic #name#; a name no post can carry is a 404."""
    if not is_topic_name(name):
        abort(404)
    result = queries.topic_posts(name, request.args.get("cursor"), 20)
    return render_template("social/topic.html", name=name, result=result)


@bp.app_template_global()
def following(department_id: int) -> bool:
    """Whether the current user follows the department (for the follow button)."""
    return bool(current_user.is_authenticated and queries.is_following(current_user.id, department_id))


@bp.cli.command("flush-views")
def flush_views_cmd() -> None:
    """Write the post views waiting in memory or Redis to the database."""
    import click

    click.echo(f"{flush_views()} views written")
