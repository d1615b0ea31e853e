"""JSON shapes of DESIGN.md's objects."""

from __future__ import annotations

from datetime import datetime

from ..clock import to_local, utcnow
from ..models import Department, Post, Reply, Thread
from ..posts.queries import PostCounts


def iso(moment: datetime | None) -> str | None:
    return to_local(moment).isoformat() if moment else None


def department_dict(d: Department, parent_slug: str | None) -> dict:
    return {"slug": d.slug, "name": d.name, "parent": parent_slug}


def post_dict(p: Post, counts: PostCounts | None = None) -> dict:
    counts = counts or PostCounts()
    return {
        "id": p.id,
        "department": p.department.slug,
        "body": p.body if not p.withdrawn else None,
        "category": p.category,
        "major": p.major,
        "fast_track": p.fast_track,
        "state": p.state,
        "published_at": iso(p.published_at),
        "scheduled_at": iso(p.scheduled_at),
        "withdrawn_at": iso(p.withdrawn_at),
        "withdraw_reason": p.withdraw_reason,
        "counts": {"threads": counts.threads, "likes": counts.likes, "reposts": counts.reposts,
                   "views": counts.views},
    }


def reply_dict(r: Reply) -> dict:
    return {
        "id": r.id,
        "official": r.official,
        "department": r.department.slug if r.official and r.department else None,
        "body": r.body,
        "created_at": iso(r.created_at),
    }


def thread_dict(t: Thread, with_replies: bool = True) -> dict:
    data = {
        "id": t.id,
        "post_id": t.post_id,
        "department": t.department.slug,
        "kind": t.kind,
        "state": t.state,
        "body": t.body,
        "opened_at": iso(t.opened_at),
        "due_at": iso(t.due_at),
        "first_due_at": iso(t.first_due_at),
        "first_response_at": iso(t.first_response_at),
        "overdue": t.is_overdue(utcnow()),
        "rating": t.rating,
        "dismiss_reason": t.dismiss_reason,
    }
    if with_replies:
        data["replies"] = [reply_dict(r) for r in t.replies]
    return data
