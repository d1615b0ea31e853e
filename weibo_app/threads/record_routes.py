"""登记来电来信: staff record a request received by phone, letter, at the counter or from 12345."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..core.labels import CHANNEL_LABELS, KIND_LABELS
from ..departments.operations import get_department
from ..models import Channel
from .recording import may_record, record_request

bp = Blueprint("channels", __name__)


class RecordForm(FlaskForm):
    channel = SelectField(_l("来源渠道"), choices=[(c, label) for c, label in CHANNEL_LABELS.items()
                                                    if c != Channel.WEB], default=Channel.PHONE.value)
    kind = SelectField(_l("类型"), choices=list(KIND_LABELS.items()), default="consultation")
    contact_name = StringField(_l("来电来信人姓名"), validators=[DataRequired(), Length(max=60)])
    contact_phone = StringField(_l("联系电话（可选）"), validators=[Optional(), Length(max=30)])
    external_ref = StringField(_l("外部编号（可选，如12345工单号）"), validators=[Optional(), Length(max=100)])
    body = TextAreaField(_l("诉求内容"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("登记"))


@bp.route("/d/<slug>/record", methods=["GET", "POST"])
@login_required
def record(slug: str):
    """Staff (own department) or a supervisor (subtree) record a request from another channel."""
    department = get_department(slug)
    if not may_record(current_user, department):
        abort(403)
    form = RecordForm()
    if form.validate_on_submit():
        try:
            thread, created = record_request(
                current_user, department, body=form.body.data, kind=form.kind.data, channel=form.channel.data,
                contact_name=form.contact_name.data, contact_phone=form.contact_phone.data,
                external_ref=form.external_ref.data,
            )
        except ServiceError as err:
            db.session.rollback()
            form.body.errors = list(form.body.errors) + [err.message]
        else:
            db.session.commit()
            if created:
                flash(_("已登记为第%(id)s号留言。", id=thread.id), "success")
            else:
                flash(_("该外部编号已登记过，这是第%(id)s号留言。", id=thread.id), "info")
            return redirect(url_for("threads.detail", thread_id=thread.id), 303)
        return render_template("channels/record.html", department=department, form=form), 422
    status = 422 if form.errors else 200
    return render_template("channels/record.html", department=department, form=form), status
