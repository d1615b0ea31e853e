"""The revision of the data: a number that every committed write moves, read in one statement.

The figures are a function of the rows and of the moment judged. memo.py remembers them for
as long as neither can change them; this module says when the rows did. Every transaction
that wrote anything adds a random step to one of ``SHARDS`` counters (``FigureMark``) just
before it commits, so the sum of the counters changes exactly when a write becomes visible:

- in the same transaction as the write, so a reader never sees new rows under an old revision
  without the concurrent write being the reason (a reader that read the revision first may
  remember figures that already include a write committed meanwhile, under the revision before
  it: only readers that started before that commit ever look them up);
- at the very end of the transaction, after every other lock it takes, so two writers cannot
  deadlock on it, and concurrent writers of other shards do not wait at all;
- by a random step rather than by one, so a database restored from a backup and written to
  again cannot reach a revision that once meant other rows.

A flush hook and an execute hook catch every write made through the session, whatever the
service; writes around the session (bulk loads, ``flask refresh-facts``) call ``bump``.
``written_at`` keeps the latest clock reading of a counted write: a moment judged before it may
not see every row that write stamped, so memo.py does not remember figures judged before it.
"""

from __future__ import annotations

import random
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from ..core.clock import utcnow
from ..core.extensions import db
from ..models import FigureMark
from .sql import aggregate_moment

SHARDS = 16
#: Set on a session's transaction once it wrote: its own reads see rows no revision names.
WROTE = "metrics.marks.wrote"
READ = "metrics.marks.read"


def bump(connection: sa.Connection) -> None:
    """Move the revision, in ``connection``'s transaction (call it last before the commit)."""
    now = utcnow()
    insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(FigureMark)
    step = random.randint(1, 2**31)  # noqa: S311 - not a secret: only unlike any earlier step
    stmt = insert.values(shard=random.randrange(SHARDS), revision=step, written_at=now)  # noqa: S311
    connection.execute(stmt.on_conflict_do_update(index_elements=[FigureMark.shard], set_={
        "revision": FigureMark.revision + stmt.excluded.revision,
        "written_at": sa.case((FigureMark.written_at > stmt.excluded.written_at, FigureMark.written_at),
                              else_=stmt.excluded.written_at),
    }))


def current(session: Session | None = None) -> tuple[int, datetime | None]:
    """The revision of the committed data and the latest moment a write was stamped at, read once
    per transaction (a request asks for several figures; a write committed meanwhile is one it
    began before, and its next transaction sees the new revision)."""
    session = session or db.session
    if READ not in session.info:
        session.info[READ] = _read(session)
    return session.info[READ]


#: Built once: every request that shows a figure sends it.
_REVISION = sa.select(sa.func.coalesce(sa.func.sum(FigureMark.revision), 0), sa.func.max(FigureMark.written_at))


def _read(session: Session) -> tuple[int, datetime | None]:
    total, latest = session.execute(_REVISION).one()
    return int(total), aggregate_moment(latest)


# --- the hooks -----------------------------------------------------------------------------

def _flushed(session: Session, _flush_context) -> None:
    session.info[WROTE] = True


def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


def _committing(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # the commit's own flush comes after this hook: its rows must be counted
    if session.info.get(WROTE):
        bump(session.connection())


def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the transaction itself, not a savepoint within it
        session.info.pop(WROTE, None)
        session.info.pop(READ, None)


def connect() -> None:
    """Install the hooks (once)."""
    for name, fn in (("after_flush", _flushed), ("do_orm_execute", _executed), ("before_commit", _committing),
                     ("after_transaction_end", _ended)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
