"""The revision of the data the figures are computed from (metrics/marks.py)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.extensions import db
from .types import UTCDateTime


class FigureMark(db.Model):
    """One of a few counters that every committing write moves (a write picks one at random, so
    concurrent writers seldom wait on the same row); their sum is the revision of the data.

    ``written_at`` is the latest clock reading of a write counted here: a moment judged before it
    may not yet see every row that write stamped."""

    __tablename__ = "figure_marks"

    shard: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
