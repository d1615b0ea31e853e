"""The JSON API (``/api/v1``) for integrations such as a 12345 hotline."""

from flask import Blueprint

from ..core.extensions import csrf, login_manager
from ..security.limits import api_limit

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens, not cookies: no cross-site request can carry one. The session and
# remember cookies are not read here at all, so skipping CSRF weakens nothing.
csrf.exempt(bp)
login_manager.bearer_only(bp)
api_limit(bp)

from . import (  # noqa: E402,F401
    departments,
    flags,
    idempotency,
    loop,
    metrics,
    notices,
    openapi,
    posts,
    reports,
    requests,
    review,
    search,
    social,
    templates,
    threads,
    tokens,
)
from .auth import refuse_bad_token  # noqa: E402

bp.before_request(refuse_bad_token)
