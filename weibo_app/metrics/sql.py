"""Portable SQL pieces: hours between two timestamps, and the grouping of departments."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from ..models import Department
from ..models.types import UTCDateTime


def aggregate_moment(value) -> datetime | None:
    """A ``max``/``min`` over a UTC timestamp column as an aware datetime: SQLite hands an
    aggregate over the column back as stored (text, or naive), not through the column's type."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


class hours_between(FunctionElement):
    """``later - earlier`` in hours, as a float, on SQLite and PostgreSQL."""

    type = sa.Float()
    inherit_cache = True


@compiles(hours_between, "sqlite")
def _hours_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (
        f"((julianday({compiler.process(later, **kw)}) - "
        f"julianday({compiler.process(earlier, **kw)})) * 24.0)"
    )


@compiles(hours_between, "postgresql")
def _hours_postgresql(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (
        f"(EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - "
        f"{compiler.process(earlier, **kw)})) / 3600.0)"
    )


@cache
def grouping(subtree: bool) -> tuple[sa.Alias, sa.Alias, sa.ColumnElement[bool]]:
    """(group, member, join condition): each group department and the departments it counts.

    With ``subtree`` a department counts everything below it (path prefix); without,
    only itself. Made once per kind (building the aliases is not free, and they never change).
    """
    group = sa.orm.aliased(Department, name="grp")
    member = sa.orm.aliased(Department, name="mem")
    if subtree:
        cond = member.path.startswith(group.path, autoescape=False)
    else:
        cond = member.id == group.id
    return group, member, cond


class latest_of(FunctionElement):
    """The latest of several moments, NULLs ignored; the first must never be NULL."""

    type = UTCDateTime()
    inherit_cache = True


@compiles(latest_of, "sqlite")
def _latest_sqlite(element, compiler, **kw):
    # SQLite's many-argument max() is NULL as soon as one argument is: each falls back to the first.
    first, *others = [compiler.process(arg, **kw) for arg in element.clauses]
    return "max(" + ", ".join([first, *(f"coalesce({o}, {first})" for o in others)]) + ")"


@compiles(latest_of, "postgresql")
def _latest_postgresql(element, compiler, **kw):
    return "greatest(" + ", ".join(compiler.process(arg, **kw) for arg in element.clauses) + ")"
