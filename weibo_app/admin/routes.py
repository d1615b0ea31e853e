"""Administration pages."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..calendar.overrides import list_overrides, remove_override, set_override
from ..calendar.workdays import package_covers
from ..core.clock import local_today
from ..core.exceptions import ServiceError
from ..core.extensions import db
from .forms import HolidayForm, RemoveHolidayForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin():
    if not current_user.is_admin:
        abort(403)


@bp.get("/")
def index():
    """The admin's start page."""
    return render_template("admin/index.html")


@bp.route("/holidays", methods=["GET", "POST"])
def holidays():
    """The working-day overrides, and which years the package covers."""
    form = HolidayForm()
    if form.validate_on_submit():
        try:
            set_override(current_user, form.day.data, form.is_workday.data == "1", form.note.data or "")
        except ServiceError as err:
            db.session.rollback()
            form.note.errors.append(err.message)
        else:
            db.session.commit()
            flash(_("已保存。"), "success")
            return redirect(url_for("admin.holidays"), 303)
    year = local_today().year
    coverage = {y: package_covers(y) for y in (year - 1, year, year + 1)}
    return render_template(
        "admin/holidays.html", form=form, remove_form=RemoveHolidayForm(),
        overrides=list_overrides(), coverage=coverage,
    ), 422 if form.errors else 200


@bp.post("/holidays/remove")
def remove_holiday():
    """Delete one override."""
    form = RemoveHolidayForm()
    if form.validate_on_submit():
        try:
            remove_override(current_user, date.fromisoformat(form.day.data))
        except (ServiceError, ValueError):
            db.session.rollback()
            abort(404)
        db.session.commit()
        flash(_("已删除。"), "success")
    return redirect(url_for("admin.holidays"), 303)


# Pages kept in their own modules register on this blueprint (and its admin check).
from . import departments, settings_admin, users  # noqa: E402,F401
