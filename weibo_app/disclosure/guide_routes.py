"""Public pages of a department's disclosure: its guide (公开指南) and its catalogue (公开目录)."""

from __future__ import annotations

from itertools import groupby

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from ..access.permissions import acts_for
from ..core.clock import to_local
from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..departments.operations import get_department
from . import catalogue as cat
from .routes import bp


class GuideForm(FlaskForm):
    functions = TextAreaField(_l("机构职能"), validators=[Optional(), Length(max=5000)])
    address = StringField(_l("办公地址"), validators=[Optional(), Length(max=200)])
    hours = StringField(_l("办公时间"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("咨询电话"), validators=[Optional(), Length(max=60)])
    how_to_request = TextAreaField(_l("依申请公开的办理方式"), validators=[Optional(), Length(max=5000)])
    fees = TextAreaField(_l("收费标准"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("保存公开指南"))


@bp.app_template_global("index_number")
def index_number_global(post) -> str:
    return cat.index_number(post)


def _render_guide(department, form=None, status=200):
    guide = cat.get_guide(department)
    editable = acts_for(current_user, department.id)
    if editable and form is None:
        form = GuideForm(formdata=None, obj=guide)
    return render_template("disclosure/guide.html", department=department, guide=guide,
                           form=form if editable else None), status


@bp.get("/d/<slug>/guide")
def guide(slug: str):
    """The department's disclosure guide; its staff edit it here."""
    return _render_guide(get_department(slug))


@bp.post("/d/<slug>/guide")
def save_guide(slug: str):
    """The department's staff save the guide."""
    department = get_department(slug)
    if not acts_for(current_user, department.id):
        abort(403)
    form = GuideForm()
    if form.validate_on_submit():
        try:
            cat.save_guide(current_user, department, **{name: form[name].data for name in cat.GUIDE_FIELDS})
        except ServiceError as err:
            db.session.rollback()
            form.functions.errors = list(form.functions.errors) + [err.message]
        else:
            db.session.commit()
            flash(_("公开指南已保存。"), "success")
            return redirect(url_for("disclosure.guide", slug=slug), 303)
    return _render_guide(department, form, 422)


@bp.get("/d/<slug>/catalogue")
def catalogue(slug: str):
    """Published posts by catalogue category and month, no keyword needed."""
    department = get_department(slug)
    counts = cat.category_counts(department)
    category = request.args.get("category") or next((c for c, n in counts.items() if n), cat.CATEGORY_ORDER[0])
    if category not in counts:
        abort(404)
    month = cat.month_bounds(request.args.get("month"))
    posts = cat.catalogue_posts(department, category, month)
    groups = [(key, list(items)) for key, items in groupby(posts, lambda p: to_local(p.published_at).strftime("%Y-%m"))]
    return render_template("disclosure/catalogue.html", department=department, counts=counts, category=category,
                           month=request.args.get("month") if month else None, groups=groups)
