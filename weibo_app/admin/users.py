"""Administration of accounts: list, roles, deactivation, lockouts."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..core.pagination import keyset_desc, page_of
from ..models import Department, Role, User
from .manage_forms import WHOLE_COUNTY, ActiveForm, RoleForm, UnlockForm, UserFilterForm
from .operations import change_role, set_active, unlock_user
from .routes import bp

PAGE = 50


def _department_choices() -> list[tuple[str, str]]:
    return [(slug, name) for slug, name in db.session.execute(
        sa.select(Department.slug, Department.name).order_by(Department.path))]


def _get_user(user_id: int) -> User:
    user = db.session.scalar(
        sa.select(User).options(joinedload(User.department), joinedload(User.supervised_department))
        .where(User.id == user_id)
    )
    if user is None:
        abort(404)
    return user


@bp.get("/users")
def users():
    """Every account, newest first, filterable by name and role."""
    form = UserFilterForm(request.args)
    stmt = sa.select(User).options(joinedload(User.department), joinedload(User.supervised_department))
    if form.validate():
        if form.q.data:
            stmt = stmt.where(User.username.ilike(f"%{form.q.data.strip()}%"))
        if form.role.data:
            stmt = stmt.where(User.role == form.role.data)
    stmt = keyset_desc(stmt, User.created_at, User.id, request.args.get("cursor"), PAGE)
    page = page_of(list(db.session.scalars(stmt).unique()), PAGE, lambda u: (u.created_at, u.id))
    return render_template("admin/users.html", form=form, page=page)


def _user_page(user: User, role_form=None, active_form=None, status: int = 200):
    if role_form is None:
        dept = (user.department or user.supervised_department)
        choice = dept.slug if dept else (WHOLE_COUNTY if user.role == Role.SUPERVISOR else "")
        role_form = RoleForm(_department_choices(), role=user.role, department=choice)
    return render_template(
        "admin/user.html", user=user, role_form=role_form,
        active_form=active_form or ActiveForm(), unlock_form=UnlockForm(),
    ), status


@bp.get("/users/<int:user_id>")
def user_detail(user_id: int):
    """One account: its role, department and whether it may log in."""
    return _user_page(_get_user(user_id))


@bp.post("/users/<int:user_id>/role")
def user_role(user_id: int):
    """Change an account's role (and department)."""
    user = _get_user(user_id)
    form = RoleForm(_department_choices())
    if form.validate_on_submit():
        try:
            whole = form.department.data == WHOLE_COUNTY
            change_role(current_user, user, form.role.data, None if whole else form.department.data or None,
                        whole_county=whole)
        except ServiceError as err:
            db.session.rollback()
            form.role.errors.append(err.message)
        else:
            db.session.commit()
            flash(_("角色已更新。"), "success")
            return redirect(url_for("admin.user_detail", user_id=user_id), 303)
    return _user_page(_get_user(user_id), role_form=form, status=422)


@bp.post("/users/<int:user_id>/active")
def user_active(user_id: int):
    """Deactivate or reactivate an account; its history stays."""
    user = _get_user(user_id)
    form = ActiveForm()
    if form.validate_on_submit():
        try:
            set_active(current_user, user, not user.active, form.reason.data or "")
        except ServiceError as err:
            db.session.rollback()
            form.reason.errors.append(err.message)
        else:
            db.session.commit()
            flash(_("账号已启用。") if user.active else _("账号已停用。"), "success")
            return redirect(url_for("admin.user_detail", user_id=user_id), 303)
    return _user_page(_get_user(user_id), active_form=form, status=422)


@bp.post("/users/<int:user_id>/unlock")
def user_unlock(user_id: int):
    """Lift a login lockout."""
    user = _get_user(user_id)
    if UnlockForm().validate_on_submit():
        unlock_user(current_user, user)
        db.session.commit()
        flash(_("已解除锁定。"), "success")
    return redirect(url_for("admin.user_detail", user_id=user_id), 303)
