"""``GET /api/v1/departments``."""

import sqlalchemy as sa
from flask import jsonify
from sqlalchemy.orm import aliased

from ..core.extensions import db
from ..models import Department
from . import bp
from .serializers import department_dict


@bp.get("/departments")
def list_departments():
    """Every department with its slug, name and parent's slug."""
    parent = aliased(Department)
    rows = db.session.execute(
        sa.select(Department, parent.slug).outerjoin(parent, Department.parent_id == parent.id).order_by(Department.path)
    )
    return jsonify({"departments": [department_dict(d, parent_slug) for d, parent_slug in rows]})
