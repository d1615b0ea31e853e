"""``POST /api/v1/tokens``: HTTP Basic credentials in, a bearer token out."""

from flask import jsonify, request
from flask_babel import gettext as _

from ..auth.operations import authenticate, issue_token
from ..core.extensions import db
from ..security.limits import login_limit
from . import bp
from .auth import Unauthorized


@bp.post("/tokens")
@login_limit
def create_token():
    """Exchange a username and password for a bearer token."""
    creds = request.authorization
    user = None
    if creds and creds.type == "basic" and creds.username and creds.password:
        user = authenticate(creds.username, creds.password)
        db.session.commit()  # keeps the failure count (lockout)
    if user is None:
        raise Unauthorized(_("用户名或密码错误。"), "invalid_credentials")
    token = issue_token(user)
    db.session.commit()
    return jsonify({"token": token}), 201
