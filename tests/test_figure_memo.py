"""Remembered figures (metrics/memo.py, marks.py) are always the figures computed afresh.

Each test asks for the same figures at moments around the things that change them — a write,
a due time passing, a scheduled post coming out, a day more since the last post, a write not
yet committed, a writer whose clock runs ahead — and holds what it is served to a fresh
computation (``stored_facts=True``: the same path, never remembered) at that moment.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import utc
from weibo_app.core.clock import at
from weibo_app.core.extensions import db
from weibo_app.metrics import marks, memo
from weibo_app.metrics.figures import compute_metrics
from weibo_app.metrics.queries import make_period
from weibo_app.metrics.trends import weekly_trends
from weibo_app.posts.lifecycle import create_post
from weibo_app.social.operations import follow_department
from weibo_app.threads import operations as ops

START = utc(2025, 3, 3, 1, 0)  # a Monday, 09:00 in Beijing
DAYS = (date(2025, 3, 1), date(2025, 3, 31))


def served(moment, **kwargs) -> list[dict]:
    """The figures a request at ``moment`` is given (a request's transaction ends after it)."""
    try:
        return compute_metrics(make_period(*DAYS, moment), **kwargs)
    finally:
        db.session.rollback()


def fresh(moment, **kwargs) -> list[dict]:
    try:
        return compute_metrics(make_period(*DAYS, moment), stored_facts=True, **kwargs)
    finally:
        db.session.rollback()


def remembered_entries(app) -> int:
    return len(app.extensions[memo.STORE])


@pytest.fixture
def county(make):
    with at(START):
        dept = make.department()
        staff = make.staff(dept)
        resident = make.user()
    return dept, staff, resident


def test_a_repeated_request_is_served_from_memory(app, county, make, count_queries):
    dept, staff, resident = county
    with at(START):
        make.thread(author=resident, department=dept)
    moment = START + timedelta(hours=1)
    first = served(moment)
    with count_queries() as counter:
        again = served(moment + timedelta(minutes=5))
    assert counter.count == 1  # the revision of the data, nothing else
    assert again == first == fresh(moment + timedelta(minutes=5))
    assert first[0]["threads"] == 1 and first[0]["awaiting"] == 1


def test_a_committed_write_is_seen_by_the_next_request(app, county, make):
    dept, staff, resident = county
    with at(START):
        thread = make.thread(author=resident, department=dept)
    before = served(START + timedelta(hours=1))
    with at(START + timedelta(hours=2)):
        ops.reply_to_thread(staff, thread, "已答复")
        db.session.commit()
    after = served(START + timedelta(hours=3))
    assert after == fresh(START + timedelta(hours=3)) != before
    assert (after[0]["answered"], after[0]["awaiting"]) == (1, 0)


def test_an_uncommitted_write_is_counted_by_its_own_transaction(app, county, make):
    dept, staff, resident = county
    with at(START):
        thread = make.thread(author=resident, department=dept)
    moment = START + timedelta(hours=1)
    served(moment)
    with at(moment):
        ops.reply_to_thread(staff, thread, "已答复")
        db.session.flush()
        mine = compute_metrics(make_period(*DAYS, moment + timedelta(minutes=1)))
        assert mine[0]["answered"] == 1
        db.session.rollback()
    assert served(moment + timedelta(minutes=2))[0]["answered"] == 0  # rolled back: as before


def _due_in_the_afternoon(thread):
    """A due time in the middle of a local day (the calendar's fall at midnight, which the
    window ends at anyway)."""
    due = START + timedelta(hours=5)
    thread.due_at = thread.first_due_at = due
    db.session.commit()
    return due


def test_a_due_time_passing_makes_a_thread_overdue(app, county, make):
    dept, staff, resident = county
    with at(START):
        thread = make.thread(author=resident, department=dept)
        due = _due_in_the_afternoon(thread)
    before = served(due - timedelta(minutes=1))
    assert (before[0]["overdue"], before[0]["on_time_rate"]) == (0, None)
    after = served(due + timedelta(minutes=1))
    assert after == fresh(due + timedelta(minutes=1))
    assert (after[0]["overdue"], after[0]["on_time_rate"]) == (1, 0.0)


def test_a_scheduled_post_counts_once_it_is_out(app, county):
    dept, staff, resident = county
    out = START + timedelta(days=2)
    with at(START):
        create_post(staff, body="周末停水通知", category="work", scheduled_at=out, submit=True)
        db.session.commit()
    assert served(out - timedelta(minutes=1))[0]["posts_published"] == 0
    after = served(out + timedelta(minutes=1))
    assert after == fresh(out + timedelta(minutes=1))
    assert (after[0]["posts_published"], after[0]["days_since_last_post"]) == (1, 0)


def test_a_day_more_since_the_last_post(app, county, make):
    dept, staff, resident = county
    with at(START):
        make.post(author=staff)
    assert served(START + timedelta(hours=23))[0]["days_since_last_post"] == 0
    later = served(START + timedelta(days=1, minutes=1))
    assert later == fresh(START + timedelta(days=1, minutes=1))
    assert later[0]["days_since_last_post"] == 1


def test_each_breakdown_is_remembered_apart(app, county, make):
    """The channel and the departments asked for are part of what is remembered."""
    dept, staff, resident = county
    with at(START):
        other = make.department()
        make.thread(author=resident, department=dept)
        make.thread(author=resident, department=other)
    moment = START + timedelta(hours=1)
    for kwargs in ({}, {"channel": "phone"}, {"department_ids": [other.id]}, {"subtree": True}):
        served(moment, **kwargs)
    for kwargs in ({"channel": "phone"}, {"department_ids": [other.id]}, {}, {"subtree": True}):
        assert served(moment + timedelta(minutes=1), **kwargs) == fresh(moment + timedelta(minutes=1), **kwargs)
    assert [row["threads"] for row in served(moment, department_ids=[other.id])] == [1]


def test_nothing_is_remembered_before_a_writers_clock(app, county, make):
    """A write stamped ahead of the moment judged (another host's clock) may carry rows dated
    after it: figures judged before the stamp are computed afresh, and count those rows once
    their time comes."""
    dept, staff, resident = county
    with at(START + timedelta(hours=2)):
        follow_department(resident, dept)
        db.session.commit()
    entries = remembered_entries(app)
    assert served(START + timedelta(hours=1))[0]["followers"] == 0
    assert remembered_entries(app) == entries
    assert served(START + timedelta(hours=3))[0]["followers"] == 1
    assert remembered_entries(app) == entries + 1


def test_the_revision_moves_on_commit_only(app, county, make):
    dept, staff, resident = county
    first, _ = marks.current()
    db.session.rollback()
    with at(START):
        make.thread(author=resident, department=dept)  # commits
    second, _ = marks.current()
    db.session.rollback()
    assert second != first
    with at(START):
        ops.open_thread(resident, body="另一件事怎么办？", kind="consultation", department=dept)
        db.session.flush()
        db.session.rollback()
    assert marks.current()[0] == second


def test_the_weeks_follow_a_due_time(app, county, make):
    dept, staff, resident = county
    with at(START):
        thread = make.thread(author=resident, department=dept)
        due = _due_in_the_afternoon(thread)
    before = weekly_trends(due - timedelta(minutes=1), dept)
    db.session.rollback()
    after = weekly_trends(due + timedelta(minutes=1), dept)
    db.session.rollback()
    assert sum(w["overdue"] for w in before) == 0
    assert sum(w["overdue"] for w in after) == 1
