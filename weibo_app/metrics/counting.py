"""Which official replies count, and when: the one definition behind responded, answered,
on-time and first-response figures (DESIGN.md, "Metrics — one definition everywhere").

An official reply counts at ``as_of`` when

- the public could see it by then (``visible_at``: its writing, or its release by a moderator)
  and it is not held or hidden now ("only while visible");
- it was written by the department that owns the thread (a transfer does not carry the
  previous owner's answer along — ownership is the thread's department now: the figures
  follow the department that holds the thread, as every other figure does).

A final answer (办结答复) counts as the answer only until a supervisor sends the thread back
(发回重办, ``reworked_at``): from that moment the redone answer is the one that counts, and it
is judged on time against the first due time, moved only by an approved extension — a rework
never buys the department a new on-time deadline. Interim replies (阶段性答复) are responses,
never answers.

Every function returns a SQL expression correlated to ``Thread``: no row is loaded.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..models import ApprovalState, EventKind, ExtensionRequest, Reply, Thread, ThreadEvent, TransferRequest
from .sql import hours_between


def counted_reply(as_of, *, final: bool) -> sa.ColumnElement[bool]:
    """Conditions on ``Reply`` (with ``Thread`` in scope) for a counted official reply."""
    conds = [
        Reply.thread_id == Thread.id,
        Reply.official.is_(True),
        Reply.department_id == Thread.department_id,
        Reply.visible_at.is_not(None),
        Reply.visible_at <= as_of,
        Reply.held_at.is_(None),
        Reply.hidden_at.is_(None),
    ]
    if final:
        conds += [Reply.final.is_(True), sa.or_(Reply.reworked_at.is_(None), Reply.reworked_at > as_of)]
    return sa.and_(*conds)


def first_response_at(as_of) -> sa.ScalarSelect:
    """The first counted official reply of any type (interim or final)."""
    return (sa.select(sa.func.min(Reply.visible_at)).where(counted_reply(as_of, final=False))
            .correlate(Thread).scalar_subquery())


def response_hours(first_response) -> sa.ColumnElement[float]:
    """Hours from the thread's opening to ``first_response``, as a float: the one value the
    median, the 90th percentile and the time buckets take, and the one stored on the thread
    (``Thread.counted_response_hours``, facts.py)."""
    return sa.cast(hours_between(first_response, Thread.opened_at), sa.Float)


def first_final_at(as_of) -> sa.ScalarSelect:
    """The first counted final answer."""
    # Correlated explicitly: nested inside ``due_in_force`` it must still mean the outer thread.
    return (sa.select(sa.func.min(Reply.visible_at)).where(counted_reply(as_of, final=True))
            .correlate(Thread).scalar_subquery())


def approved_by(moment) -> sa.ColumnElement[bool]:
    """Conditions on ``ExtensionRequest`` for an extension in force at ``moment``."""
    return sa.and_(ExtensionRequest.state == ApprovalState.APPROVED, ExtensionRequest.decided_at <= moment)


def due_from(latest_extension) -> sa.ColumnElement:
    """The due time in force, given the latest approved extension's day (None: the first due time)."""
    return sa.func.coalesce(latest_extension, Thread.first_due_at)


def due_in_force(moment) -> sa.ColumnElement:
    """The due time for on-time figures at ``moment``: the first due time, moved only by an
    extension approved by then (the latest approved day)."""
    extended = (
        sa.select(sa.func.max(ExtensionRequest.new_due_at))
        .where(ExtensionRequest.thread_id == Thread.id, approved_by(moment))
        # Everything but the extensions comes from the enclosing query: ``moment`` may be a column
        # of a pass over the threads (compute_metrics), not only ``Thread``'s own.
        .correlate_except(ExtensionRequest).scalar_subquery()
    )
    return due_from(extended)


# --- the same moments for many threads at once: one grouped pass instead of a lookup per thread

def replies_by_thread(as_of, scope) -> sa.Subquery:
    """Per thread in ``scope`` (conditions on ``Thread``) with a counted reply: ``first_response``
    and ``first_final``, as ``first_response_at`` and ``first_final_at`` define them."""
    return (
        sa.select(
            Reply.thread_id.label("thread_id"),
            sa.func.min(Reply.visible_at).label("first_response"),
            sa.func.min(sa.case((counted_reply(as_of, final=True), Reply.visible_at))).label("first_final"),
        )
        .select_from(Reply).join(Thread, counted_reply(as_of, final=False))
        .where(scope).group_by(Reply.thread_id).subquery("counted_replies")
    )


def extensions_by_thread(moment) -> sa.Subquery:
    """Per thread with an extension in force at ``moment``: the latest approved day (``latest``)."""
    return (
        sa.select(ExtensionRequest.thread_id.label("thread_id"), sa.func.max(ExtensionRequest.new_due_at).label("latest"))
        .where(approved_by(moment)).group_by(ExtensionRequest.thread_id).subquery("extensions_in_force")
    )


# The closed-loop steps: "the thread is among those with such a row by ``as_of``" (one set per
# query, probed per thread, rather than a lookup per thread).

def has_event(kind: EventKind, as_of) -> sa.ColumnElement[bool]:
    return Thread.id.in_(
        sa.select(ThreadEvent.thread_id).where(ThreadEvent.kind == kind, ThreadEvent.created_at <= as_of)
    )


def was_extended(as_of) -> sa.ColumnElement[bool]:
    return Thread.id.in_(sa.select(ExtensionRequest.thread_id).where(approved_by(as_of)))


def was_transferred(as_of) -> sa.ColumnElement[bool]:
    return Thread.id.in_(
        sa.select(TransferRequest.thread_id)
        .where(TransferRequest.state == ApprovalState.APPROVED, TransferRequest.decided_at <= as_of)
    )


#: The closed-loop figures (DESIGN.md): the thread went through the step by ``as_of``.
LOOP_STEPS = {
    "extended": was_extended,
    "reworked": lambda as_of: has_event(EventKind.REWORK, as_of),
    "urged": lambda as_of: has_event(EventKind.URGE, as_of),
    "transfers": was_transferred,
    "visited": lambda as_of: has_event(EventKind.VISIT, as_of),
}
