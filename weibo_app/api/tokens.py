"""API tokens: ``POST /api/v1/tokens`` (HTTP Basic in, a named bearer token out),
list the caller's tokens, revoke one."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.operations import authenticate
from ..auth.tokens import create_token as issue
from ..auth.tokens import revoke_token, tokens_of
from ..core.clock import utcnow
from ..core.extensions import db
from ..models import ApiToken
from ..security.limits import login_limit
from . import bp
from .auth import Unauthorized, token_required
from .payload import json_body
from .serializers import iso


def token_dict(row: ApiToken) -> dict:
    """A token as listed: never the secret nor its digest."""
    return {"id": row.id, "name": row.name, "created_at": iso(row.created_at),
            "last_used_at": iso(row.last_used_at), "expires_at": iso(row.expires_at),
            "revoked_at": iso(row.revoked_at), "active": row.is_usable(utcnow())}


@bp.post("/tokens")
@login_limit
def create_token():
    """Exchange a username and password for a new bearer token (earlier tokens keep working)."""
    creds = request.authorization
    user = None
    if creds and creds.type == "basic" and creds.username and creds.password:
        user = authenticate(creds.username, creds.password)
        db.session.commit()  # keeps the failure count (lockout)
    if user is None:
        raise Unauthorized(_("用户名或密码错误。"), "invalid_credentials")
    data = json_body() if request.get_data(cache=True).strip() else {}
    row, secret = issue(user, data.get("name"), data.get("days"))
    db.session.commit()
    return jsonify({"token": secret, "id": row.id, "name": row.name, "expires_at": iso(row.expires_at)}), 201


@bp.get("/tokens")
@token_required
def list_tokens():
    """The caller's tokens, newest first."""
    return jsonify({"tokens": [token_dict(row) for row in tokens_of(current_user)]})


@bp.delete("/tokens/<int:token_id>")
@token_required
def delete_token(token_id: int):
    """Revoke one of the caller's tokens (it may be the one making this call)."""
    row = revoke_token(current_user, token_id)
    db.session.commit()
    return jsonify(token_dict(row))
