"""Percentiles of a department with its subtree, taken from the members' runs without merging
them (metrics/rollup.py), are the percentiles of all the values in one sorted list."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weibo_app.metrics import rollup as r

# Hours as the database hands them: finite, non-negative, with many ties (whole hours).
HOURS = st.one_of(st.integers(0, 30).map(float), st.floats(0, 500, allow_nan=False, allow_infinity=False))
RUNS = st.lists(st.lists(HOURS, max_size=40), min_size=1, max_size=8)
# Bounded, and not judged on speed: the suite runs on two loaded cores.
PROFILE = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@PROFILE
@given(RUNS, st.data())
def test_the_nth_of_runs_is_the_nth_of_their_merge(runs, data):
    runs = [sorted(run) for run in runs]
    merged = sorted(v for run in runs for v in run)
    if not merged:
        with pytest.raises(IndexError):
            r.nth_of_runs(runs, 0)
        return
    k = data.draw(st.integers(0, len(merged) - 1))
    assert r.nth_of_runs(runs, k) == merged[k]


@PROFILE
@given(RUNS, st.sampled_from([(1, 2), (9, 10), (1, 4), (0, 1), (1, 1)]))
def test_a_subtrees_percentile_is_the_percentile_of_all_its_values(runs, fraction):
    values = {dept: sorted(run) for dept, run in enumerate(runs)}
    members = [*values, 99]  # a member without a value
    merged = sorted(v for run in runs for v in run)
    assert r.percentile_of_members(values, members, *fraction) == r.percentile_of(merged, *fraction)


def test_the_percentile_blends_the_two_values_around_its_position():
    assert r.percentile_of([1.0, 2.0, 3.0, 4.0], 1, 2) == 2.5
    assert r.percentile_of_members({1: [1.0, 4.0], 2: [2.0, 3.0]}, [1, 2], 1, 2) == 2.5
    assert r.percentile_of_members({1: [], 2: []}, [1, 2, 3], 1, 2) is None
    assert r.percentile_of([5.0], 9, 10) == 5.0
