"""Rolling per-department partial figures up to each reported department (and its subtree).

The database aggregates every figure once per department (one GROUP BY department over the
period); a department's subtree is then the departments whose ``path`` starts with its own,
and its figure the sum of theirs. Counts add up; percentiles need the values themselves, so
they are taken here from the members' ascending values, with the very arithmetic DESIGN.md
gives (and PostgreSQL's ``percentile_cont`` follows). The values at the few positions a
percentile needs are found in the members' runs without merging them (``nth_of_runs``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence


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


def nth_of_runs(runs: Sequence[Sequence[float]], k: int) -> float:
    """The value at 0-based position ``k`` of all the ascending ``runs`` taken together in
    ascending order, as if merged, without merging them.

    The answer lies among each run's candidates ``[low, high)``. Each round takes the middle
    candidate of the run with the most left as a pivot and counts, by bisection, the values
    below it and up to it in every run: the pivot is the answer, or the candidates on its wrong
    side go. The longest run's candidates at least halve each round.
    """
    lows = [0] * len(runs)
    highs = [len(run) for run in runs]
    while True:
        i = max(range(len(runs)), key=lambda j: highs[j] - lows[j])
        if highs[i] <= lows[i]:
            raise IndexError(k)
        pivot = runs[i][(lows[i] + highs[i]) // 2]
        below = [bisect_left(run, pivot) for run in runs]
        upto = [bisect_right(run, pivot) for run in runs]
        if k < sum(below):
            highs = [min(h, b) for h, b in zip(highs, below, strict=True)]
        elif k >= sum(upto):
            lows = [max(lo, u) for lo, u in zip(lows, upto, strict=True)]
        else:
            return pivot


def percentile_of_members(values: Mapping[int, list[float]], members: Sequence[int], num: int,
                          den: int) -> float | None:
    """``percentile_of`` the members' values taken together, each member's list ascending."""
    runs = [values[m] for m in members if values.get(m)]
    if len(runs) == 1:
        return percentile_of(runs[0], num, den)
    return percentile(sum(map(len, runs)), lambda k: nth_of_runs(runs, k), num, den)


def sort_each(values: Mapping[int, list[float]]) -> None:
    """Sort every department's values once, before the unions of the roll-up."""
    for found in values.values():
        found.sort()


def percentile_of(ordered: Sequence[float], num: int, den: int) -> float | None:
    """Linear-interpolated percentile ``num/den`` of ascending values: position 1 + (n - 1) * num / den,
    the two values around it blended; None for no values."""
    return percentile(len(ordered), ordered.__getitem__, num, den)


def percentile(n: int, nth: Callable[[int], float], num: int, den: int) -> float | None:
    """``percentile_of`` for ``n`` ascending values, the ``k``-th (0-based) being ``nth(k)``."""
    if not n:
        return None
    scaled = (n - 1) * num
    low = scaled // den  # 0-based index of the value at or below the position
    frac = float(scaled % den) / float(den)
    value = nth(low) * (1.0 - frac)
    if low + 1 < n and frac:  # (a finite value times 0.0 adds nothing)
        value += nth(low + 1) * frac
    return value
