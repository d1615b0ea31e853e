"""State changes for departments."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..audit.log import record
from ..core.exceptions import Conflict, Invalid, NotFound
from ..core.extensions import db
from ..core.text import clean_name, normalize
from ..models import Department, User

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,58}$")
NAME_MAX_CHARS = 80


#: Built once: every department page looks its department up, and names its parent.
_BY_SLUG = (sa.select(Department).options(joinedload(Department.parent))
            .where(Department.slug == sa.bindparam("slug")))


def get_department(slug: str) -> Department:
    dept = db.session.scalar(_BY_SLUG, {"slug": slug})
    if dept is None:
        raise NotFound(_("没有这个部门。"), "department_not_found")
    return dept


def create_department(
    slug: str,
    name: str,
    parent_slug: str | None = None,
    review_required: bool = True,
    description: str = "",
    actor: User | None = None,
) -> Department:
    """Add a department under ``parent_slug`` (or at the top)."""
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise Invalid(_("部门标识只能包含小写字母、数字和连字符。"), "invalid_slug")
    name = clean_name(name, NAME_MAX_CHARS)
    description = normalize(description)
    exists = db.session.scalar(
        sa.select(Department.id).where(sa.or_(Department.slug == slug, Department.name == name))
    )
    if exists:
        raise Conflict(_("部门标识或名称已存在。"), "department_exists")
    parent = get_department(parent_slug) if parent_slug else None
    dept = Department(
        slug=slug,
        name=name,
        parent=parent,
        review_required=review_required,
        description=description,
    )
    db.session.add(dept)
    db.session.flush()
    dept.path = f"{parent.path if parent else '/'}{dept.id}/"
    record(actor, "department.create", "department", dept.id, department_id=dept.id, slug=slug)
    return dept
