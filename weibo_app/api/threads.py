"""Threads in the API: ask, reply, dismiss, rate; the staff inbox (the closed loop is in loop.py)."""

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from ..core.exceptions import Forbidden, Invalid
from ..core.extensions import db
from ..departments.operations import get_department
from ..moderation.operations import HELD_MESSAGE
from ..posts.queries import get_public_post
from ..security.limits import reply_limit, thread_limit
from ..threads import operations as ops
from ..threads import queries
from . import bp
from .auth import token_required
from .payload import bool_field, json_body, text_field
from .recorded import record_from_channel
from .serializers import thread_dict


def held_or_created(data: dict, item):
    """201, or 202 with ``held`` and the message when a sensitive word sent it to a moderator."""
    if item.held_at is None:
        return jsonify(data), 201
    return jsonify({**data, "held": True, "message": str(HELD_MESSAGE)}), 202


def _reloaded(thread_id: int):
    db.session.expire_all()
    return queries.get_thread(thread_id)


@bp.post("/departments/<slug>/threads")
@token_required
@thread_limit
def ask_department(slug: str):
    """Resident: a question on a department's message board; staff with ``channel``: a recorded request."""
    department = get_department(slug)
    data = json_body()
    if "channel" in data:
        return record_from_channel(department, data)
    thread = ops.open_thread(current_user, body=text_field(data, "body", 2000),
                             kind=text_field(data, "kind", 40), department=department,
                             anonymous=bool_field(data, "anonymous"), private=bool_field(data, "private"))
    db.session.commit()
    return held_or_created(thread_dict(_reloaded(thread.id)), thread)


@bp.post("/posts/<int:post_id>/threads")
@token_required
@thread_limit
def ask_on_post(post_id: int):
    """Resident: open a thread on a post."""
    post = get_public_post(post_id)
    data = json_body()
    thread = ops.open_thread(current_user, body=text_field(data, "body", 2000),
                             kind=text_field(data, "kind", 40), post=post,
                             anonymous=bool_field(data, "anonymous"), private=bool_field(data, "private"))
    db.session.commit()
    return held_or_created(thread_dict(_reloaded(thread.id)), thread)


@bp.get("/threads/<int:thread_id>")
def get_thread(thread_id: int):
    """A thread with its replies."""
    return jsonify(thread_dict(queries.get_thread(thread_id)))


@bp.post("/threads/<int:thread_id>/replies")
@token_required
@reply_limit
def reply(thread_id: int):
    """Staff: an official reply; the opener: a follow-up."""
    thread = queries.get_thread(thread_id)
    data = json_body()
    final = data.get("final", True)
    if not isinstance(final, bool):
        raise Invalid(_("字段 %(name)s 必须是布尔值。", name="final"), "invalid_type")
    answer = ops.reply_to_thread(current_user, thread, text_field(data, "body", 2000), final=final)
    db.session.commit()
    return held_or_created(thread_dict(_reloaded(thread_id)), answer)


@bp.post("/threads/<int:thread_id>/dismiss")
@token_required
def dismiss(thread_id: int):
    """Staff: no answer needed, with a reason."""
    thread = queries.get_thread(thread_id)
    ops.dismiss_thread(current_user, thread, text_field(json_body(), "reason", 500))
    db.session.commit()
    return jsonify(thread_dict(_reloaded(thread_id)))


@bp.post("/threads/<int:thread_id>/rate")
@token_required
def rate(thread_id: int):
    """The opener rates the answer."""
    thread = queries.get_thread(thread_id)
    data = json_body()
    resolved = data.get("resolved")
    if resolved is not None and not isinstance(resolved, bool):
        raise Invalid(_("字段 %(name)s 必须是布尔值。", name="resolved"), "invalid_type")
    ops.rate_thread(current_user, thread, text_field(data, "rating", 40), resolved=resolved)
    db.session.commit()
    return jsonify(thread_dict(_reloaded(thread_id)))


@bp.get("/inbox")
@token_required
def inbox():
    """Staff: their department's awaiting threads, overdue first."""
    user = current_user
    if not user.is_staff:
        raise Forbidden(_("只有部门工作人员有待办留言。"), "staff_only")
    threads = queries.inbox(user.department_id)
    return jsonify({"threads": [thread_dict(t, with_replies=False) for t in threads]})
