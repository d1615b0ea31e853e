"""The first-response hours of a period by bucket: the percentiles found from the daily counts.

Each day's counts (``ThreadDay``) hold how many responded threads took each span of time to
a first response (``RESPONSE_BOUNDS``). Summed over a period they say, for each reported
department, which bucket holds each value a percentile needs and at which rank in it; the
hours of only those buckets are then read (``ix_threads_responded`` walks a department's hours
in order), and each value is picked from its bucket (rollup.nth_of_runs). The answer is the
one the hours of the whole period give (rollup.percentile_of_members): the buckets are exact
counts of the same threads, in whole seconds rounded, an order that agrees with the hours'.

Should a department's bucket hold other than it counts, which only a row written around the
application could cause, the hours of the whole period are read instead.
"""

from __future__ import annotations

import logging
import sys
from array import array
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from itertools import accumulate, groupby
from operator import itemgetter

import sqlalchemy as sa

from ..core.extensions import db
from ..models import Thread
from ..models.thread import RESPONSE_BOUNDS, RESPONSE_BUCKETS
from . import queries as q
from . import rollup as r

log = logging.getLogger(__name__)

#: The percentiles of the figures, as fractions: the median and the 90th.
MEDIAN, P90 = (1, 2), (9, 10)


def seconds_of(hours: sa.ColumnElement[float]) -> sa.ColumnElement:
    """First-response hours in whole seconds, as every bucket counts them (these and the
    dashboard's, distribution.py): rid of float noise, so that exactly 4 hours is 14,400. The
    databases round a half their own ways, which agree on the side of every bound, as each is
    an even number of seconds."""
    return sa.func.round(hours * 3600.0)


def bucket_counts(f: q.Facts) -> list[sa.ColumnElement[int]]:
    """The aggregates of ``RESPONSE_BUCKETS`` over ``Thread``: the responded threads whose
    first response (``f.response_hours``) falls in each bucket."""
    seconds = seconds_of(f.response_hours)
    bucket = sa.case(*[(seconds < bound, i) for i, bound in enumerate(RESPONSE_BOUNDS)], else_=len(RESPONSE_BOUNDS))
    responded = q.is_responded(None, f)
    return [q._count(sa.and_(responded, bucket == i)) for i in range(len(RESPONSE_BUCKETS))]


def fold(counts: Sequence[int], uppers: Sequence[int]) -> list[int]:
    """Bucket counts gathered into coarser buckets with the upper bounds ``uppers`` (seconds,
    each one of ``RESPONSE_BOUNDS``), the last open-ended."""
    assert set(uppers) <= set(RESPONSE_BOUNDS), uppers
    out = [0] * (len(uppers) + 1)
    for i, n in enumerate(counts):
        lower = RESPONSE_BOUNDS[i - 1] if i else -1
        out[bisect_right(uppers, lower)] += int(n or 0)
    return out


def percentiles(
    histograms: Mapping[int, Sequence[int]], members: Mapping[int, Sequence[int]], hours_of: Callable,
    read_all: Callable[[], dict[int, list[float]]],
) -> dict[int, tuple[float | None, float | None]]:
    """Each group's median and 90th percentile of its members' first-response hours.

    ``histograms`` are the members' bucket counts over the period; ``hours_of(bucket, depts)``
    is a statement of (department, hours) of the period's responded threads of ``depts`` in the
    bucket (``in_bucket``); ``read_all()`` gives every department's hours ascending, for when
    the buckets do not hold what they count.
    """
    totals = {gid: r.add_up(histograms, ms, len(RESPONSE_BUCKETS)) or [0] * len(RESPONSE_BUCKETS)
              for gid, ms in members.items()}
    # Which ranks each percentile asks for (the one definition, asked with a recorder).
    wanted: dict[int, set[int]] = {}
    for gid, hist in totals.items():
        for num, den in (MEDIAN, P90):
            r.percentile(sum(hist), lambda k, gid=gid: wanted.setdefault(gid, set()).add(k) or 0.0, num, den)
    places: dict[tuple[int, int], tuple[int, int]] = {}  # (group, rank) -> (bucket, rank in it)
    needed: dict[int, set[int]] = {}  # bucket -> departments
    for gid, ranks in wanted.items():
        ends = list(accumulate(totals[gid]))
        for k in ranks:
            b = bisect_right(ends, k)
            places[gid, k] = (b, k - (ends[b - 1] if b else 0))
            needed.setdefault(b, set()).update(m for m in members[gid] if histograms.get(m) and histograms[m][b])
    runs = _read_buckets(needed, hours_of)
    if any(len(runs.get((m, b), ())) != histograms[m][b] for b, depts in needed.items() for m in depts):
        log.warning("first-response buckets out of step with the threads; reading every hour")
        return percentiles_of_values(read_all(), members)

    def value(gid: int, k: int) -> float:
        b, rank = places[gid, k]
        return r.nth_of_runs([runs[m, b] for m in members[gid] if runs.get((m, b))], rank)

    return {gid: tuple(r.percentile(sum(totals[gid]), lambda k, gid=gid: value(gid, k), num, den)
                       for num, den in (MEDIAN, P90))
            for gid in members}


