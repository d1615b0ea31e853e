"""常用回复 in the API: list, create, edit, delete."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from ..core.extensions import db
from ..departments.operations import get_department
from ..models import ReplyTemplate
from ..replies import operations as ops
from . import bp
from .auth import token_required
from .payload import json_body, text_field


def template_dict(t: ReplyTemplate) -> dict:
    return {"id": t.id, "department": t.department.slug if t.department else None, "title": t.title,
            "body": t.body}


@bp.get("/templates")
@token_required
def list_templates():
    """Staff: their department's templates and the site-wide ones; admins: all."""
    return jsonify({"templates": [template_dict(t) for t in ops.visible_templates(current_user)]})


@bp.post("/templates")
@token_required
def create_template():
    """The head: a template of their own department; an admin: a site-wide one (no ``department``)."""
    data = json_body()
    slug = text_field(data, "department", 60, required=False)
    user = current_user
    department = get_department(slug) if slug else (user.department if user.is_staff else None)
    row = ops.create_template(user, department, text_field(data, "title", ops.TITLE_MAX),
                              text_field(data, "body", ops.BODY_MAX))
    db.session.commit()
    return jsonify(template_dict(row)), 201


@bp.patch("/templates/<int:template_id>")
@token_required
def edit_template(template_id: int):
    """Whoever manages the template changes its title or text."""
    data = json_body()
    row = ops.update_template(current_user, ops.get_template(template_id),
                              text_field(data, "title", ops.TITLE_MAX, required=False),
                              text_field(data, "body", ops.BODY_MAX, required=False))
    db.session.commit()
    return jsonify(template_dict(row))


@bp.delete("/templates/<int:template_id>")
@token_required
def delete_template(template_id: int):
    """Whoever manages the template removes it (the audit log keeps its text)."""
    ops.delete_template(current_user, ops.get_template(template_id))
    db.session.commit()
    return jsonify({"deleted": template_id})
