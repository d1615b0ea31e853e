"""Reads for threads: eager-loaded so templates never query row by row."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, raiseload, selectinload

from ..access.read import shown_threads_clause, shows
from ..access.viewer import current_viewer
from ..core.exceptions import NotFound
from ..core.extensions import db
from ..core.pagination import Page, keyset_asc, keyset_desc, page_of
from ..models import Reply, Thread, ThreadState


def _with_replies(stmt: sa.Select, cards: bool = False) -> sa.Select:
    """Threads with what their pages show. Cards (``cards=True``) never name the handler:
    no second user row joined to every thread. (The department stays: the read rule asks it
    of a supervisor's scope.)"""
    stmt = stmt.options(
        joinedload(Thread.author),
        joinedload(Thread.department),
        # A reply shows its department (official) or the thread's opener, never its own author row.
        selectinload(Thread.replies).options(joinedload(Reply.department)),
    )
    return stmt if cards else stmt.options(joinedload(Thread.handler))


def get_thread(thread_id: int) -> Thread:
    """A thread with its replies (as its notice where hidden), or NotFound: held and private
    threads do not exist for those who may not read them."""
    thread = db.session.scalar(
        _with_replies(sa.select(Thread).options(joinedload(Thread.post))).where(Thread.id == thread_id)
    )
    if thread is None or not shows(current_viewer(), thread):
        raise NotFound(_("没有这条留言。"), "thread_not_found")
    return thread


def threads_of_post(post_id: int, cards: bool = False) -> list[Thread]:
    """All threads on a post, oldest first, with replies (``cards=True``: for the thread cards)."""
    stmt = _with_replies(sa.select(Thread), cards).where(
        Thread.post_id == post_id, shown_threads_clause(current_viewer())
    )
    return list(db.session.scalars(stmt.order_by(Thread.opened_at, Thread.id)))


def board_threads(department_id: int, cursor: str | None, limit: int) -> Page[Thread]:
    """A department's message board: questions addressed to it directly, newest first (as cards)."""
    stmt = _with_replies(sa.select(Thread), cards=True).where(
        Thread.department_id == department_id, Thread.post_id.is_(None),
        shown_threads_clause(current_viewer()),
    )
    rows = list(db.session.scalars(keyset_desc(stmt, Thread.opened_at, Thread.id, cursor, limit)))
    return page_of(rows, limit, lambda t: (t.opened_at, t.id))


def threads_of_author(author_id: int, cursor: str | None, limit: int) -> Page[Thread]:
    """A resident's own questions, newest first."""
    stmt = (
        sa.select(Thread)
        .options(joinedload(Thread.department), joinedload(Thread.post))
        .where(Thread.author_id == author_id)
    )
    rows = list(db.session.scalars(keyset_desc(stmt, Thread.opened_at, Thread.id, cursor, limit)))
    return page_of(rows, limit, lambda t: (t.opened_at, t.id))


#: Rows on one page of /inbox; the rest follow page by page, in the same order.
INBOX_PAGE = 50


def _inbox_query(department_id: int, handler_id: int | None, due: str | None, now, soon_until) -> sa.Select:
    """Awaiting threads of a department, with the filters of the inbox (unordered)."""
    stmt = (
        sa.select(Thread)
        # The list links to the post by its id (post_id), nothing more of it: no join.
        .options(joinedload(Thread.author), joinedload(Thread.handler))
        .where(Thread.department_id == department_id, Thread.state == ThreadState.AWAITING)
    )
    if handler_id is not None:
        stmt = stmt.where(Thread.handler_id == handler_id)
    if due == "overdue":
        stmt = stmt.where(Thread.due_at < now)
    elif due == "soon":
        stmt = stmt.where(Thread.due_at >= now, Thread.due_at <= soon_until)
    return stmt


def inbox(
    department_id: int, limit: int = 200, *, handler_id: int | None = None, due: str | None = None,
    now=None, soon_until=None,
) -> list[Thread]:
    """Awaiting threads of a department: overdue first, then by due time.

    ``handler_id`` keeps one handler's (我承办的); ``due`` "soon" (黄灯: due by ``soon_until``,
    not yet overdue) or "overdue" (红灯, past due at ``now``).
    """
    stmt = _inbox_query(department_id, handler_id, due, now, soon_until)
    return list(db.session.scalars(stmt.order_by(Thread.due_at, Thread.id).limit(limit)))


def inbox_page(
    department_id: int, cursor: str | None, limit: int | None = None, *, handler_id: int | None = None,
    due: str | None = None, now=None, soon_until=None,
) -> Page[Thread]:
    """One page of ``inbox``, in the same order (earliest due first), continuing after ``cursor``."""
    limit = limit or INBOX_PAGE
    # The page lists no images: not the query per page that Thread.images would otherwise make.
    stmt = _inbox_query(department_id, handler_id, due, now, soon_until).options(raiseload(Thread.images))
    rows = list(db.session.scalars(keyset_asc(stmt, Thread.due_at, Thread.id, cursor, limit)))
    return page_of(rows, limit, lambda t: (t.due_at, t.id))


def inbox_totals(department_id: int, now, soon_until=None) -> tuple[int, int] | tuple[int, int, int]:
    """(awaiting, overdue) of a department, counted in SQL (the list itself may be cut);
    with ``soon_until`` also the due-soon count (黄灯)."""
    params = {"department_id": department_id, "now": now, "soon_until": soon_until}
    row = db.session.execute(_totals_statement(soon_until is not None), params).one()
    _remember_awaiting(department_id, row[0])
    return tuple(row)


@cache
def _totals_statement(with_soon: bool) -> sa.Select:
    """``inbox_totals``' statement, built once (on every request of the inbox, building it cost
    as much as running it): the department and the moments are parameters."""
    now, soon_until = sa.bindparam("now"), sa.bindparam("soon_until")
    # count() rather than count(id): the same number (id is never null), read from ix_threads_inbox alone.
    cols = [sa.func.count(), sa.func.count(sa.case((Thread.due_at < now, 1)))]
    if with_soon:
        cols.append(sa.func.count(sa.case((sa.and_(Thread.due_at >= now, Thread.due_at <= soon_until), 1))))
    return (
        sa.select(*cols).select_from(Thread)
        .where(Thread.department_id == sa.bindparam("department_id"), Thread.state == ThreadState.AWAITING)
    )


def _remember_awaiting(department_id: int, count: int) -> None:
    """The inbox counted its department's awaiting threads: the header's badge reuses the
    number in this request instead of counting them all again."""
    if has_request_context():
        g.setdefault("awaiting_counts", {})[department_id] = count


def awaiting_count(department_id: int) -> int:
    """How many of a department's threads await an answer (the inbox badge)."""
    if has_request_context() and department_id in g.get("awaiting_counts", {}):
        return g.awaiting_counts[department_id]
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Thread)
        .where(Thread.department_id == department_id, Thread.state == ThreadState.AWAITING)
    ) or 0
