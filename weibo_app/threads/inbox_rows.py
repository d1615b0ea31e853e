"""The rows of /inbox, each rendered from what it shows and cached by it (core/fragments.py).

A row is the same for every member of the department's staff at the same minute: its thread's
fields, the opener's name as the viewer may read it (``access.read.author_name_for``), the
handler, the light (红灯 overdue, 黄灯 due today) and how long it has waited. ``InboxRowSeen``
holds exactly that, so it is both the template's only input and the cache key: a write, a
new minute's wait or another viewer's verdict on the opener's name is another key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from markupsafe import Markup

from ..access.read import author_name_for
from ..access.viewer import current_viewer
from ..core import labels
from ..core.fragments import cached_fragment, page_variant
from ..models import Thread, User
from ..templating import age

TEMPLATE = "threads/_inbox_row.html"


@dataclass(frozen=True)
class InboxRowSeen:
    id: int
    state: str
    overdue: bool
    due_soon: bool  # due by the end of today (the row's colour)
    due_at: datetime
    kind: str
    body: str
    opened_at: datetime
    waited: str  # how long since it was opened, in words
    author_name: str
    handler_name: str | None  # None: not signed for yet
    post_id: int | None


def _row(viewer: User | None, thread: Thread, now: datetime, soon: datetime, variant: tuple[str, str]) -> Markup:
    """The row of ``thread`` at ``now`` (黄灯 until ``soon``) for ``viewer``, in ``variant``."""
    row = InboxRowSeen(
        id=thread.id, state=thread.state, overdue=thread.is_overdue(now), due_soon=thread.due_at <= soon,
        due_at=thread.due_at, kind=thread.kind, body=thread.body, opened_at=thread.opened_at,
        waited=age(thread.opened_at), author_name=author_name_for(viewer, thread),
        handler_name=thread.handler.shown_name if thread.handler else None,
        post_id=thread.post_id,
    )

    def render() -> str:
        return current_app.jinja_env.get_template(TEMPLATE).render(row=row, labels=labels)

    return cached_fragment(("inbox-row", row, *variant), render)


def inbox_rows(threads: list[Thread], now: datetime, soon: datetime) -> list[Markup]:
    """The rows of a page of the inbox: the viewer, the language and the text size are found
    once for the page, not once per row."""
    viewer, variant = current_viewer(), page_variant()
    return [_row(viewer, thread, now, soon, variant) for thread in threads]
