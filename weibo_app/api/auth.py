"""Bearer-token authentication for the API.

Who is asking is Flask-Login's ``current_user``: the API blueprint is
``bearer_only`` (see core/login.py), so here it is the user behind a valid
``Authorization: Bearer`` token and never the one of a session cookie.
"""

from __future__ import annotations

from functools import wraps

from flask import g
from flask_babel import gettext as _
from flask_login import current_user

from ..core.exceptions import ServiceError


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"


def refuse_bad_token() -> None:
    """A token that is unknown, expired or revoked is a 401, not an anonymous request."""
    if not current_user.is_authenticated and g.get("bad_bearer_token"):
        raise Unauthorized(_("令牌无效或已过期。"), "invalid_token")


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            raise Unauthorized(_("需要令牌。"), "token_required")
        return view(*args, **kwargs)

    return wrapper
