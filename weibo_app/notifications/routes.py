"""The notifications page; reading one marks it read."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..core.extensions import db
from ..templating import add_nav_counter
from . import queries
from .messages import describe, link_text
from .operations import mark_all_read, mark_read

bp = Blueprint("notifications", __name__)


@bp.record_once
def _unread_badge(state) -> None:
    add_nav_counter(state.app, "notifications", lambda user: queries.unread_count(user.id))


@bp.get("/notifications")
@login_required
def index():
    """The user's notifications, newest first, unread ones marked."""
    page = queries.notifications_of(current_user.id, request.args.get("cursor"), 20)
    shown = queries.shown_targets(current_user, page.items)
    return render_template(
        "notifications/index.html", page=page, describe=describe, link_text=link_text,
        target_url=lambda n: queries.link_of(current_user, n, shown),
    )


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    """Mark one notification read and go where it leads."""
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("notifications.index"), 303)
    row = mark_read(current_user, notification_id)
    db.session.commit()
    return redirect(queries.link_of(current_user, row) or url_for("notifications.index"), 303)


@bp.post("/notifications/read-all")
@login_required
def read_all():
    """Mark every notification read."""
    if FlaskForm().validate_on_submit():
        n = mark_all_read(current_user)
        db.session.commit()
        flash(_("已将%(n)s条通知标为已读。", n=n), "success")
    return redirect(url_for("notifications.index"), 303)
