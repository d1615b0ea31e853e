"""Small reads for the dashboard's lists."""

from __future__ import annotations

import sqlalchemy as sa

from ..core.extensions import db
from ..metrics import memo
from ..metrics import queries as q
from ..metrics.rows import rows_behind
from ..models import Department, Post, Thread


def watch_lists(period: q.Period, scope: Department | None, limit: int) -> dict[str, list | dict]:
    """The dashboard's lists over ``scope``'s subtree, as plain rows: the earliest overdue threads,
    the ones due by the end of today, the newest posts with an awaiting thread and how many each
    has. Remembered with the figures (metrics/memo.py): each changes only by a write, a due or
    publishing time passing, or midnight, which is exactly when a remembered figure is dropped."""
    def compute():
        overdue = [_thread_row(t) for t in rows_behind("overdue", period, scope, True, limit=limit)]
        due_soon = [_thread_row(t) for t in rows_behind("due_soon", period, scope, True, limit=limit)]
        posts = rows_behind("unanswered_posts", period, scope, True, limit=limit)
        return {"overdue": overdue, "due_soon": due_soon, "unanswered": [_post_row(p) for p in posts],
                "awaiting_counts": awaiting_per_post([p.id for p in posts], period)}, None

    return memo.remembered(("dashboard-lists", None if scope is None else scope.id, limit), period.as_of, compute)


def _thread_row(thread: Thread) -> dict:
    return {"id": thread.id, "kind": thread.kind, "opened_at": thread.opened_at, "due_at": thread.due_at,
            "department": {"name": thread.department.name}}


def _post_row(post: Post) -> dict:
    return {"id": post.id, "body": post.body, "published_at": post.published_at,
            "department": {"name": post.department.name}}


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
