"""Reads for moderators: the queue of flagged and held items, and the hidden ones. Four queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..access.scope import oversight_of
from ..core.extensions import db
from ..models import Flag, Post, Reply, SensitiveWord, Thread, User
from .operations import MODELS

LIMIT = 200


@dataclass
class QueueEntry:
    target_type: str
    item: Post | Thread | Reply
    flags: list[Flag] = field(default_factory=list)

    @property
    def reasons(self) -> list[tuple[str, int]]:
        """(reason code, how many), most frequent first."""
        return Counter(f.reason for f in self.flags).most_common()

    @property
    def sort_key(self):
        return (self.item.held_at is None, -len(self.flags), self.item.id)


def _loaded(target_type: str):
    if target_type == "post":
        return sa.select(Post).options(joinedload(Post.department), joinedload(Post.author)), Post.department_id
    if target_type == "thread":
        stmt = sa.select(Thread).options(joinedload(Thread.department), joinedload(Thread.author))
        return stmt, Thread.department_id
    stmt = (
        sa.select(Reply).join(Reply.thread)
        .options(joinedload(Reply.author), joinedload(Reply.thread).joinedload(Thread.department))
    )
    return stmt, Thread.department_id


def moderation_queue(viewer: User) -> tuple[list[QueueEntry], list[QueueEntry]]:
    """(pending, hidden): held or flagged items first held, then most flagged; recently hidden items."""
    flags = db.session.scalars(
        sa.select(Flag).options(joinedload(Flag.reporter))
        .where(Flag.resolved_at.is_(None)).order_by(Flag.created_at, Flag.id).limit(LIMIT * 5)
    ).all()
    by_target: dict[tuple[str, int], list[Flag]] = {}
    for flag in flags:
        by_target.setdefault((flag.target_type, flag.target_id), []).append(flag)
    pending: list[QueueEntry] = []
    hidden: list[QueueEntry] = []
    for target_type, model in MODELS.items():
        flagged_ids = [tid for (ttype, tid) in by_target if ttype == target_type]
        stmt, dept_col = _loaded(target_type)
        waiting = sa.and_(model.hidden_at.is_(None), sa.or_(model.held_at.is_not(None), model.id.in_(flagged_ids)))
        rows = db.session.scalars(
            stmt.where(oversight_of(viewer).clause(dept_col), waiting).order_by(model.id).limit(LIMIT)
        ).unique().all()
        pending += [QueueEntry(target_type, item, by_target.get((target_type, item.id), [])) for item in rows]
        rows = db.session.scalars(
            stmt.where(oversight_of(viewer).clause(dept_col), model.hidden_at.is_not(None))
            .order_by(model.hidden_at.desc(), model.id.desc()).limit(50)
        ).unique().all()
        hidden += [QueueEntry(target_type, item) for item in rows]
    pending.sort(key=lambda e: e.sort_key)
    hidden.sort(key=lambda e: e.item.hidden_at, reverse=True)
    return pending, hidden


def sensitive_words() -> list[SensitiveWord]:
    return list(db.session.scalars(sa.select(SensitiveWord).order_by(SensitiveWord.word)))
