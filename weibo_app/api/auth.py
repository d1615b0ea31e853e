"""Bearer-token authentication for the API."""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from ..auth.operations import user_for_token
from ..core.exceptions import ServiceError
from ..models import User


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"


def api_user() -> User | None:
    """The user behind the request's bearer token, if any (cached per request)."""
    if "api_user" not in g:
        header = request.headers.get("Authorization", "")
        user = None
        if header.startswith("Bearer "):
            user = user_for_token(header.removeprefix("Bearer ").strip())
            if user is None:
                raise Unauthorized(_("令牌无效或已过期。"), "invalid_token")
        g.api_user = user
    return g.api_user


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if api_user() is None:
            raise Unauthorized(_("需要令牌。"), "token_required")
        return view(*args, **kwargs)

    return wrapper
