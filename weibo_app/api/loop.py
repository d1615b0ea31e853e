"""The closed loop in the API: sign-for, notes, extensions, transfers, rework, urging, return visits."""

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from ..access import loop_rules as rules
from ..core.exceptions import Forbidden, Invalid
from ..core.extensions import db
from ..departments.operations import get_department
from ..models import TransferRequest
from ..threads import loop, queries, routing
from . import bp
from .auth import token_required
from .payload import json_body, text_field
from .serializers import iso, thread_dict


def _reloaded(thread_id: int) -> dict:
    db.session.expire_all()
    return thread_dict(queries.get_thread(thread_id))


def _optional_bool(data: dict, name: str) -> bool | None:
    value = data.get(name)
    if value is not None and not isinstance(value, bool):
        raise Invalid(_("字段 %(name)s 必须是布尔值。", name=name), "invalid_type")
    return value


def request_dict(kind: str, item) -> dict:
    data = {"id": item.id, "thread_id": item.thread_id, "state": item.state, "reason": item.reason,
            "comment": item.comment, "created_at": iso(item.created_at), "decided_at": iso(item.decided_at)}
    if kind == "transfer":
        data.update(from_department=item.from_department.slug, proposed_department=item.proposed_department.slug,
                    to_department=item.to_department.slug if item.to_department else None)
    else:
        data.update(until=item.until.isoformat(), due_at=iso(item.new_due_at))
    return data


@bp.post("/threads/<int:thread_id>/accept")
@token_required
def accept(thread_id: int):
    """Staff: sign for the thread and name the handler (default: themselves)."""
    thread = queries.get_thread(thread_id)
    loop.accept_thread(current_user, thread, text_field(json_body(), "handler", 40, required=False))
    db.session.commit()
    return jsonify(_reloaded(thread_id))


@bp.get("/threads/<int:thread_id>/notes")
@token_required
def notes(thread_id: int):
    """The department's staff and the supervisors over it: internal notes."""
    thread = queries.get_thread(thread_id)
    if not rules.can_read_notes(current_user, thread):
        raise Forbidden(_("内部备注仅限本部门工作人员和督办人员查看。"), "cannot_read_notes")
    return jsonify({"notes": [
        {"id": n.id, "author": n.author.username, "body": n.body, "created_at": iso(n.created_at)}
        for n in loop.notes_of(thread)
    ]})


@bp.post("/threads/<int:thread_id>/notes")
@token_required
def add_note(thread_id: int):
    """Write an internal note (内部备注)."""
    thread = queries.get_thread(thread_id)
    note = loop.add_note(current_user, thread, text_field(json_body(), "body", 2000))
    db.session.commit()
    return jsonify({"note": {"id": note.id, "body": note.body, "created_at": iso(note.created_at)}}), 201


@bp.post("/threads/<int:thread_id>/extension")
@token_required
def request_extension(thread_id: int):
    """Staff: ask for a later due date (a local date) with a reason."""
    thread = queries.get_thread(thread_id)
    data = json_body()
    ext = routing.request_extension(current_user, thread, text_field(data, "until", 10),
                                    text_field(data, "reason", 500))
    db.session.commit()
    return jsonify({"extension": request_dict("extension", ext)}), 201


@bp.post("/extensions/<int:extension_id>/approve")
@token_required
def approve_extension(extension_id: int):
    """A supervisor over the department approves an extension."""
    ext = routing.get_extension(extension_id)
    routing.approve_extension(current_user, ext, text_field(json_body(), "comment", 500, required=False))
    db.session.commit()
    return jsonify({"extension": request_dict("extension", ext), "thread": _reloaded(ext.thread_id)})


@bp.post("/extensions/<int:extension_id>/reject")
@token_required
def reject_extension(extension_id: int):
    """A supervisor over the department rejects an extension, with a comment."""
    ext = routing.get_extension(extension_id)
    routing.reject_extension(current_user, ext, text_field(json_body(), "comment", 500))
    db.session.commit()
    return jsonify({"extension": request_dict("extension", ext)})


@bp.post("/threads/<int:thread_id>/transfer")
@token_required
def transfer(thread_id: int):
    """Staff: a transfer request (202) while approval is on; a supervisor: dispatch at once (200)."""
    thread = queries.get_thread(thread_id)
    data = json_body()
    target = get_department(text_field(data, "department", 60))
    result = routing.transfer_or_request(current_user, thread, target, text_field(data, "reason", 500, required=False))
    db.session.commit()
    if isinstance(result, TransferRequest):
        return jsonify({"transfer": request_dict("transfer", result)}), 202
    return jsonify(_reloaded(thread_id))


@bp.post("/transfers/<int:transfer_id>/approve")
@token_required
def approve_transfer(transfer_id: int):
    """The dispatcher approves, to the proposed department or to ``department``."""
    req = routing.get_transfer(transfer_id)
    data = json_body()
    slug = text_field(data, "department", 60, required=False)
    target = get_department(slug) if slug else None
    routing.approve_transfer(current_user, req, target, text_field(data, "comment", 500, required=False))
    db.session.commit()
    return jsonify({"transfer": request_dict("transfer", req), "thread": _reloaded(req.thread_id)})


@bp.post("/transfers/<int:transfer_id>/reject")
@token_required
def reject_transfer(transfer_id: int):
    """The dispatcher rejects, with a comment: the thread stays."""
    req = routing.get_transfer(transfer_id)
    routing.reject_transfer(current_user, req, text_field(json_body(), "comment", 500))
    db.session.commit()
    return jsonify({"transfer": request_dict("transfer", req)})


@bp.post("/threads/<int:thread_id>/rework")
@token_required
def rework(thread_id: int):
    """A supervisor sends an answered or closed thread back (发回重办)."""
    thread = queries.get_thread(thread_id)
    loop.rework_thread(current_user, thread, text_field(json_body(), "reason", 500))
    db.session.commit()
    return jsonify(_reloaded(thread_id))


@bp.post("/threads/<int:thread_id>/urge")
@token_required
def urge(thread_id: int):
    """A supervisor urges an awaiting thread (催办)."""
    thread = queries.get_thread(thread_id)
    event = loop.urge_thread(current_user, thread, text_field(json_body(), "comment", 500, required=False))
    db.session.commit()
    return jsonify({"urge": {"id": event.id, "comment": event.comment, "created_at": iso(event.created_at)}}), 201


@bp.post("/threads/<int:thread_id>/visit")
@token_required
def visit(thread_id: int):
    """A supervisor's office records a return visit (回访)."""
    thread = queries.get_thread(thread_id)
    data = json_body()
    loop.record_visit(
        current_user, thread, resolved=_optional_bool(data, "resolved"),
        rating=text_field(data, "rating", 40), channel=text_field(data, "channel", 20),
        note=text_field(data, "note", 500, required=False),
    )
    db.session.commit()
    return jsonify(_reloaded(thread_id)), 201
