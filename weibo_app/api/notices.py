"""Supervision notices (督办单) in the API: the caller's list, and acknowledging one."""

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from ..access.scope import oversight_of
from ..core.clock import utcnow
from ..core.exceptions import Forbidden
from ..core.extensions import db
from ..models import SupervisionNotice
from ..supervision import operations as ops
from ..supervision import queries
from . import bp
from .auth import token_required
from .payload import json_body, text_field
from .serializers import iso


def notice_dict(notice: SupervisionNotice, now) -> dict:
    return {
        "id": notice.id,
        "department": notice.department.slug,
        "thread_id": notice.thread_id,
        "body": notice.body,
        "state": notice.state_at(now).value,
        "created_at": iso(notice.created_at),
        "deadline": iso(notice.deadline),
        "acknowledged_at": iso(notice.acknowledged_at),
        "response": notice.response,
        "closed_at": iso(notice.closed_at),
    }


@bp.get("/notices")
@token_required
def list_notices():
    """Staff: their department's open notices, unacknowledged first; overseers: every notice in scope."""
    user = current_user
    if user.can_oversee:
        notices = queries.notices_in_scope(oversight_of(user).subtree_root)
    elif user.is_staff:
        notices = queries.department_notices(user.department_id)
    else:
        raise Forbidden(_("只有部门工作人员和督办人员可以查看督办单。"), "not_allowed")
    now = utcnow()
    return jsonify({"notices": [notice_dict(n, now) for n in notices]})


@bp.post("/notices/<int:notice_id>/acknowledge")
@token_required
def acknowledge_notice(notice_id: int):
    """Staff of the department acknowledge a notice: ``{response}``."""
    data = json_body()
    notice = queries.get_notice(notice_id)
    ops.acknowledge_notice(current_user, notice, text_field(data, "response", ops.BODY_MAX_CHARS))
    db.session.commit()
    return jsonify(notice_dict(notice, utcnow()))
