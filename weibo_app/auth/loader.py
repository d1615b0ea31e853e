"""Flask-Login's user loader."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.extensions import db, login_manager
from ..models import User

login_manager.login_view = "auth.login"
login_manager.login_message = _l("请先登录。")
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user and user.active else None
