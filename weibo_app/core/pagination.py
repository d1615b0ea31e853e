"""Keyset pagination: a page is "rows after this (time, id)", never OFFSET plus COUNT."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _

from .dates import moment_in_window
from .exceptions import ServiceError
from .ids import is_valid_id

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


class InvalidCursor(ServiceError):
    """A cursor this app did not make: a 400, in the API as in pages."""

    status = 400
    code = "invalid_cursor"


def encode_cursor(moment: datetime, row_id: int) -> str:
    raw = f"{moment.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The (time, id) a cursor stands for; anything else, including a time outside the
    date window or an id no row can have, is an ``InvalidCursor``."""
    if not cursor:
        return None
    try:
        if len(cursor) > 200:
            raise ValueError
        padded = cursor + "=" * (-len(cursor) % 4)
        moment_raw, id_raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode().split("|")
        moment = datetime.fromisoformat(moment_raw)
        row_id = int(id_raw)
        if moment.tzinfo is None or not moment_in_window(moment) or not is_valid_id(row_id):
            raise ValueError
        return moment, row_id
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidCursor(_("无效的分页游标。"), "invalid_cursor") from None


def _before(time_col: Any, id_col: Any, moment: Any, row_id: Any) -> sa.ColumnElement[bool]:
    # The first term is implied by the second; it is the range an index on (time, id) seeks to.
    return sa.and_(time_col <= moment, sa.or_(time_col < moment, sa.and_(time_col == moment, id_col < row_id)))


def keyset_desc(stmt: sa.Select, time_col: Any, id_col: Any, cursor: str | None, limit: int) -> sa.Select:
    """Newest first, starting after ``cursor``; fetches one extra row to know if more follow."""
    after = decode_cursor(cursor)
    if after is not None:
        stmt = stmt.where(_before(time_col, id_col, *after))
    return stmt.order_by(time_col.desc(), id_col.desc()).limit(limit + 1)


def keyset_desc_params(cursor: str | None, limit: int) -> dict[str, Any]:
    """The parameters of a ``keyset_desc_shape`` statement for this page (an invalid cursor is
    an ``InvalidCursor``); ``"after_time" in params`` tells which shape they fit."""
    params: dict[str, Any] = {"page_limit": limit + 1}
    after = decode_cursor(cursor)
    if after is not None:
        params["after_time"], params["after_id"] = after
    return params


def keyset_desc_shape(stmt: sa.Select, time_col: Any, id_col: Any, after: bool) -> sa.Select:
    """``keyset_desc`` as a statement built once for every page: the cursor's (time, id) and the
    limit are bound parameters, given by ``keyset_desc_params``; ``after``: not the first page."""
    if after:
        stmt = stmt.where(_before(time_col, id_col, sa.bindparam("after_time"), sa.bindparam("after_id")))
    return stmt.order_by(time_col.desc(), id_col.desc()).limit(sa.bindparam("page_limit"))


def keyset_asc(stmt: sa.Select, time_col: Any, id_col: Any, cursor: str | None, limit: int) -> sa.Select:
    """Earliest first (e.g. by due time), starting after ``cursor``; fetches one extra row to know if more follow."""
    after = decode_cursor(cursor)
    if after is not None:
        moment, row_id = after
        # The first term is implied by the second; it is the range an index on (time, id) seeks to.
        stmt = stmt.where(time_col >= moment,
                          sa.or_(time_col > moment, sa.and_(time_col == moment, id_col > row_id)))
    return stmt.order_by(time_col, id_col).limit(limit + 1)


def page_of(rows: list[T], limit: int, key) -> Page[T]:
    """Cut the extra row off and make the cursor for the next page."""
    if len(rows) > limit:
        rows = rows[:limit]
        moment, row_id = key(rows[-1])
        return Page(rows, encode_cursor(moment, row_id))
    return Page(rows, None)
