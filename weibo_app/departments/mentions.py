"""The one renderer of a department's public text: #话题# and @部门名 become links.

Posts (when they go public) and corrections (更正) under them are rendered here,
so a topic or a mention links the same wherever it is written.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..core.extensions import db
from ..core.text import mention_candidates, render_post_html
from ..models import Department


def department_slugs(names: list[str]) -> dict[str, str]:
    """name → slug for the departments among ``names`` (one query)."""
    if not names:
        return {}
    rows = db.session.execute(sa.select(Department.name, Department.slug).where(Department.name.in_(names)))
    return {name: slug for name, slug in rows}


def render_post_body(text: str, known: dict[str, str] | None = None) -> str:
    """Safe HTML with topic links and links to the departments the text mentions
    (``known``: their name → slug, when the caller has looked them up already)."""
    if known is None:
        known = department_slugs(mention_candidates(text))
    return render_post_html(text, known)
