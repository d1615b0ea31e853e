"""The account page for being told outside the site (/me/contact), and the SMS outbox for admins."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..models import ContactSettings, SmsOutboxEntry
from . import contact as ops

bp = Blueprint("contact", __name__)


class EmailForm(FlaskForm):
    email = StringField(_l("电子邮箱"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("发送验证邮件"))


class PhoneForm(FlaskForm):
    phone = StringField(_l("手机号码"), validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(_l("获取验证码"))


class CodeForm(FlaskForm):
    code = StringField(_l("短信验证码"), validators=[DataRequired(), Length(max=10)])
    submit = SubmitField(_l("验证"))


class PreferencesForm(FlaskForm):
    notify_email = BooleanField(_l("通过电子邮件通知我"))
    notify_sms = BooleanField(_l("通过短信通知我"))
    digest = BooleanField(_l("每天早上把本部门待回复和超期的留言汇总发到我的邮箱"))
    submit = SubmitField(_l("保存"))


def _page(status: int = 200, **forms):
    row = db.session.get(ContactSettings, current_user.id)
    prefs = forms.pop("prefs", None) or PreferencesForm(
        notify_email=bool(row and row.notify_email), notify_sms=bool(row and row.notify_sms),
        digest=bool(row and row.digest))
    return render_template(
        "contact/index.html", row=row, prefs=prefs, email_form=forms.get("email") or EmailForm(),
        phone_form=forms.get("phone") or PhoneForm(), code_form=forms.get("code") or CodeForm(),
    ), status


@bp.get("/me/contact")
@login_required
def index():
    """Verified e-mail and mobile, and which notifications go out by each."""
    return _page()


def _run(form, field, action, done: str, name: str):
    if form.validate_on_submit():
        try:
            action()
        except ServiceError as err:
            db.session.rollback()
            getattr(form, field).errors = list(getattr(form, field).errors) + [err.message]
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("contact.index"), 303)
    return _page(422, **{name: form})


@bp.post("/me/contact/email")
@login_required
def set_email():
    """Record an e-mail address and mail it a verification link."""
    form = EmailForm()
    return _run(form, "email", lambda: ops.set_email(current_user, form.email.data),
                _("验证邮件已发送，请在24小时内打开邮件中的链接。"), "email")


@bp.get("/me/contact/email/verify/<token>")
def verify_email(token: str):
    """The signed link from the verification mail."""
    try:
        ops.verify_email(token)
    except ServiceError as err:
        db.session.rollback()
        return render_template("contact/link_refused.html", message=err.message), 400
    db.session.commit()
    flash(_("邮箱已验证。"), "success")
    return redirect(url_for("contact.index" if current_user.is_authenticated else "auth.login"), 303)


@bp.post("/me/contact/phone")
@login_required
def set_phone():
    """Text a 6-digit code to a mobile number."""
    form = PhoneForm()
    return _run(form, "phone", lambda: ops.request_phone_code(current_user, form.phone.data),
                _("验证码已发送，10分钟内有效。"), "phone")


@bp.post("/me/contact/phone/verify")
@login_required
def verify_phone():
    """Check the code; a wrong one counts as an attempt."""
    form = CodeForm()
    if not form.validate_on_submit():
        return _page(422, code=form)
    problem = ops.verify_phone(current_user, form.code.data)
    db.session.commit()  # a wrong code's attempt is kept
    if problem:
        form.code.errors = [problem]
        return _page(422, code=form)
    flash(_("手机号码已验证。"), "success")
    return redirect(url_for("contact.index"), 303)


@bp.post("/me/contact/preferences")
@login_required
def preferences():
    """In-app always; e-mail and SMS as chosen."""
    form = PreferencesForm()
    return _run(form, "notify_email",
                lambda: ops.set_preferences(current_user, email=form.notify_email.data, sms=form.notify_sms.data,
                                            digest=bool(current_user.is_staff and form.digest.data)),
                _("通知方式已保存。"), "prefs")


@bp.get("/admin/sms")
@login_required
def sms_outbox():
    """Admins: what the log SMS gateway sent, newest first."""
    if not current_user.is_admin:
        abort(403)
    rows = db.session.scalars(sa.select(SmsOutboxEntry).order_by(SmsOutboxEntry.id.desc()).limit(200))
    return render_template("contact/sms_outbox.html", rows=list(rows))
