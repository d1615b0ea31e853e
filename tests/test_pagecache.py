"""The few-seconds page cache for anonymous visitors: what it serves, and what it never shares."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from weibo_app.core.extensions import db

T0 = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PAGE_CACHE_SECONDS": 10}


def test_anonymous_timeline_is_served_from_cache_until_it_expires(app, client, make):
    with time_machine.travel(T0, tick=False) as traveller:
        dept = make.department()
        make.post(department=dept, body="第一条微博")
        first = client.get("/")
        assert first.headers["X-Page-Cache"] == "miss"
        make.post(department=dept, body="第二条微博")

        again = client.get("/")
        assert again.headers["X-Page-Cache"] == "hit"
        assert "第二条微博" not in again.get_data(as_text=True)  # at most PAGE_CACHE_SECONDS old
        assert again.headers["Content-Security-Policy"]  # headers are added to cached answers too

        traveller.shift(timedelta(seconds=11))
        fresh = client.get("/")
        assert fresh.headers["X-Page-Cache"] == "miss"
        assert "第二条微博" in fresh.get_data(as_text=True)


def test_logged_in_users_never_get_or_fill_the_cache(app, client, make, login):
    dept = make.department()
    make.post(department=dept, body="第一条微博")
    resident = make.user()
    login(resident)
    for _ in range(2):
        resp = client.get("/")
        assert "X-Page-Cache" not in resp.headers
    assert app.extensions["page_cache"]._entries == {}


def test_language_and_query_are_part_of_the_key(app, client, make):
    make.post(body="一条微博")
    zh = client.get("/departments")
    en = client.get("/departments?lang=en")
    assert zh.headers["X-Page-Cache"] == "miss" and en.headers["X-Page-Cache"] == "miss"
    assert client.get("/departments?lang=en").headers["X-Page-Cache"] == "hit"
    assert 'lang="en"' in client.get("/departments?lang=en").get_data(as_text=True)
    assert 'lang="zh-CN"' in client.get("/departments?lang=zh_CN").get_data(as_text=True)


def test_pages_that_touch_the_session_are_not_stored(app, client, make):
    dept = make.department()
    # A flash message is read from the session: that page is for this visitor only.
    with client.session_transaction() as sess:
        sess["_flashes"] = [("success", "已保存。")]
    resp = client.get(f"/d/{dept.slug}")
    assert "已保存。" in resp.get_data(as_text=True)
    assert "X-Page-Cache" not in resp.headers
    assert app.extensions["page_cache"]._entries == {}


def test_anonymous_readers_get_no_session_cookie_even_with_csrf_on(app, client, make):
    # A form built for an anonymous reader would make a CSRF token, a session
    # cookie for everyone and a page nobody could share from the cache.
    app.config["WTF_CSRF_ENABLED"] = True
    post = make.post()
    for path in ("/", f"/d/{post.department.slug}", f"/d/{post.department.slug}?tab=board", f"/p/{post.id}"):
        resp = client.get(path)
        assert resp.status_code == 200
        assert "session=" not in resp.headers.get("Set-Cookie", ""), path
    assert client.get("/").headers["X-Page-Cache"] == "hit"


def test_errors_and_posts_are_not_cached(app, client, make):
    assert "X-Page-Cache" not in client.get("/d/no-such-department").headers
    post = make.post()
    assert "X-Page-Cache" not in client.get(f"/p/{post.id}").headers  # counts a view each time
    db.session.commit()


def test_a_waiting_flash_or_a_remember_cookie_skips_the_cache(app, client, make):
    make.post(department=make.department(), body="第一条微博")
    assert client.get("/").headers["X-Page-Cache"] == "miss"
    assert client.get("/").headers["X-Page-Cache"] == "hit"
    with client.session_transaction() as sess:
        sess["_flashes"] = [("success", "已退出登录")]
    shown = client.get("/")
    assert "X-Page-Cache" not in shown.headers and "已退出登录" in shown.get_data(as_text=True)
    assert "已退出登录" not in client.get("/").get_data(as_text=True)  # shown once, and not stored
    client.set_cookie("remember_token", "1:0|not-checked-here", domain="localhost")
    assert "X-Page-Cache" not in client.get("/").headers


def test_the_scoreboard_ranking_choice_is_part_of_the_cache_key(app, client, make):
    make.department()
    assert client.get("/scoreboard").headers["X-Page-Cache"] == "miss"
    by_index = client.get("/scoreboard?rank=index")
    assert by_index.headers["X-Page-Cache"] == "miss"
    assert "按响应指数从高到低排列" in by_index.get_data(as_text=True)
    assert client.get("/scoreboard?rank=index").headers["X-Page-Cache"] == "hit"
