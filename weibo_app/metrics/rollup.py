"""Rolling per-department partial figures up to each reported department (and its subtree).

The database aggregates every figure once per department (one GROUP BY department over the
period); a department's subtree is then the departments whose ``path`` starts with its own,
and its figure the sum of theirs. Counts add up; percentiles need the values themselves, so
they are taken here from the sorted union of the members' values, with the very arithmetic
DESIGN.md gives (and PostgreSQL's ``percentile_cont`` follows).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


def members_by_group(paths: Mapping[int, str], group_ids: Iterable[int], subtree: bool) -> dict[int, list[int]]:
    """Each reported department and the departments it counts: itself, or its whole subtree."""
    if not subtree:
        return {gid: [gid] for gid in group_ids}
    return {gid: [mid for mid, path in paths.items() if path.startswith(paths[gid])] for gid in group_ids}


def add_up(partials: Mapping[int, Sequence[int]], members: Sequence[int], width: int) -> list[int] | None:
    """The column-wise sum of the members' partial counts (None: no member has a row)."""
    found = [partials[m] for m in members if m in partials]
    if not found:
        return None
    return [sum(int(row[i] or 0) for row in found) for i in range(width)]


def sorted_union(values: Mapping[int, list[float]], members: Sequence[int]) -> list[float]:
    """All the members' values in one ascending list, each member's list being ascending already
    (``sort_each``): the sort then only merges the runs."""
    if len(members) == 1:
        return values.get(members[0], [])
    merged: list[float] = []
    for m in members:
        merged.extend(values.get(m, ()))
    merged.sort()
    return merged


def sort_each(values: Mapping[int, list[float]]) -> None:
    """Sort every department's values once, before the unions of the roll-up."""
    for found in values.values():
        found.sort()


def percentile_of(ordered: Sequence[float], num: int, den: int) -> float | None:
    """Linear-interpolated percentile ``num/den`` of ascending values: position 1 + (n - 1) * num / den,
    the two values around it blended; None for no values."""
    n = len(ordered)
    if not n:
        return None
    scaled = (n - 1) * num
    low = scaled // den  # 0-based index of the value at or below the position
    frac = float(scaled % den) / float(den)
    value = ordered[low] * (1.0 - frac)
    if low + 1 < n:
        value += ordered[low + 1] * frac
    return value
