"""Thread cards (post pages, message boards, search, my questions): decided once, then cached.

What a viewer sees of a thread is decided here, once per thread and reply, by the rules of
``access/read.py`` and ``access/actions.py`` (readable or only its notice, the text masked or
not, the opener's name, which replies show, flag and 办理 links). The card is then rendered
from that decision alone (``ThreadSeen``: the shown fields and the verdicts, no database
row, no request), so the decision is the card's whole input and can key its cache
(core/fragments.py) with the language and the text size: two viewers share a cached card
only where every verdict came out the same for both, and any write that changes what a card
shows changes its key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from markupsafe import Markup

from ..access.actions import may
from ..access.permissions import acts_for
from ..access.read import author_name_for, body_html_for, can_read, shows
from ..access.viewer import current_viewer
from ..core import labels
from ..core.fragments import cached_fragment, page_variant
from ..metrics import memo
from ..models import Reply, Thread, User
from .queries import threads_of_post

TEMPLATE = "threads/_card.html"


@dataclass(frozen=True)
class DepartmentSeen:
    name: str


@dataclass(frozen=True)
class ImageSeen:
    key: str
    thumb_key: str


@dataclass(frozen=True)
class ReplySeen:
    """A reply as this viewer sees it; the field names are the model's, for the shared macros."""

    id: int
    official: bool
    final: bool
    reworked_at: datetime | None
    department: DepartmentSeen | None
    created_at: datetime
    hidden_at: datetime | None
    hidden_reason: str | None
    held_at: datetime | None
    readable: bool
    body_html: str | None  # as this viewer reads it; None where unreadable
    actions: frozenset[str]  # of the ones the card offers ("flag")


@dataclass(frozen=True)
class ThreadSeen:
    """A thread as this viewer sees it, with the card's options: everything the card shows."""

    id: int
    kind: str
    private: bool
    channel: str | None
    state: str
    overdue: bool
    opened_at: datetime
    due_at: datetime | None
    first_response_at: datetime | None
    rating: str | None
    dismiss_reason: str | None
    hidden_at: datetime | None
    hidden_reason: str | None
    held_at: datetime | None
    images: tuple[ImageSeen, ...]
    department: DepartmentSeen | None  # only where the card names it
    author_name: str | None  # only where the card names the opener
    readable: bool
    body_html: str | None
    actions: frozenset[str]
    handles: bool  # the viewer acts for the department: the link says 办理
    replies: tuple[ReplySeen, ...]
    show_author: bool
    show_department: bool
    heading: str
    link: bool


def _flag_actions(viewer: User | None, item: Thread | Reply) -> frozenset[str]:
    # Flagging needs a signed-in viewer: asking the rule for a visitor only builds a refusal.
    return frozenset(("flag",)) if viewer is not None and may(viewer, item, "flag") else frozenset()


def _body(viewer: User | None, item: Thread | Reply, readable: bool) -> str | None:
    return body_html_for(viewer, item) if readable else None


def _reply_seen(
    viewer: User | None, reply: Reply, readable: bool, thread_department: DepartmentSeen | None,
) -> ReplySeen:
    department = None
    if reply.official:
        department = DepartmentSeen(reply.department.name) if reply.department else thread_department
    return ReplySeen(
        id=reply.id, official=reply.official, final=reply.final, reworked_at=reply.reworked_at,
        department=department, created_at=reply.created_at, hidden_at=reply.hidden_at,
        hidden_reason=reply.hidden_reason, held_at=reply.held_at, readable=readable,
        body_html=_body(viewer, reply, readable), actions=_flag_actions(viewer, reply),
    )


def thread_seen(
    viewer: User | None, thread: Thread, now: datetime, *, replies: bool = True, show_author: bool = True,
    show_department: bool = False, heading: str = "h3", link: bool = True,
) -> ThreadSeen:
    """What ``viewer`` sees of ``thread`` as a card. ``replies=False`` where the list did not
    load them (they are never touched then)."""
    # (reply, readable) for each reply shown: a readable reply shows; another shows as its trace or not at all.
    judged = ((r, can_read(viewer, r)) for r in thread.replies) if replies else ()
    shown = [(r, reads) for r, reads in judged if reads or shows(viewer, r)]
    # The thread's department and opener are read only where the card names them, as before:
    # a list that did not load them must not load them row by row.
    needs_department = show_department or any(r.official and r.department is None for r, _ in shown)
    department = DepartmentSeen(thread.department.name) if needs_department else None
    needs_author = show_author or any(not r.official for r, _ in shown)
    readable = can_read(viewer, thread)
    return ThreadSeen(
        id=thread.id, kind=thread.kind, private=thread.private, channel=thread.channel, state=thread.state,
        overdue=thread.is_overdue(now), opened_at=thread.opened_at, due_at=thread.due_at,
        first_response_at=thread.first_response_at, rating=thread.rating, dismiss_reason=thread.dismiss_reason,
        hidden_at=thread.hidden_at, hidden_reason=thread.hidden_reason, held_at=thread.held_at,
        images=tuple(ImageSeen(i.key, i.thumb_key) for i in thread.images),
        department=department, author_name=author_name_for(viewer, thread) if needs_author else None,
        readable=readable, body_html=_body(viewer, thread, readable), actions=_flag_actions(viewer, thread),
        handles=acts_for(viewer, thread.department_id),
        replies=tuple(_reply_seen(viewer, r, reads, department) for r, reads in shown),
        show_author=show_author, show_department=show_department, heading=heading, link=link,
    )


def _render(card: ThreadSeen) -> str:
    template = current_app.jinja_env.get_template(TEMPLATE)
    # The shared macros ask these of the item; here every answer is already in the card.
    return template.render(
        thread=card, labels=labels,
        hidden_for=lambda item: not item.readable, body_for=lambda item: item.body_html,
        author_for=lambda thread: thread.author_name, can=lambda item, action: action in item.actions,
    )


def _card(viewer: User | None, thread: Thread, now: datetime, variant: tuple[str, str], options: dict) -> Markup:
    card = thread_seen(viewer, thread, now, **options)
    return cached_fragment(("thread-card", card, *variant), lambda: _render(card))


def thread_card(thread: Thread, now: datetime, **options) -> Markup:
    """The card of ``thread`` for the current viewer (options: see ``thread_seen``)."""
    return _card(current_viewer(), thread, now, page_variant(), options)


def thread_cards(threads: list[Thread], now: datetime, **options) -> list[Markup]:
    """The cards of a whole list: the viewer, the language and the text size are found once
    for the page, not once per card (a post page holds fifty)."""
    viewer, variant = current_viewer(), page_variant()
    return [_card(viewer, thread, now, variant, options) for thread in threads]


def post_thread_cards(post_id: int, now: datetime) -> list[Markup]:
    """The cards of a post's threads, oldest first, for the current viewer.

    Remembered while they stay true (metrics/memo.py), per viewer, language and text size: the
    rows change them only by a committed write, which moves the revision, and the clock only
    where a thread falls overdue or a post comes out, which ends the window. A post page
    served within both reads none of its threads, replies or images.
    """
    viewer, variant = current_viewer(), page_variant()

    def compute() -> tuple[list[Markup], None]:
        return [_card(viewer, thread, now, variant, {}) for thread in threads_of_post(post_id, cards=True)], None

    key = ("post-thread-cards", post_id, None if viewer is None else viewer.id, *variant)
    return memo.remembered(key, now, compute, large=True)
