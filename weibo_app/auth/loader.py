"""Who is asking: Flask-Login's loaders for sessions, remember cookies and bearer tokens.

A session and a remember cookie carry ``"<user id>:<session epoch>"``
(``User.get_id``); once the account's epoch moves on (logout, password change,
deactivation, "log out everywhere") the loader refuses them. In the API a bearer
token (``Authorization: Bearer``) goes through the request loader, and only it
(see core/login.py), so ``current_user`` is the one answer to "who is asking"
in pages, the API and the rate limiter.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core.extensions import db, login_manager
from ..models import User
from .tokens import user_for_token

login_manager.login_view = "auth.login"
login_manager.login_message = _l("请先登录。")
login_manager.session_protection = "strong"


#: Built once: every signed-in request loads its user.
_USER = sa.select(User).where(User.id == sa.bindparam("user_id"))


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    user_id, sep, epoch = str(identity).partition(":")
    if not (sep and user_id.isdigit() and epoch.isdigit()):
        return None  # an identity from before session epochs, or a forged one
    user = db.session.scalar(_USER, {"user_id": int(user_id)})
    if user is None or not user.active or (user.session_epoch or 0) != int(epoch):
        return None
    return user


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header, or None without one."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    return header.removeprefix("Bearer ").strip()


@login_manager.request_loader
def load_user_from_request(req) -> User | None:
    """Bearer tokens sign in to the API only: pages go by their session, so a token cannot
    reach the account pages (where it could, say, mint tokens that outlive it)."""
    token = bearer_token()
    if token is None or not login_manager.is_bearer_only():
        return None
    user = user_for_token(token)
    if user is None:
        g.bad_bearer_token = True  # the API answers 401 invalid_token rather than treat it as anonymous
    return user


def _load_bearer_user_first() -> None:
    """Resolve a bearer token as the request starts, before any view has written anything."""
    if "Authorization" in request.headers and login_manager.is_bearer_only():
        _ = current_user.is_authenticated


def init_app(app: Flask) -> None:
    app.before_request(_load_bearer_user_first)
