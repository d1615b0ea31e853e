"""The user looking at a page or calling the API; what they may read is decided in access/read.py."""

from __future__ import annotations

from flask import has_request_context
from flask_login import current_user

from ..models import User


def current_viewer() -> User | None:
    """The user looking (a session in pages, a bearer token in the API), or None."""
    if not has_request_context():
        return None
    # The user itself, not the proxy: the rules read its attributes dozens of times a page,
    # and each read through the proxy looks the user up again.
    user = current_user._get_current_object()
    return user if user.is_authenticated else None
