"""The 140-character rule at its edges, and hostile text in every field a person writes.

CSRF with protection on lives in ``test_core_csrf.py`` (it needs its own app settings).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from weibo_app.auth.operations import create_user
from weibo_app.core.exceptions import Invalid
from weibo_app.core.extensions import db
from weibo_app.core.settings import set_setting
from weibo_app.core.text import render_html, weibo_length
from weibo_app.models import Post, Role
from weibo_app.posts.lifecycle import create_post
from weibo_app.threads import operations as ops
from weibo_app.threads import routing

FULL, HALF = "政", "a"

EDGES = [
    (FULL * 140, 140, True),
    (FULL * 141, 141, False),
    (HALF * 280, 140, True),
    (HALF * 281, 141, False),
    (FULL * 139 + HALF * 2, 140, True),
    (FULL * 139 + HALF * 3, 141, False),
    (FULL * 139 + HALF, 140, True),  # one half-width character rounds up to 1
]


@pytest.mark.parametrize("body, length, accepted", EDGES)
def test_weibo_length_and_the_service(app, make, body, length, accepted):
    assert weibo_length(body) == length
    staff = make.staff(make.department())
    if accepted:
        post = create_post(staff, body=body, category="work")
        db.session.commit()
        assert post.body == body
    else:
        with pytest.raises(Invalid) as err:
            create_post(staff, body=body, category="work")
        assert err.value.code == "body_too_long"
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 0


@pytest.mark.parametrize("body, length, accepted", [EDGES[1], EDGES[3], EDGES[5], EDGES[0]])
def test_the_composer_page(app, make, client, login, body, length, accepted):
    staff = make.staff(make.department())
    login(staff)
    resp = client.post("/posts/new", data={"body": body, "category": "work"})
    count = db.session.scalar(sa.select(sa.func.count(Post.id)))
    if accepted:
        assert resp.status_code == 302
        assert count == 1
    else:
        assert resp.status_code == 422
        assert "微博不能超过140字。" in resp.get_data(as_text=True)
        assert count == 0


def test_the_limit_is_the_setting(app, make, client, login):
    staff = make.staff(make.department())
    set_setting("POST_MAX_LENGTH", 10)
    db.session.commit()
    with pytest.raises(Invalid):
        create_post(staff, body=FULL * 11, category="work")
    db.session.rollback()
    assert create_post(staff, body=FULL * 10, category="work").body == FULL * 10
    db.session.commit()
    login(staff)
    resp = client.post("/posts/new", data={"body": HALF * 21, "category": "work"})
    assert resp.status_code == 422
    assert "微博不能超过10字。" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 1


def test_the_api_applies_the_same_rule(app, make, client, api_headers):
    staff = make.staff(make.department())
    headers = api_headers(staff)
    resp = client.post("/api/v1/posts", json={"body": FULL * 141, "category": "work"}, headers=headers)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "body_too_long"
    resp = client.post("/api/v1/posts", json={"body": FULL * 139 + HALF * 2, "category": "work"}, headers=headers)
    assert resp.status_code == 201


# --- hostile text -------------------------------------------------------------

XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>"><svg onload=alert(3)> javascript:alert(4)'
XSS_SHORT = '"><svg onload=alert(5)><img src=x onerror=alert(6)>'  # fits a name field
class _MarkupFinder(HTMLParser):
    """Collects real markup a payload could have produced: escaped text never shows up here."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._data_block = False

    def handle_data(self, data):
        if self._data_block:
            self._data_block = False
            try:
                json.loads(data)
            except ValueError:
                self.found.append("<script type=application/json> that is not JSON")

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "script" and dict(attrs).get("type") == "application/json":
            self._data_block = True  # a data block (the dashboard's charts), never run: its text must be JSON
        elif tag == "script" and not dict(attrs).get("src"):
            self.found.append("<script> without src")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")


def dangerous(html: str) -> list[str]:
    finder = _MarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def test_the_finder_sees_the_raw_payloads():
    assert dangerous(XSS) == ["<script> without src", "<img onerror=...>", "<img src=x>", "<svg onload=...>"]
    assert dangerous('<a href=" javascript:alert(1)">x</a>') == ['<a href= javascript:alert(1)>']
    assert dangerous(render_html(XSS)) == []
    assert dangerous('<script type="application/json" id="chart-data">{"a": "\\u003c/script\\u003e"}</script>') == []
    assert dangerous('<script type="application/json" id="x">alert(1)</script>') == [
        "<script type=application/json> that is not JSON"]


