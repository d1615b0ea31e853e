"""The account pages: change the password, log out everywhere, API tokens."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from ..core.clock import utcnow
from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..security.limits import password_limit
from .forms import EmptyForm, PasswordForm, TokenForm
from .operations import change_password, end_all_sessions
from .routes import _end_session, bp
from .tokens import create_token, revoke_token, tokens_of


def _has_remember_cookie() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


@bp.route("/password", methods=["GET", "POST"])
@login_required
@password_limit
def password():
    """Change the password; other sessions end, this one goes on."""
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(user, form.current.data, form.password.data)
        except ServiceError as err:
            db.session.rollback()
            field = form.current if err.code == "wrong_password" else form.password
            field.errors.append(err.message)
        else:
            db.session.commit()
            # This session (and its remember cookie, if it had one) takes the new identity.
            login_user(user, remember=_has_remember_cookie())
            flash(_("密码已修改，其他设备上的登录已退出。"), "success")
            return redirect(url_for("auth.password"))
    return render_template("auth/password.html", form=form, end_form=EmptyForm()), 200 if not form.errors else 422


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    """End every session and remember cookie of the account, this one included."""
    if EmptyForm().validate_on_submit():
        end_all_sessions(current_user)
        db.session.commit()
        _end_session()
        flash(_("已在所有设备上退出登录。"), "success")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.password"))


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """List the account's API tokens; create one (its secret is shown once, on this answer only)."""
    form = TokenForm()
    created = None
    if form.validate_on_submit():
        try:
            row, secret = create_token(current_user, form.name.data, form.days.data)
        except ServiceError as err:
            db.session.rollback()
            form.name.errors.append(err.message)
        else:
            db.session.commit()
            created = {"name": row.name, "secret": secret}
            form = TokenForm(formdata=None)
    response = render_template("auth/tokens.html", form=form, tokens=tokens_of(current_user),
                               created=created, revoke_form=EmptyForm(), now=utcnow())
    status = 422 if form.errors else 201 if created else 200
    headers = {"Cache-Control": "no-store"}  # the page may carry a secret
    return response, status, headers


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    """Revoke one of the account's tokens."""
    if EmptyForm().validate_on_submit():
        try:
            row = revoke_token(current_user, token_id)
        except ServiceError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("令牌“%(name)s”已撤销。", name=row.name), "success")
    return redirect(url_for("auth.tokens"))
