"""The JSON API (``/api/v1``) for integrations such as a 12345 hotline."""

from flask import Blueprint

from ..core.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens, not cookies: no cross-site request can carry one

from . import (  # noqa: E402,F401
    departments,
    flags,
    metrics,
    notices,
    openapi,
    posts,
    review,
    search,
    social,
    templates,
    threads,
    tokens,
)
