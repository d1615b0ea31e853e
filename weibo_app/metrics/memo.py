"""Figures remembered for exactly as long as they stay true.

A figure is a function of the rows and of the moment judged (``as_of``). The rows change only
by a committed write, which moves the revision (marks.py). The moment changes a figure only
where a condition compares a stored time with it. With the stored facts settled (facts.py:
nothing that feeds them is dated after ``as_of``), these are the only such places:

- an answer still missing past the due time in force (``counted_due_at``: the on-time base);
- an awaiting thread past its due time (``due_at``: overdue);
- a post whose publishing time comes (``published_at``: published, unanswered, silent posts,
  days since the last post);
- a whole day more since a department's last post (each computation reports its own, below);
- local midnight (the default periods, weeks and "today" move).

Every other time compared with ``as_of`` is a row's own stamp (a like, a follow, an opening),
which is never after its writer's clock when it commits; figures are not remembered for a
moment before the latest such clock reading (``FigureMark.written_at``).

So a *window* is computed once per revision: from a moment ``start`` to the first of those
times after it. Within it, and within the revision, every figure is the same at every moment;
a figure computed once in the window is served for the rest of it. The first request after a
write, a due time or midnight computes afresh. A transaction that wrote is never served from
here (it sees rows no revision names), nor is a moment the stored facts are not settled at.

The same holds for what a page shows of threads whose only tie to the clock is the overdue
mark and a post being public: the post page's thread cards are remembered here too
(threads/cards.py), per viewer, language and text size.

Entries live in a bounded per-process LRU (``FIGURE_MEMO_ENTRIES``, 0 turns it off): each
worker computes a figure once per window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import sqlalchemy as sa
from flask import Flask, current_app

from ..core.clock import local_midnight_utc, to_local
from ..core.extensions import db
from ..core.lru import LRU
from ..models import Post, Thread, ThreadState
from . import facts, marks
from .queries import is_published_state
from .sql import aggregate_moment

V = TypeVar("V")
STORE = "figure_memo"
NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Window:
    revision: int
    start: datetime
    until: datetime  # exclusive

    def holds(self, as_of: datetime) -> bool:
        return self.start <= as_of < self.until


class FigureMemo:
    """Computed figures, each with the moment it stops being true, and each revision's window.

    Large values (a page section's rendered cards) are kept apart, in an eighth as many entries,
    so that a few of them cannot push out the figures nor grow a worker's memory far."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._entries: LRU[tuple, tuple[object, datetime]] = LRU(max_entries)
        self._large: LRU[tuple, tuple[object, datetime]] = LRU(max(1, max_entries // 8))
        self._windows: LRU[int, Window] = LRU(8)

    def __len__(self) -> int:
        return len(self._entries)

    def window(self, revision: int) -> Window | None:
        return self._windows.get(revision)

    def set_window(self, window: Window) -> None:
        self._windows.put(window.revision, window)

    def get(self, key: tuple, as_of: datetime, *, large: bool = False) -> tuple[object, datetime] | None:
        found = (self._large if large else self._entries).get(key)
        return None if found is None or as_of >= found[1] else found

    def put(self, key: tuple, value, until: datetime, *, large: bool = False) -> None:
        (self._large if large else self._entries).put(key, (value, until))


def remembered(key: tuple, as_of: datetime, compute: Callable[[], tuple[V, datetime | None]], *,
               large: bool = False) -> V:
    """``compute()``'s value, remembered under ``key`` (everything it depends on besides the rows
    and the moment) while it stays true. ``compute`` returns the value and the first moment after
    ``as_of`` at which it changes for reasons of its own (None: none beyond the window's).
    ``large``: kept among the few large values (see ``FigureMemo``)."""
    memo: FigureMemo | None = current_app.extensions.get(STORE)
    window = _window(memo, as_of) if memo is not None and memo.max_entries > 0 else None
    if window is None:
        return compute()[0]
    full = (window.revision, window.start, *key)
    found = memo.get(full, as_of, large=large)
    if found is None:
        value, own_until = compute()
        found = (value, min(window.until, own_until or window.until))
        memo.put(full, *found, large=large)
    return _copy(found[0])


def _copy(value):
    """A copy the caller may change (add a key to a row) without changing what is remembered:
    the values are rows (dicts of plain values), lists of them, or a dict of counts."""
    if isinstance(value, list):
        return [dict(item) if isinstance(item, dict) else item for item in value]
    if isinstance(value, dict):
        return dict(value)
    return value


def _window(memo: FigureMemo, as_of: datetime) -> Window | None:
    """The window ``as_of`` lies in, found or computed; None where nothing may be remembered."""
    revision, written = marks.current()
    if db.session.info.get(marks.WROTE) or (written is not None and written > as_of):
        return None
    window = memo.window(revision)
    if window is not None and window.holds(as_of):
        return window
    # Settled at ``as_of`` and nothing written since: settled at every later moment too.
    if not facts.settled(as_of):
        return None
    window = Window(revision, as_of, min(_next_midnight(as_of), _next_crossing(as_of)))
    memo.set_window(window)
    return window


def _next_midnight(as_of: datetime) -> datetime:
    return local_midnight_utc(to_local(as_of).date() + timedelta(days=1))


def _next_crossing(as_of: datetime) -> datetime:
    """The first stored time at or after ``as_of`` that a figure compares with the moment."""
    unanswered = (sa.select(sa.func.min(Thread.counted_due_at))
                  .where(Thread.counted_first_final_at.is_(None), Thread.counted_due_at >= as_of))
    # One seek in the awaiting threads by due time (ix_threads_due).
    awaiting = sa.select(sa.func.min(Thread.due_at)).where(Thread.state == ThreadState.AWAITING,
                                                          Thread.due_at >= as_of)
    publishing = sa.select(sa.func.min(Post.published_at)).where(is_published_state(), Post.published_at > as_of)
    found = db.session.execute(sa.select(unanswered.scalar_subquery(), awaiting.scalar_subquery(),
                                         publishing.scalar_subquery())).one()
    return min([aggregate_moment(t) for t in found if t is not None], default=NEVER)


def register(app: Flask) -> None:
    app.config.setdefault("FIGURE_MEMO_ENTRIES", 512)
    app.extensions[STORE] = FigureMemo(int(app.config["FIGURE_MEMO_ENTRIES"]))
