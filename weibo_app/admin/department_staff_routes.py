"""/d/<slug>/staff: the department head manages the department's staff."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..departments.operations import get_department
from ..models import User
from . import department_staff as ops

bp = Blueprint("dept_staff", __name__)


class AddStaffForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=40)])
    display_name = StringField(_l("姓名"), validators=[Length(max=60)])
    password = PasswordField(_l("初始密码"), validators=[DataRequired(), Length(max=128)])
    reviewer = BooleanField(_l("审核人（可审核本部门草稿）"))
    submit = SubmitField(_l("添加工作人员"))


def _department(slug: str):
    department = get_department(slug)
    if not ops.may_manage_staff(current_user, department):
        abort(403)
    return department


def _page(department, form=None, status: int = 200):
    return render_template("departments/staff.html", department=department, staff=ops.staff_of(department),
                           form=form or AddStaffForm()), status


@bp.get("/d/<slug>/staff")
@login_required
def index(slug: str):
    """The head: the department's staff, with add, deactivate and reviewer actions."""
    return _page(_department(slug))


@bp.post("/d/<slug>/staff")
@login_required
def add(slug: str):
    """The head adds a staff account."""
    department = _department(slug)
    form = AddStaffForm()
    if form.validate_on_submit():
        try:
            ops.add_staff(current_user, department, form.username.data, form.password.data,
                          form.display_name.data or "", reviewer=form.reviewer.data)
        except ServiceError as err:
            db.session.rollback()
            form.username.errors = list(form.username.errors) + [err.message]
        else:
            db.session.commit()
            flash(_("已添加工作人员。"), "success")
            return redirect(url_for("dept_staff.index", slug=slug), 303)
    return _page(department, form, 422)


def _change(slug: str, user_id: int, action, done: str):
    department = _department(slug)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if FlaskForm().validate_on_submit():
        try:
            action(department, user)
        except ServiceError as err:
            db.session.rollback()
            if err.status == 403:
                abort(403)
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(done, "success")
    return redirect(url_for("dept_staff.index", slug=slug), 303)


@bp.post("/d/<slug>/staff/<int:user_id>/deactivate")
@login_required
def deactivate(slug: str, user_id: int):
    """The head deactivates a staff account."""
    return _change(slug, user_id, lambda d, u: ops.set_staff_active(current_user, d, u, False), _("账号已停用。"))


@bp.post("/d/<slug>/staff/<int:user_id>/activate")
@login_required
def activate(slug: str, user_id: int):
    """The head reactivates a staff account."""
    return _change(slug, user_id, lambda d, u: ops.set_staff_active(current_user, d, u, True), _("账号已启用。"))


@bp.post("/d/<slug>/staff/<int:user_id>/reviewer")
@login_required
def make_reviewer(slug: str, user_id: int):
    """The head gives the review right."""
    return _change(slug, user_id, lambda d, u: ops.set_reviewer(current_user, d, u, True), _("已设为审核人。"))


@bp.post("/d/<slug>/staff/<int:user_id>/unreviewer")
@login_required
def unmake_reviewer(slug: str, user_id: int):
    """The head takes the review right away."""
    return _change(slug, user_id, lambda d, u: ops.set_reviewer(current_user, d, u, False), _("已取消审核人。"))
