"""Administration of the department tree."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import aliased

from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..departments.operations import create_department, get_department
from ..models import Department
from .manage_forms import DepartmentEditForm, DepartmentForm
from .routes import bp


def _tree() -> list[tuple[Department, str | None]]:
    parent = aliased(Department)
    return list(db.session.execute(
        sa.select(Department, parent.name).outerjoin(parent, Department.parent_id == parent.id)
        .order_by(Department.path)
    ).tuples())


@bp.route("/departments", methods=["GET", "POST"])
def departments():
    """The department tree, and a form to add one."""
    tree = _tree()
    form = DepartmentForm()
    form.parent.choices = [("", _("（顶级部门）"))] + [(d.slug, d.name) for d, _p in tree]
    if form.validate_on_submit():
        try:
            dept = create_department(form.slug.data, form.name.data, form.parent.data or None,
                                     review_required=form.review_required.data, actor=current_user)
        except ServiceError as err:
            db.session.rollback()
            form.slug.errors.append(err.message)
        else:
            db.session.commit()
            flash(_("已添加部门“%(name)s”。", name=dept.name), "success")
            return redirect(url_for("admin.departments"), 303)
    return render_template("admin/departments.html", tree=tree, form=form), 422 if form.errors else 200


@bp.route("/departments/<slug>", methods=["GET", "POST"])
def department_edit(slug: str):
    """Rename a department or change whether its posts need review."""
    from .operations import update_department

    try:
        dept = get_department(slug)
    except ServiceError:
        return redirect(url_for("admin.departments"), 303)
    form = DepartmentEditForm(obj=dept)
    if form.validate_on_submit():
        try:
            update_department(current_user, dept, form.name.data, form.description.data or "",
                              form.review_required.data)
        except ServiceError as err:
            db.session.rollback()
            form.name.errors.append(err.message)
        else:
            db.session.commit()
            flash(_("已保存。"), "success")
            return redirect(url_for("admin.departments"), 303)
    return render_template("admin/department_edit.html", dept=dept, form=form), 422 if form.errors else 200
