"""The user looking at a page or calling the API; what they may read is decided in access/read.py."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from ..models import User


def current_viewer() -> User | None:
    """The user looking: the bearer-token user in the API, the session user elsewhere."""
    if not has_request_context():
        return None
    if request.path.startswith("/api/"):
        from ..api.auth import api_user

        return api_user()
    return current_user if current_user.is_authenticated else None
