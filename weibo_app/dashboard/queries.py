"""Small reads for the dashboard's lists."""

from __future__ import annotations

import sqlalchemy as sa

from ..core.extensions import db
from ..metrics import queries as q
from ..models import Department, Thread


def awaiting_per_post(post_ids: list[int], period: q.Period) -> dict[int, int]:
    """Awaiting threads (as the metrics count them) on each of ``post_ids``, in one query (sent even for none, so the page's query count stays fixed)."""
    stmt = (
        sa.select(Thread.post_id, sa.func.count())
        .where(Thread.post_id.in_(post_ids), q.is_awaiting(period))
        .group_by(Thread.post_id)
    )
    return {post_id: n for post_id, n in db.session.execute(stmt)}


def roll_up_departments(slugs: list[str]) -> set[str]:
    """Of ``slugs`` (the table's departments, with roll-up on), those that sum up others in the table:
    the topmost ones with at least one of the others below them. One query, even for none."""
    paths = dict(db.session.execute(sa.select(Department.slug, Department.path).where(Department.slug.in_(slugs))).all())
    roots = {s for s, p in paths.items() if not any(p != o and p.startswith(o) for o in paths.values())}
    return {s for s in roots if any(o != paths[s] and o.startswith(paths[s]) for o in paths.values())}
