"""Domain events → notifications. The thread and review services send the signals and
know nothing of who is told; ``connect()`` is a step of create_app."""

from __future__ import annotations

from ..core import signals
from ..models import Post, Rating, Reply, Thread
from .operations import notify, notify_department, reviewer_roles

EXCERPT_CHARS = 24


def _about(thread: Thread) -> dict:
    """Which thread: its number and the start of its text as the public reads it (personal data masked)."""
    text = " ".join((thread.body_public or thread.body or "").split())
    excerpt = text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"
    return {"thread_id": thread.id, "excerpt": excerpt}


def _on_thread_opened(thread: Thread, **_extra) -> None:
    notify_department(thread.department_id, "thread_new", **_about(thread), kind=thread.kind,
                      channel=thread.channel)


def _on_thread_replied(thread: Thread, reply: Reply, **_extra) -> None:
    if reply.official:
        # An interim reply tells the resident the matter is in hand; a final one asks for a rating (回访).
        kind = "thread_answered" if reply.final else "thread_interim"
        notify(thread.author_id, kind, **_about(thread), department=thread.department.name)
    else:
        notify_department(thread.department_id, "thread_followup", **_about(thread), kind=thread.kind)


def _on_thread_dismissed(thread: Thread, **_extra) -> None:
    notify(thread.author_id, "thread_dismissed", **_about(thread),
           department=thread.department.name, reason=thread.dismiss_reason)


def _on_thread_transferred(thread: Thread, source_id: int, **_extra) -> None:
    from ..core.extensions import db
    from ..models import Department

    source = db.session.get(Department, source_id)
    source_name = source.name if source else ""
    notify(thread.author_id, "thread_transferred", **_about(thread),
           source=source_name, department=thread.department.name)
    notify_department(thread.department_id, "thread_transferred_in", **_about(thread),
                      kind=thread.kind, source=source_name)


def _on_thread_rated(thread: Thread, **_extra) -> None:
    # 不满意 reopens the thread: the department has to answer again; a good rating is news too.
    if thread.rating == Rating.UNSATISFIED:
        notify_department(thread.department_id, "thread_unsatisfied", **_about(thread), kind=thread.kind)
    else:
        notify_department(thread.department_id, "thread_rated", **_about(thread), rating=thread.rating)


def _on_post_submitted(post: Post, **_extra) -> None:
    notify_department(post.department_id, "draft_waiting", roles=reviewer_roles(post), exclude=post.author_id,
                      post_id=post.id, author=post.author.shown_name)


def connect() -> None:
    """Subscribe to the domain events (a step of create_app; connecting twice changes nothing)."""
    signals.thread_opened.connect(_on_thread_opened)
    signals.thread_replied.connect(_on_thread_replied)
    signals.thread_dismissed.connect(_on_thread_dismissed)
    signals.thread_transferred.connect(_on_thread_transferred)
    signals.thread_rated.connect(_on_thread_rated)
    signals.post_submitted.connect(_on_post_submitted)
