"""The publishing workflow in the API: the same services as the UI."""

from __future__ import annotations

from datetime import datetime

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from ..core.dates import parse_datetime
from ..core.exceptions import Invalid
from ..core.extensions import db
from ..posts import amend, lifecycle
from ..review import queries
from . import bp
from .auth import token_required
from .payload import bool_field, json_body, text_field
from .serializers import iso, post_dict


def _time_field(data: dict, name: str) -> datetime:
    value = data.get(name)
    if value is None:
        raise Invalid(_("缺少字段：%(name)s。", name=name), "missing_field")
    if not isinstance(value, str):
        raise Invalid(_("字段 %(name)s 必须是 ISO 8601 时间。", name=name), "invalid_time")
    return parse_datetime(value, name)


def _done(post):
    db.session.commit()
    return jsonify(post_dict(post))


@bp.get("/review")
@token_required
def review_queue():
    """Posts waiting for the token user's decision, oldest first."""
    return jsonify({"posts": [post_dict(p) for p in queries.waiting_for(current_user)]})


@bp.post("/posts/<int:post_id>/submit")
@token_required
def submit_post(post_id: int):
    """The author submits a draft."""
    return _done(lifecycle.submit_post(current_user, queries.get_post(post_id)))


@bp.post("/posts/<int:post_id>/approve")
@token_required
def approve_post(post_id: int):
    """Approve, or give the final approval; ``secrecy_checked`` must be true."""
    data = json_body()
    post = queries.get_post(post_id)
    return _done(lifecycle.approve_post(current_user, post, secrecy_checked=bool_field(data, "secrecy_checked")))


@bp.post("/posts/<int:post_id>/fast-track")
@token_required
def fast_track_post(post_id: int):
    """The head publishes emergency information or a rebuttal at once."""
    data = json_body()
    post = queries.get_post(post_id)
    until = _time_field(data, "pin_until") if data.get("pin_until") is not None else None
    return _done(lifecycle.fast_track_publish(current_user, post, secrecy_checked=bool_field(data, "secrecy_checked"),
                                        pin_until=until))


@bp.post("/posts/<int:post_id>/return")
@token_required
def return_post(post_id: int):
    """Return the post to its author with a comment."""
    data = json_body()
    post = queries.get_post(post_id)
    return _done(lifecycle.return_post(current_user, post, comment=text_field(data, "comment", 2000)))


@bp.post("/posts/<int:post_id>/schedule")
@token_required
def schedule_post(post_id: int):
    """Set the time the post goes public."""
    data = json_body()
    post = queries.get_post(post_id)
    return _done(lifecycle.schedule_post(current_user, post, _time_field(data, "at")))


@bp.post("/posts/<int:post_id>/withdraw")
@token_required
def withdraw_post(post_id: int):
    """Withdraw a public post with a reason."""
    data = json_body()
    post = queries.get_post(post_id)
    return _done(amend.withdraw_post(current_user, post, reason=text_field(data, "reason", 2000)))


@bp.post("/posts/<int:post_id>/corrections")
@token_required
def add_correction(post_id: int):
    """Append a correction under a public post."""
    data = json_body()
    post = queries.get_post(post_id)
    row = amend.add_correction(current_user, post, body=text_field(data, "body", 2000))
    db.session.commit()
    return jsonify({"id": row.id, "post_id": post.id, "body": row.body, "created_at": iso(row.created_at)}), 201
