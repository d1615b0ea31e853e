"""The disclosure guide (公开指南) and catalogue (公开目录): reads, the guide's one write,
and the index number (索引号) every published post carries."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..access.permissions import acts_for
from ..audit.log import record
from ..core.clock import local_midnight_utc, utcnow
from ..core.exceptions import Forbidden, Invalid
from ..core.extensions import db
from ..core.text import normalize
from ..models import Category, Department, DisclosureGuide, Post, User

CATEGORY_ORDER = [c.value for c in Category]
GUIDE_FIELDS = {"functions": 5000, "address": 200, "hours": 200, "phone": 60, "how_to_request": 5000, "fees": 5000}


def index_number(post: Post) -> str:
    """索引号: department code / year of publication - catalogue category - serial,
    e.g. ``000003/2026-07-000123`` (category 07 is 工作动态)."""
    when = post.published_at or post.created_at
    category = CATEGORY_ORDER.index(post.category) + 1 if post.category in CATEGORY_ORDER else 99
    return f"{post.department_id:06d}/{when.year}-{category:02d}-{post.id:06d}"


def get_guide(department: Department) -> DisclosureGuide | None:
    return db.session.get(DisclosureGuide, department.id)


def save_guide(actor: User, department: Department, **fields: str | None) -> DisclosureGuide:
    """The department's staff keep its guide up to date."""
    if not acts_for(actor, department.id):
        raise Forbidden(_("只有该部门的工作人员可以编辑公开指南。"), "not_department_staff")
    clean = {}
    for name, max_len in GUIDE_FIELDS.items():
        value = normalize(fields.get(name))
        if len(value) > max_len:
            raise Invalid(_("内容不能超过%(n)d个字。", n=max_len), f"{name}_too_long")
        clean[name] = value
    guide = get_guide(department)
    if guide is None:
        guide = DisclosureGuide(department_id=department.id)
        db.session.add(guide)
    for name, value in clean.items():
        setattr(guide, name, value)
    guide.updated_at, guide.updated_by_id = utcnow(), actor.id
    db.session.flush()
    record(actor, "guide.save", "department", department.id, department_id=department.id)
    return guide


def _published(department: Department):
    return sa.and_(Post.department_id == department.id, Post.public_clause(utcnow()))


def category_counts(department: Department) -> dict[str, int]:
    """Published posts per catalogue category, every category listed (one query)."""
    counts = dict.fromkeys(CATEGORY_ORDER, 0)
    counts.update(db.session.execute(
        sa.select(Post.category, sa.func.count()).where(_published(department)).group_by(Post.category)
    ).all())
    return counts


def month_bounds(month: str | None) -> tuple[date, date] | None:
    """``"2026-05"`` as [first day, first day of the next month); None when absent or malformed."""
    try:
        year, number = (int(part) for part in (month or "").split("-"))
        first = date(year, number, 1)
    except ValueError:
        return None
    return first, date(year + number // 12, number % 12 + 1, 1)


def catalogue_posts(department: Department, category: str, month: tuple[date, date] | None,
                    limit: int = 300) -> list[Post]:
    """Published posts of one category (and month), newest first."""
    stmt = sa.select(Post).options(joinedload(Post.department)).where(_published(department), Post.category == category)
    if month is not None:
        stmt = stmt.where(Post.published_at >= local_midnight_utc(month[0]),
                          Post.published_at < local_midnight_utc(month[1]))
    return list(db.session.scalars(stmt.order_by(Post.published_at.desc(), Post.id.desc()).limit(limit)))
