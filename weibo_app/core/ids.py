"""Row ids: 1..2^63-1, the range every database column for an id can hold.

An id outside it names no row. In a URL it is a 404 before any view runs (the
``int`` converter of every route is ``BoundedIntConverter``); in a JSON body
``id_value`` refuses it with a 422. Without the bound, 2^63 reaches the
database driver and fails there as an overflow (a 500).
"""

from __future__ import annotations

import builtins
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

MIN_ID = 1
MAX_ID = 2**63 - 1


def is_valid_id(value: Any) -> bool:
    """A real ``int`` (not ``bool``) within the range of a row id."""
    return isinstance(value, int) and not isinstance(value, bool) and MIN_ID <= value <= MAX_ID


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` with the row-id range: any other number matches no route (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        lower = MIN_ID if min is None else builtins.max(min, MIN_ID)
        upper = MAX_ID if max is None else builtins.min(max, MAX_ID)
        super().__init__(map, fixed_digits=fixed_digits, min=lower, max=upper, signed=signed)


def register(app: Flask) -> None:
    """Before any blueprint: every ``<int:...>`` route built afterwards is bounded."""
    app.url_map.converters["int"] = BoundedIntConverter
