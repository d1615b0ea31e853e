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


def first_final_at(as_of) -> sa.ScalarSelect:
    """The first counted final answer."""
    # Correlated explicitly: nested inside ``due_in_force`` it must still mean the outer thread.
    return (sa.select(sa.func.min(Reply.visible_at)).where(counted_reply(as_of, final=True))
            .correlate(Thread).scalar_subquery())


def due_in_force(moment) -> sa.ColumnElement:
    """The due time for on-time figures at ``moment``: the first due time, moved only by an
    extension approved by then (the latest approved day)."""
    extended = (
        sa.select(sa.func.max(ExtensionRequest.new_due_at))
        .where(ExtensionRequest.thread_id == Thread.id, ExtensionRequest.state == ApprovalState.APPROVED,
               ExtensionRequest.decided_at <= moment)
        # Everything but the extensions comes from the enclosing query: ``moment`` may be a column
        # of a pass over the threads (compute_metrics), not only ``Thread``'s own.
        .correlate_except(ExtensionRequest).scalar_subquery()
    )
    return sa.func.coalesce(extended, Thread.first_due_at)


def has_event(kind: EventKind, as_of) -> sa.ColumnElement[bool]:
    return (
        sa.select(ThreadEvent.id)
        .where(ThreadEvent.thread_id == Thread.id, ThreadEvent.kind == kind, ThreadEvent.created_at <= as_of)
        .exists()
    )


def was_extended(as_of) -> sa.ColumnElement[bool]:
    return (
        sa.select(ExtensionRequest.id)
        .where(ExtensionRequest.thread_id == Thread.id, ExtensionRequest.state == ApprovalState.APPROVED,
               ExtensionRequest.decided_at <= as_of)
        .exists()
    )


def was_transferred(as_of) -> sa.ColumnElement[bool]:
    return (
        sa.select(TransferRequest.id)
        .where(TransferRequest.thread_id == Thread.id, TransferRequest.state == ApprovalState.APPROVED,
               TransferRequest.decided_at <= as_of)
        .exists()
    )
