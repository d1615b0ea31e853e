"""Register, log in, log out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..core.exceptions import ServiceError
from ..core.extensions import db
from ..core.redirects import safe_target
from ..security.limits import login_limit, register_limit
from .forms import EmptyForm, LoginForm, RegisterForm
from .operations import authenticate, create_user, end_all_sessions

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str:
    return safe_target(target, url_for("posts.timeline"))


def _start_session(user, remember: bool = False) -> None:
    session.clear()  # a new session at login: nothing from before carries over
    login_user(user, remember=remember)


def _end_session() -> None:
    session.clear()
    logout_user()  # after the clear: it marks the remember cookie for deletion


@bp.route("/login", methods=["GET", "POST"])
@login_limit
def login():
    """Log in with a username and password."""
    if current_user.is_authenticated:
        return redirect(url_for("posts.timeline"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        db.session.commit()  # keeps the failure count (lockout) as well as a success
        if user is None:
            form.password.errors.append(_("用户名或密码错误。"))
        else:
            _start_session(user, form.remember.data)
            flash(_("已登录"), "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.route("/register", methods=["GET", "POST"])
@register_limit
def register():
    """Create a resident account."""
    if current_user.is_authenticated:
        return redirect(url_for("posts.timeline"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = create_user(form.username.data, form.password.data, display_name=form.display_name.data or "")
        except ServiceError as err:
            db.session.rollback()
            field = form.password if err.code == "weak_password" else form.username
            field.errors.append(err.message)
        else:
            db.session.commit()
            _start_session(user)
            flash(_("注册成功，欢迎！"), "success")
            return redirect(url_for("posts.timeline"))
    return render_template("auth/register.html", form=form), 200 if not form.errors else 422


@bp.post("/logout")
def logout():
    """Log out (POST with CSRF, so no link can log anyone out).

    The account's session epoch moves on, so copies of this session and every
    remember cookie of the account stop working too.
    """
    if EmptyForm().validate_on_submit():
        if current_user.is_authenticated:
            end_all_sessions(current_user)
            db.session.commit()
        _end_session()
        flash(_("已退出登录"), "success")
    return redirect(url_for("posts.timeline"))


from . import account  # noqa: E402,F401  (the account pages: password, tokens)
