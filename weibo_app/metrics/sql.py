"""Portable SQL pieces: hours between two timestamps, and the grouping of departments."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from ..models import Department


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


def grouping(subtree: bool) -> tuple[sa.Alias, sa.Alias, sa.ColumnElement[bool]]:
    """(group, member, join condition): each group department and the departments it counts.

    With ``subtree`` a department counts everything below it (path prefix); without,
    only itself.
    """
    group = sa.orm.aliased(Department, name="grp")
    member = sa.orm.aliased(Department, name="mem")
    if subtree:
        cond = member.path.startswith(group.path, autoescape=False)
    else:
        cond = member.id == group.id
    return group, member, cond


def percentile(values_sql: sa.ColumnElement, num: int, den: int, n_col, rn_col) -> sa.ColumnElement:
    """Linear-interpolated percentile ``num/den`` (as ``percentile_cont``) from ranked rows.

    ``rn_col`` is the 1-based rank of a value, ``n_col`` the group's count. The
    position is 1 + (n - 1) * num / den; the two ranks around it are blended.
    Integer arithmetic keeps the floor identical on SQLite and PostgreSQL.
    """
    scaled = (n_col - 1) * num
    low = 1 + scaled // den
    frac = sa.cast(scaled % den, sa.Float) / float(den)
    return sa.func.sum(
        sa.case(
            (rn_col == low, values_sql * (1.0 - frac)),
            (rn_col == low + 1, values_sql * frac),
            else_=0.0,
        )
    )