def percentiles_of_values(values: Mapping[int, list[float]],
                          members: Mapping[int, Sequence[int]]) -> dict[int, tuple[float | None, float | None]]:
    """Each group's median and 90th percentile from every member's hours (ascending)."""
    return {gid: (r.percentile_of_members(values, ms, *MEDIAN), r.percentile_of_members(values, ms, *P90))
            for gid, ms in members.items()}


def _read_buckets(needed: Mapping[int, set[int]], hours_of: Callable) -> dict[tuple[int, int], list[float]]:
    """Each (department, bucket) asked for: its hours, ascending."""
    if not needed:
        return {}
    parts = [hours_of(b, sorted(depts)).add_columns(sa.literal(b).label("bucket"))
             for b, depts in sorted(needed.items())]
    return values_by_department(sa.union_all(*parts))


def in_bucket(b: int, depts: Sequence[int], hours: sa.ColumnElement[float]) -> sa.ColumnElement[bool]:
    """The condition of ``hours_of``: one of ``depts``, hours in bucket ``b``. The hours are first
    bounded a second beyond the bucket's bounds, a range of the index, then held to the bucket
    by the very expression the daily counts use."""
    conds = [Thread.department_id.in_(depts)]
    if b:
        low = RESPONSE_BOUNDS[b - 1]
        conds += [hours >= (low - 1) / 3600.0, seconds_of(hours) >= low]
    if b < len(RESPONSE_BOUNDS):
        high = RESPONSE_BOUNDS[b]
        conds += [hours < (high + 1) / 3600.0, seconds_of(hours) < high]
    return sa.and_(*conds)


def values_by_department(stmt: sa.Select | sa.CompoundSelect) -> dict:
    """Each department's values from a statement of (department, value), ascending; or each
    (department, bucket)'s from one of (department, value, bucket).

    A year of a county is close to a million values. PostgreSQL hands them over as one string
    of 8-byte IEEE doubles per key (``float8send``, exact to the bit: sixty rows instead of
    a million, read twice as fast as arrays of text; sorted there, each department's values
    spill to disk beyond ``work_mem``, three times slower than sorting them here). SQLite's
    driver's own rows are taken at once, several times faster than batch by batch or as result
    rows (an integer and a float need no conversion).
    """
    values: dict = {}
    sub = stmt.subquery()
    keys = [sub.c[0], *sub.c[2:]]
    key = itemgetter(0) if len(keys) == 1 else itemgetter(0, 1)
    if db.engine.dialect.name == "postgresql":
        doubles = sa.func.string_agg(sa.func.float8send(sub.c[1]), sa.literal_column("''::bytea"))
        for *found_key, raw in db.session.execute(sa.select(*keys, doubles).group_by(*keys)):
            found = array("d", bytes(raw))
            if sys.byteorder == "little":  # float8send writes network order (big-endian)
                found.byteswap()
            values[key(found_key)] = found.tolist()
    else:
        result = db.session.connection().execute(sa.select(*keys, sub.c[1]))
        try:
            rows = result.cursor.fetchall()
        finally:
            result.close()
        for found_key, found in groupby(rows, key=key):
            values.setdefault(found_key, []).extend(map(itemgetter(-1), found))
    r.sort_each(values)
    return values
