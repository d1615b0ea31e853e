"""JSON shapes of DESIGN.md's objects."""

from __future__ import annotations

from ..access.read import body_text_for, can_read, sees_contact, shows
from ..access.viewer import current_viewer
from ..core.clock import iso_local, utcnow
from ..media.storage import image_dict
from ..models import Department, Post, Reply, Thread
from ..posts.queries import PostCounts
from ..threads.loop_queries import answered_at, transfer_trail

iso = iso_local


def department_dict(d: Department, parent_slug: str | None) -> dict:
    return {"slug": d.slug, "name": d.name, "parent": parent_slug}


def post_dict(p: Post, counts: PostCounts | None = None) -> dict:
    counts = counts or PostCounts()
    return {
        "id": p.id,
        "department": p.department.slug,
        "body": body_text_for(current_viewer(), p),
        **moderation_fields(p),
        "category": p.category,
        "major": p.major,
        "fast_track": p.fast_track,
        "state": p.state,
        "published_at": iso(p.published_at),
        "scheduled_at": iso(p.scheduled_at),
        "withdrawn_at": iso(p.withdrawn_at),
        "withdraw_reason": p.withdraw_reason,
        "images": images_of(p),
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
    """The item's images, for a viewer who may read the item."""
    if not can_read(current_viewer(), item):
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
        **({"final": r.final, "interim": not r.final, "reworked": r.reworked_at is not None}
           if r.official else {}),
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
        "private": t.private,
        **moderation_fields(t),
        "opened_at": iso(t.opened_at),
        "due_at": iso(t.due_at),
        "first_due_at": iso(t.first_due_at),
        "first_response_at": iso(t.first_response_at),
        "answered_at": iso(answered_at(t)) if with_replies else None,
        "handler": t.handler.username if t.handler_id and t.handler else None,
        "accepted_at": iso(t.accepted_at),
        "resolved": t.resolved,
        "overdue": t.is_overdue(utcnow()),
        "rating": t.rating,
        "dismiss_reason": t.dismiss_reason,
        "images": images_of(t),
    }
    if with_replies:
        viewer = current_viewer()
        data["replies"] = [reply_dict(r) for r in t.replies if shows(viewer, r)]
        data["transfers"] = [
            {"from": step.from_department.slug, "to": step.to_department.slug, "at": iso(step.decided_at)}
            for step in transfer_trail(t.id)
        ]
    return data
