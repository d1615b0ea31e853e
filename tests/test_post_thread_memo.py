"""The post page's thread cards, remembered while true (threads/cards.py, metrics/memo.py).

A post page served from memory must be the page rendered afresh: after a committed write,
for another viewer, in another language, and once a thread falls overdue. Each test holds
what a viewer is served to the same page rendered with the memo off.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import utc
from weibo_app.core.clock import at
from weibo_app.core.extensions import db
from weibo_app.metrics import memo
from weibo_app.models import Thread
from weibo_app.threads import operations as ops

START = utc(2025, 3, 3, 1, 0)  # a Monday, 09:00 in Beijing


def _threads_section(html: str) -> str:
    """The page's threads section, without the per-request CSRF tokens."""
    section = html[html.index('aria-labelledby="threads-title"'):html.index("</section>", html.index("threads-title"))]
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "", section)


def page(client, post, moment, fresh: bool = False) -> str:
    """The threads section of the post page at ``moment``; ``fresh``: rendered with the memo off."""
    store = client.application.extensions[memo.STORE]
    saved = store.max_entries
    if fresh:
        store.max_entries = 0
    try:
        with at(moment):
            response = client.get(f"/p/{post.id}")
    finally:
        store.max_entries = saved
    assert response.status_code == 200
    return _threads_section(response.get_data(as_text=True))


@pytest.fixture
def world(make):
    with at(START):
        dept = make.department()
        staff = make.staff(dept)
        resident = make.user()
        post = make.post(author=staff, department=dept)
        thread = make.thread(author=resident, post=post, body="路灯坏了")
    return dept, staff, resident, post, thread


def test_a_repeated_view_reads_no_thread(app, client, world, count_queries):
    *_rest, post, _thread = world
    first = page(client, post, START + timedelta(minutes=5))
    with count_queries() as served:
        again = page(client, post, START + timedelta(minutes=6))
    with count_queries() as rendered:
        fresh = page(client, post, START + timedelta(minutes=6), fresh=True)
    assert again == first == fresh
    assert "路灯坏了" in again
    assert served.count < rendered.count  # the threads, replies and images were not read again


def test_a_committed_reply_shows_at_once(app, client, world):
    _dept, staff, _resident, post, thread = world
    before = page(client, post, START + timedelta(minutes=5))
    with at(START + timedelta(minutes=10)):
        ops.reply_to_thread(staff, thread, "已安排维修")
        db.session.commit()
    after = page(client, post, START + timedelta(minutes=15))
    assert "已安排维修" in after and "已安排维修" not in before
    assert after == page(client, post, START + timedelta(minutes=15), fresh=True)


def test_a_thread_falling_overdue_is_marked_at_once(app, client, world):
    *_rest, post, thread = world
    due = START + timedelta(hours=3)  # mid-day: not a midnight, which would end the window anyway
    with at(START):
        db.session.get(Thread, thread.id).due_at = due
        db.session.commit()
    before = page(client, post, due - timedelta(minutes=1))
    after = page(client, post, due + timedelta(minutes=1))
    assert after == page(client, post, due + timedelta(minutes=1), fresh=True)
    assert after != before  # the overdue mark came with the due time, not with a write


def test_each_viewer_is_served_their_own_cards(app, client, login, make, world):
    dept, staff, resident, post, _thread = world
    with at(START):
        mine = make.thread(author=resident, post=post, body="私下问一件事")
        db.session.get(Thread, mine.id).private = True
        db.session.commit()
    moment = START + timedelta(minutes=5)
    visitor = app.test_client()
    as_resident = page(login(resident), post, moment)
    as_visitor = page(visitor, post, moment)
    assert "私下问一件事" in as_resident and "私下问一件事" not in as_visitor
    assert as_visitor == page(visitor, post, moment, fresh=True)
    as_staff = page(login(staff), post, moment)
    assert "私下问一件事" in as_staff and as_staff != as_resident  # staff are offered 办理
    assert as_staff == page(client, post, moment, fresh=True)


def test_each_language_is_remembered_apart(app, client, world):
    *_rest, post, _thread = world
    moment = START + timedelta(minutes=5)
    chinese = page(client, post, moment)
    client.get("/?lang=en")
    english = page(client, post, moment)
    assert english != chinese
    assert english == page(client, post, moment, fresh=True)
