"""常用回复 pages: a department's templates (/d/<slug>/templates) and the site-wide ones (/admin/templates)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..access.permissions import acts_for
from ..access.read import author_name_for, mask_name
from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..departments.operations import get_department
from ..models import Department, Thread
from . import operations as ops

bp = Blueprint("replies", __name__)


class TemplateForm(FlaskForm):
    title = StringField(_l("标题"), validators=[DataRequired(), Length(max=ops.TITLE_MAX)])
    body = TextAreaField(_l("回复内容"), validators=[DataRequired(), Length(max=ops.BODY_MAX)])
    submit = SubmitField(_l("保存"))


class DeleteForm(FlaskForm):
    submit = SubmitField(_l("删除"))


def _scope(slug: str | None) -> Department | None:
    """The department whose page this is (None: site-wide); staff read their own, admins the site's."""
    department = get_department(slug) if slug else None
    if department is None:
        if not current_user.is_admin:
            abort(403)
    elif not (acts_for(current_user, department.id) or current_user.is_admin):
        abort(403)
    return department


def _back(department: Department | None):
    if department is None:
        return redirect(url_for("replies.site_templates"), 303)
    return redirect(url_for("replies.department_templates", slug=department.slug), 303)


def _page(department: Department | None, form=None, status: int = 200):
    department_id = department.id if department else None
    return render_template(
        "replies/index.html", department=department, templates=ops.templates_of(department_id),
        site_templates=ops.templates_of(None) if department else [],
        can_manage=ops.may_manage(current_user, department_id), form=form or TemplateForm(),
        delete_form=DeleteForm(), placeholders=ops.PLACEHOLDERS,
    ), status


def _save(department: Department | None, template_id: int | None = None):
    form = TemplateForm()
    if form.validate_on_submit():
        try:
            if template_id is None:
                ops.create_template(current_user, department, form.title.data, form.body.data)
            else:
                row = ops.get_template(template_id)
                if row.department_id != (department.id if department else None):
                    abort(404)
                ops.update_template(current_user, row, form.title.data, form.body.data)
        except ServiceError as err:
            db.session.rollback()
            if err.status == 403:
                abort(403)
            form.body.errors = list(form.body.errors) + [err.message]
        else:
            db.session.commit()
            flash(_("常用回复已保存。"), "success")
            return _back(department)
    if not ops.may_manage(current_user, department.id if department else None):
        abort(403)
    return _page(department, form, 422)


def _delete(department: Department | None, template_id: int):
    row = ops.get_template(template_id)
    if row.department_id != (department.id if department else None):
        abort(404)
    if DeleteForm().validate_on_submit():
        try:
            ops.delete_template(current_user, row)
        except ServiceError:
            db.session.rollback()
            abort(403)
        db.session.commit()
        flash(_("常用回复已删除。"), "success")
    return _back(department)


@bp.get("/d/<slug>/templates")
@login_required
def department_templates(slug: str):
    """A department's reply templates: its staff read them, its head manages them."""
    return _page(_scope(slug))


@bp.post("/d/<slug>/templates")
@login_required
def create_department_template(slug: str):
    """The head adds a template."""
    return _save(_scope(slug))


@bp.post("/d/<slug>/templates/<int:template_id>")
@login_required
def edit_department_template(slug: str, template_id: int):
    """The head edits a template."""
    return _save(_scope(slug), template_id)


@bp.post("/d/<slug>/templates/<int:template_id>/delete")
@login_required
def delete_department_template(slug: str, template_id: int):
    """The head removes a template."""
    return _delete(_scope(slug), template_id)


@bp.get("/admin/templates")
@login_required
def site_templates():
    """Admins: the site-wide templates."""
    return _page(_scope(None))


@bp.post("/admin/templates")
@login_required
def create_site_template():
    """Admins add a site-wide template."""
    return _save(_scope(None))


@bp.post("/admin/templates/<int:template_id>")
@login_required
def edit_site_template(template_id: int):
    """Admins edit a site-wide template."""
    return _save(_scope(None), template_id)


@bp.post("/admin/templates/<int:template_id>/delete")
@login_required
def delete_site_template(template_id: int):
    """Admins remove a site-wide template."""
    return _delete(_scope(None), template_id)


def resident_name(thread: Thread) -> str:
    """{姓名}: the opener's name masked (张**); an anonymous opener is 网友."""
    if thread.author_id is not None and thread.anonymous:
        return _("网友")
    return mask_name(author_name_for(None, thread)) or _("网友")


@bp.app_template_global()
def reply_templates_for(thread: Thread) -> list[tuple[str, str]]:
    """(title, text with placeholders filled) of the templates the current staff member may insert."""
    if not acts_for(current_user, thread.department_id):
        return []
    name = resident_name(thread)
    return [(t.title, ops.fill(t.body, thread, name)) for t in ops.usable_templates(current_user)]