@pytest.fixture
def hostile(app, make):
    dept = make.department(slug="xss-dept", name="局" + XSS_SHORT)
    other = make.department(slug="plain-dept", name="乙局")
    staff = make.staff(dept)
    staff_b = make.staff(other)
    resident = create_user("xssuser", "test-pass-123", Role.RESIDENT, display_name=XSS_SHORT)
    db.session.commit()
    post = make.post(author=staff, body="通知 " + XSS + " 详见 https://www.gov.cn/zhengce/a.htm 或 www.gov.cn/b")
    asked = make.thread(author=resident, post=post, body="留言 " + XSS)
    ops.reply_to_thread(staff, asked, "答复 " + XSS)
    ops.reply_to_thread(resident, asked, "追问 " + XSS)
    dismissed = make.thread(author=resident, post=post, body="第二条 " + XSS)
    ops.dismiss_thread(staff, dismissed, "理由 " + XSS)
    moved = make.thread(author=resident, department=dept, body="第三条 " + XSS)
    supervisor = make.user(Role.SUPERVISOR)
    # Staff ask the dispatcher; the reason is on the record (and on /dispatch while it waits).
    routing.approve_transfer(supervisor, routing.request_transfer(staff, moved, other, "转办说明 " + XSS))
    db.session.commit()
    return dict(dept=dept, other=other, staff=staff, staff_b=staff_b, resident=resident, post=post,
                asked=asked, dismissed=dismissed, moved=moved, supervisor=supervisor,
                admin=make.user(Role.ADMIN))


def test_stored_html_is_escaped_and_links_carry_rel(hostile):
    html = hostile["post"].body_html
    assert dangerous(html) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a href="https://www.gov.cn/zhengce/a.htm" rel="nofollow noopener">' in html
    assert '<a href="http://www.gov.cn/b" rel="nofollow noopener">' in html
    for link in re.findall(r"<a\s[^>]*>", html):
        assert 'rel="nofollow noopener"' in link


def test_javascript_urls_are_never_links():
    for text in ("javascript:alert(1)", "看 javascript://www.gov.cn/%0aalert(1)", "JAVASCRIPT:alert(1)"):
        html = render_html(text)
        assert "href=\"javascript" not in html.lower()
        for href in re.findall(r'href="([^"]*)"', html):
            assert href.startswith(("http://", "https://"))


def test_no_page_returns_the_payloads_as_markup(hostile, client, login):
    h = hostile
    public = [
        "/", f"/p/{h['post'].id}", f"/t/{h['asked'].id}", f"/t/{h['dismissed'].id}", f"/t/{h['moved'].id}",
        "/d/xss-dept", "/d/xss-dept?tab=board", "/d/plain-dept?tab=board", "/departments", "/scoreboard",
    ]
    pages = {}
    for path in public:
        pages[path] = client.get(path)
    login(h["resident"])
    pages["/me/threads"] = client.get("/me/threads")
    login(h["staff_b"])
    pages["/inbox (b)"] = client.get("/inbox")
    pages[f"/t/{h['moved'].id} (b)"] = client.get(f"/t/{h['moved'].id}")
    login(h["supervisor"])
    pages["/dashboard"] = client.get("/dashboard")
    for figure in ("threads", "dismissed", "posts_published", "awaiting"):
        pages[figure] = client.get(f"/dashboard/rows?figure={figure}")
    login(h["admin"])
    pages["/admin/"] = client.get("/admin/")
    pages["/admin/audit"] = client.get("/admin/audit")  # dismiss and transfer reasons are on the record here
    for path, resp in pages.items():
        assert resp.status_code == 200, path
        assert dangerous(resp.get_data(as_text=True)) == [], path
    # The text is shown, escaped, not dropped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[f"/p/{h['post'].id}"].get_data(as_text=True)
    assert "onload=alert(5)" in pages["/departments"].get_data(as_text=True)
    assert "转办说明 &lt;script&gt;" in pages["/admin/audit"].get_data(as_text=True)


def test_the_api_returns_plain_text_as_json_data(hostile, client, api_headers):
    h = hostile
    responses = {
        "post": client.get(f"/api/v1/posts/{h['post'].id}"),
        "thread": client.get(f"/api/v1/threads/{h['dismissed'].id}"),
        "departments": client.get("/api/v1/departments"),
        "posts": client.get("/api/v1/posts"),
        "inbox": client.get("/api/v1/inbox", headers=api_headers(h["staff_b"])),
    }
    for name, resp in responses.items():
        assert resp.status_code == 200, name
        assert resp.mimetype == "application/json", name
        assert "body_html" not in resp.get_data(as_text=True), name
    post = responses["post"].get_json()
    assert post["body"].startswith("通知 " + XSS)
    assert post["threads"][0]["replies"][0]["body"] == "答复 " + XSS
    assert responses["thread"].get_json()["dismiss_reason"] == "理由 " + XSS
    names = {d["slug"]: d["name"] for d in responses["departments"].get_json()["departments"]}
    assert names["xss-dept"] == "局" + XSS_SHORT
