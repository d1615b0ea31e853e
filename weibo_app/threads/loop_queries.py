"""Reads for the closed loop: the transfer trail, pending requests, the dispatcher's queue, lights."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..core.clock import to_local
from ..core.extensions import db
from ..models import (
    ApprovalState,
    Department,
    ExtensionRequest,
    Thread,
    TransferRequest,
    User,
)


def answered_at(thread: Thread) -> datetime | None:
    """The first final answer that counts (loaded replies): public, not sent back, by the owner now.

    The Python twin of ``metrics.counting.first_final_at`` for one thread.
    """
    times = [
        r.visible_at for r in thread.replies
        if r.official and r.final and r.visible_at is not None and r.held_at is None and r.hidden_at is None
        and r.reworked_at is None and r.department_id == thread.department_id
    ]
    return min(times) if times else None


def transfer_trail(thread_id: int) -> list[TransferRequest]:
    """Approved moves of the thread, oldest first (from, to, when)."""
    return list(db.session.scalars(
        sa.select(TransferRequest)
        .options(joinedload(TransferRequest.from_department), joinedload(TransferRequest.to_department))
        .where(TransferRequest.thread_id == thread_id, TransferRequest.state == ApprovalState.APPROVED)
        .order_by(TransferRequest.decided_at, TransferRequest.id)
    ))


def approved_extension(thread: Thread) -> ExtensionRequest | None:
    """The extension now in force (the latest approved), if the due time is still its day."""
    ext = db.session.scalar(
        sa.select(ExtensionRequest)
        .where(ExtensionRequest.thread_id == thread.id, ExtensionRequest.state == ApprovalState.APPROVED)
        .order_by(ExtensionRequest.decided_at.desc(), ExtensionRequest.id.desc()).limit(1)
    )
    return ext if ext is not None and ext.new_due_at == thread.due_at else None


def pending_requests(thread_id: int) -> tuple[TransferRequest | None, ExtensionRequest | None]:
    transfer = db.session.scalar(
        sa.select(TransferRequest).options(joinedload(TransferRequest.proposed_department))
        .where(TransferRequest.thread_id == thread_id, TransferRequest.state == ApprovalState.PENDING)
    )
    extension = db.session.scalar(
        sa.select(ExtensionRequest)
        .where(ExtensionRequest.thread_id == thread_id, ExtensionRequest.state == ApprovalState.PENDING)
    )
    return transfer, extension


def _in_scope(column, supervisor: User):
    scope = supervisor.supervised_department
    if scope is None:
        return sa.true()
    return column.in_(Department.subtree_ids(scope))


def dispatch_queue(supervisor: User, limit: int = 200) -> tuple[list[TransferRequest], list[ExtensionRequest]]:
    """Pending transfer and extension requests on threads of the supervisor's subtree, oldest first."""
    transfers = list(db.session.scalars(
        sa.select(TransferRequest)
        .join(Thread, Thread.id == TransferRequest.thread_id)
        .options(
            joinedload(TransferRequest.thread), joinedload(TransferRequest.from_department),
            joinedload(TransferRequest.proposed_department), joinedload(TransferRequest.requested_by),
        )
        .where(TransferRequest.state == ApprovalState.PENDING, _in_scope(Thread.department_id, supervisor))
        .order_by(TransferRequest.created_at, TransferRequest.id).limit(limit)
    ))
    extensions = list(db.session.scalars(
        sa.select(ExtensionRequest)
        .join(Thread, Thread.id == ExtensionRequest.thread_id)
        .options(
            joinedload(ExtensionRequest.thread), joinedload(ExtensionRequest.department),
            joinedload(ExtensionRequest.requested_by),
        )
        .where(ExtensionRequest.state == ApprovalState.PENDING, _in_scope(Thread.department_id, supervisor))
        .order_by(ExtensionRequest.created_at, ExtensionRequest.id).limit(limit)
    ))
    return transfers, extensions


def department_staff(department_id: int) -> list[User]:
    """Active staff of a department, for the handler choice."""
    # Their department comes with them: the pages that list them also name it (the signed-in
    # clerk's own department in the header), which then needs no query of its own.
    return list(db.session.scalars(
        sa.select(User).options(joinedload(User.department))
        .where(User.department_id == department_id, User.active.is_(True))
        .order_by(User.username)
    ))


def due_soon_cutoff(now: datetime) -> datetime:
    """黄灯 until this instant: due times are ends of working days, so an awaiting thread is
    on its last working day when it falls due before the end of today (local)."""
    from .routing import end_of_local_day

    return end_of_local_day(to_local(now).date())


__all__ = ["answered_at", "approved_extension", "dispatch_queue", "due_soon_cutoff", "pending_requests",
           "transfer_trail"]
