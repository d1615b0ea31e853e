"""JSON shapes of DESIGN.md's objects."""

from __future__ import annotations

from datetime import datetime

from ..core.clock import to_local, utcnow
from ..media.routes import image_dict
from ..models import Department, Post, Reply, Thread
from ..moderation.visibility import body_text_for, can_view, current_viewer, is_hidden_for, sees_contact
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
        "body": body_text_for(current_viewer(), p) if not p.withdrawn else None,
        **moderation_fields(p),
        "category": p.category,
        "major": p.major,
        "fast_track": p.fast_track,
        "state": p.state,
        "published_at": iso(p.published_at),
        "scheduled_at": iso(p.scheduled_at),
        "withdrawn_at": iso(p.withdrawn_at),
        "withdraw_reason": p.withdraw_reason,
        "images": images_of(p) if not p.withdrawn else [],
        "counts": {"threads": counts.threads, "likes": counts.likes, "reposts": counts.reposts,
                   "views": counts.views},
    }


def moderation_fields(item) -> dict:
    """Held (awaiting a moderator) and hidden (with the reason shown in its place)."""
    return {
        "held": item.held_at is not None,
        "hidden": item.hidden_at is not None,
        "hidden_reason": item.hidden_reason if item.hidden_at is not None else None,
    }


def images_of(item: Post | Thread) -> list[dict]:
    """The item's images, unless the viewer gets the hidden placeholder instead of its text."""
    if is_hidden_for(current_viewer(), item):
        return []
    return [image_dict(image) for image in item.images]


def reply_dict(r: Reply) -> dict:
    return {
        "id": r.id,
        "official": r.official,
        "department": r.department.slug if r.official and r.department else None,
        "body": body_text_for(current_viewer(), r),
        **moderation_fields(r),
        "created_at": iso(r.created_at),
    }


def contact_fields(t: Thread) -> dict:
    """A recorded request's contact and reference: only for the department and its supervisors."""
    if t.channel == "web" or not sees_contact(current_viewer(), t):
        return {"contact": None, "external_ref": None}
    return {"contact": {"name": t.contact_name, "phone": t.contact_phone}, "external_ref": t.external_ref}


def thread_dict(t: Thread, with_replies: bool = True) -> dict:
    data = {
        "id": t.id,
        "post_id": t.post_id,
        "department": t.department.slug,
        "kind": t.kind,
        "state": t.state,
        "channel": t.channel,
        **contact_fields(t),
        "body": body_text_for(current_viewer(), t),
        "anonymous": t.anonymous,
        **moderation_fields(t),
        "opened_at": iso(t.opened_at),
        "due_at": iso(t.due_at),
        "first_due_at": iso(t.first_due_at),
        "first_response_at": iso(t.first_response_at),
        "overdue": t.is_overdue(utcnow()),
        "rating": t.rating,
        "dismiss_reason": t.dismiss_reason,
        "images": images_of(t),
    }
    if with_replies:
        viewer = current_viewer()
        data["replies"] = [reply_dict(r) for r in t.replies if can_view(viewer, r)]
    return data
