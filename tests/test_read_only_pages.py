"""Reading a page writes nothing: no INSERT, UPDATE or DELETE reaches the database on a GET.

A post's views are buffered (``posts/view_counts.py``) and written in batches
later, so even the post page, which counts a view, sends only SELECTs. The
statements are captured as the driver receives them (SQLAlchemy's
``before_cursor_execute``), on SQLite and on PostgreSQL, for the public and
for logged-in readers (a resident's home, a staff member's inbox, the API with
a bearer token).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from weibo_app.core.extensions import db
from weibo_app.social.operations import follow_department

WRITE = re.compile(r"\b(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|REPLACE\s+INTO|MERGE\s+INTO)\b", re.I)


@pytest.fixture
def world(make):
    dept = make.department()
    staff = make.staff(dept)
    post = make.post(author=staff, body="道路施工公告")
    make.thread(post=post, body="请问施工到几点？")
    make.thread(department=dept, body="留言板上的问题")
    resident = make.user()
    follow_department(resident, dept)
    db.session.commit()
    return {"dept": dept, "staff": staff, "post": post, "resident": resident}


def _writes_during(fn) -> tuple[int, list[str]]:
    seen: list[str] = []

    def grab(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)
    return len(seen), [s for s in seen if WRITE.search(s)]


def _get_ok(client, url, **kwargs):
    def run():
        resp = client.get(url, **kwargs)
        assert resp.status_code == 200, (url, resp.status_code)
    return run


@pytest.mark.parametrize("page", ["/", "/?all=1", "/p/{post}", "/d/{slug}", "/d/{slug}?tab=board",
                                  "/t/{thread}", "/api/v1/posts", "/api/v1/posts/{post}"])
def test_a_public_get_writes_nothing(world, client, page):
    from weibo_app.models import Thread

    thread = db.session.query(Thread).first()
    url = page.format(post=world["post"].id, slug=world["dept"].slug, thread=thread.id)
    client.get(url)  # warm: whatever a first request sets up once is not a read path's doing
    sent, writes = _writes_during(_get_ok(client, url))
    assert sent > 0 and writes == [], writes


def test_a_logged_in_reader_writes_nothing(world, client, login):
    login(world["resident"])
    client.get("/")
    for url in ("/", f"/p/{world['post'].id}", f"/d/{world['dept'].slug}"):
        sent, writes = _writes_during(_get_ok(client, url))
        assert sent > 0 and writes == [], (url, writes)


def test_the_staff_inbox_writes_nothing(world, client, login):
    login(world["staff"])
    client.get("/inbox")
    sent, writes = _writes_during(_get_ok(client, "/inbox"))
    assert sent > 0 and writes == [], writes


def test_the_api_with_a_token_writes_nothing(world, client, api_headers):
    headers = api_headers(world["resident"])
    client.get("/api/v1/posts", headers=headers)
    for url in ("/api/v1/posts", f"/api/v1/posts/{world['post'].id}"):
        sent, writes = _writes_during(_get_ok(client, url, headers=headers))
        assert sent > 0 and writes == [], (url, writes)


def test_the_capture_sees_a_write(world, client, login):
    """The check can fail: a POST that opens a thread is caught writing."""
    login(world["resident"])
    sent, writes = _writes_during(lambda: client.post(f"/p/{world['post'].id}/threads",
                                                      data={"body": "另一个问题", "kind": "consultation"}))
    assert any("INSERT INTO threads" in w.replace('"', "") for w in writes), writes
