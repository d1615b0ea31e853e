"""Keyset pagination: a page is "rows after this (time, id)", never OFFSET plus COUNT."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from .exceptions import Invalid

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(moment: datetime, row_id: int) -> str:
    raw = f"{moment.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        moment_raw, id_raw = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        moment = datetime.fromisoformat(moment_raw)
        if moment.tzinfo is None:
            raise ValueError
        return moment, int(id_raw)
    except (ValueError, UnicodeDecodeError):
        raise Invalid("无效的分页游标。", "invalid_cursor") from None


def keyset_desc(stmt: sa.Select, time_col: Any, id_col: Any, cursor: str | None, limit: int) -> sa.Select:
    """Newest first, starting after ``cursor``; fetches one extra row to know if more follow."""
    after = decode_cursor(cursor)
    if after is not None:
        moment, row_id = after
        stmt = stmt.where(sa.or_(time_col < moment, sa.and_(time_col == moment, id_col < row_id)))
    return stmt.order_by(time_col.desc(), id_col.desc()).limit(limit + 1)


def page_of(rows: list[T], limit: int, key) -> Page[T]:
    """Cut the extra row off and make the cursor for the next page."""
    if len(rows) > limit:
        rows = rows[:limit]
        moment, row_id = key(rows[-1])
        return Page(rows, encode_cursor(moment, row_id))
    return Page(rows, None)
