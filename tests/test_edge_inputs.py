"""Input at the edge of what the types allow: each case once gave a 500, now a clear 4xx."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa
from PIL import Image

from weibo_app.core.dates import parse_date
from weibo_app.core.exceptions import Invalid
from weibo_app.core.extensions import db
from weibo_app.core.jsonbody import nesting_depth
from weibo_app.core.pagecache import PageCache
from weibo_app.core.pagination import InvalidCursor, decode_cursor, encode_cursor
from weibo_app.core.redirects import is_safe_target
from weibo_app.core.text import clean_name, clean_reason, is_topic_name
from weibo_app.media.images import Limits, clean_image
from weibo_app.models import Department, Notification, Post, Role, User
from weibo_app.posts import amend
from weibo_app.posts import lifecycle as ops

from .factories import Factory
from .review_world import build_world, use_quick_password_hashes


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch):
    use_quick_password_hashes(monkeypatch)


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# -- ids -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/p/99999999999999999999999", "/api/v1/posts/9223372036854775808", "/t/9223372036854775808",
    "/notices/18446744073709551616", "/admin/users/9223372036854775808", "/flag/post/9223372036854775808",
    "/review/100000000000000000000000000000", "/p/0",
])
def test_ids_no_row_can_have_are_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("body", [
    {"target_type": "post", "target_id": 2**64, "reason": "spam"},
    {"target_type": "post", "target_id": 2**63, "reason": "spam"},
    {"target_type": "post", "target_id": 0, "reason": "spam"},
    {"target_type": "post", "target_id": True, "reason": "spam"},
])
def test_json_ids_out_of_range_are_refused(client, make, api_headers, body):
    headers = api_headers(make.user())
    resp = client.post("/api/v1/flags", json=body, headers=headers)
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "invalid_id"


# -- JSON bodies ---------------------------------------------------------------------

def test_deeply_nested_json_is_a_json_400(client, make, api_headers):
    headers = api_headers(make.user())
    deep = "[" * 5000 + "]" * 5000
    for path in ("/api/v1/notifications/read", "/api/v1/flags", "/api/v1/tokens"):
        resp = client.post(path, data=deep, content_type="application/json", headers=headers)
        assert resp.status_code == 400, path
        assert resp.get_json()["error"]["code"] == "json_too_deep"


def test_oversized_json_is_a_413(app, client, make, api_headers):
    headers = api_headers(make.user())
    app.config["JSON_MAX_BYTES"] = 1000
    resp = client.post("/api/v1/flags", json={"text": "x" * 2000}, headers=headers)
    assert resp.status_code == 413 and resp.get_json()["error"]["code"] == "too_large"


def test_nesting_depth_ignores_brackets_in_strings():
    assert nesting_depth('{"a": "[[[[{{{{", "b": [1, [2]]}') == 3
    assert nesting_depth(b'"\\"[[["') == 0


# -- cursors -------------------------------------------------------------------------

BAD_CURSORS = [
    _cursor("0001-01-01T00:00:00+00:00|1"), _cursor("9999-12-31T23:59:59+00:00|1"),
    _cursor("0001-01-01T00:00:00+08:00|1"), _cursor("2026-01-01T00:00:00+00:00|99999999999999999999999"),
    _cursor("2026-01-01T00:00:00+00:00|-1"), "!!!not-base64!!!", "%%%", _cursor("\xff|1"), "a" * 500,
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_bad_cursors_are_refused(cursor):
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor)


def test_a_cursor_made_here_still_reads_back():
    moment = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
    assert decode_cursor(encode_cursor(moment, 42)) == (moment, 42)


@pytest.mark.parametrize("path", ["/", "/api/v1/posts", "/api/v1/search?q=a", "/topic/垃圾分类"])
def test_bad_cursors_on_paged_lists_are_400(client, path):
    sep = "&" if "?" in path else "?"
    for cursor in BAD_CURSORS[:4]:
        resp = client.get(f"{path}{sep}cursor={cursor}")
        assert resp.status_code == 400, (path, cursor)
        if path.startswith("/api/"):
            assert resp.get_json()["error"]["code"] == "invalid_cursor"


# -- dates ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01", "2026-13-01", "x" * 50])
def test_dates_outside_the_window_are_invalid(raw):
    with pytest.raises(Invalid):
        parse_date(raw)


def test_dates_inside_the_window_parse():
    assert parse_date("2000-01-01").year == 2000 and parse_date("2100-12-31").year == 2100
    assert parse_date("") is None


def test_date_query_strings_are_refused_not_500(client, make, login):
    assert client.get("/api/v1/metrics?from=0001-01-01").status_code == 422
    assert client.get("/api/v1/metrics?to=9999-12-31").status_code == 422
    assert client.get("/scoreboard?from=0001-01-01").status_code == 422
    login(make.user(Role.ADMIN))
    assert client.get("/admin/audit?end=9999-12-31").status_code == 422
    assert client.get("/admin/audit?start=0001-01-01").status_code == 422
    assert client.get("/dashboard?from=0001-01-01&to=0001-02-01").status_code == 422


# -- scheduling ----------------------------------------------------------------------

@pytest.mark.parametrize("at", ["9999-12-31T20:00:00+00:00", "0001-01-01T00:00:00+08:00", "2101-01-01T00:00:00+00:00"])
def test_scheduling_outside_the_window_is_refused_and_nothing_stored(client, make, api_headers, at):
    world = build_world(make)
    post = world.post("draft")
    resp = client.post(f"/api/v1/posts/{post.id}/schedule", json={"at": at}, headers=api_headers(world.author))
    assert resp.status_code == 422
    db.session.expire_all()
    assert db.session.get(Post, post.id).scheduled_at is None


def test_schedule_form_refuses_year_9999_and_year_1(client, make, login):
    world = build_world(make)
    post = world.post("pending")
    login(world.reviewer)
    for at in ("9999-12-31T20:00", "0001-01-01T00:00"):
        resp = client.post(f"/review/{post.id}/schedule", data={"at": at})
        assert resp.status_code in (303, 422)
        db.session.expire_all()
        assert db.session.get(Post, post.id).scheduled_at is None
    draft = world.post("draft")
    login(world.author)
    resp = client.post(f"/posts/{draft.id}/edit", data={"body": "改后的内容", "category": "work",
                                                        "scheduled_at": "0001-01-01T00:00", "save": "1"})
    assert resp.status_code == 422


def test_review_pages_survive_a_stored_time_at_the_edge_of_the_calendar(client, make, login, api_headers):
    world = build_world(make)
    pending = world.post("pending")
    draft = world.post("draft")
    for post in (pending, draft):
        db.session.execute(sa.update(Post).where(Post.id == post.id)
                           .values(scheduled_at=datetime(9999, 12, 31, 20, 0, tzinfo=UTC)))
    db.session.commit()
    headers = api_headers(world.reviewer)
    assert client.get("/api/v1/review", headers=headers).status_code == 200
    login(world.reviewer)
    assert client.get("/review").status_code == 200
    assert client.get(f"/review/{pending.id}").status_code == 200
    login(world.author)
    assert client.get(f"/posts/{draft.id}/edit").status_code == 200


def test_scheduling_inside_the_window_still_works(make):
    world = build_world(make)
    post = world.post("draft")
    ops.schedule_post(world.author, post, datetime(2100, 12, 31, 12, 0, tzinfo=UTC))
    assert post.scheduled_at.year == 2100


# -- redirects -----------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "//evil.example", "/\t/evil.example", "\\\\evil", "/\\evil.example", "https://evil.example/",
    "javascript:alert(1)", "/ok\r\nSet-Cookie: x=1", "/ok\nx", "evil.example", "", None, " /x", "/\x00",
    "/\u2028/evil",
])
def test_unsafe_redirect_targets_are_refused(target):
    assert not is_safe_target(target)


@pytest.mark.parametrize("target", ["/", "/d/jiaoyu?tab=board", "/topic/垃圾分类", "/p/1#threads"])
def test_local_paths_are_safe_targets(target):
    assert is_safe_target(target)


def test_follow_button_does_not_redirect_off_site(client, make, login):
    dept = make.department()
    login(make.user())
    for target in ("//evil.example", "/\t/evil.example", "https://evil.example", "/x\r\nX: 1"):
        resp = client.post(f"/d/{dept.slug}/follow", data={"next": target})
        assert resp.status_code == 303
        assert "evil" not in resp.headers["Location"] and "\n" not in resp.headers["Location"]


# -- text ----------------------------------------------------------------------------

def test_the_reason_limit_is_the_setting(app, make):
    app.config["REASON_MAX_CHARS"] = 10
    assert clean_reason("一二三四五六七八九十") == "一二三四五六七八九十"
    with pytest.raises(Invalid) as err:
        clean_reason("一二三四五六七八九十一")
    assert err.value.code == "reason_too_long"
    world = build_world(make)
    post = world.post("published")
    with pytest.raises(Invalid):
        amend.withdraw_post(world.reviewer, post, reason="一二三四五六七八九十一")


@pytest.mark.parametrize("raw", ["", "   ", "\u200b\u200d\ufeff", "\u202e\u2066", "\x00\x01", "\u3164\u3164", "\u2800"])
def test_invisible_names_are_refused(raw):
    with pytest.raises(Invalid):
        clean_name(raw, 80)


def test_names_are_cleaned_of_controls_and_bidi():
    assert clean_name("县\u202e水务\u200b局\x00", 80) == "县水务局"
    assert clean_name("县  水务\n局", 80) == "县 水务 局"


def test_department_with_an_invisible_name_is_a_form_error(client, make, login):
    login(make.user(Role.ADMIN))
    resp = client.post("/admin/departments", data={"slug": "ghost", "name": "\u200b\u202e"})
    assert resp.status_code == 422
    assert db.session.scalar(sa.select(Department).where(Department.slug == "ghost")) is None


# -- notifications -------------------------------------------------------------------

def _notified_user(make):
    user = make.user()
    for n in range(3):
        db.session.add(Notification(user_id=user.id, kind="thread_replied", data={"thread_id": n + 1},
                                    created_at=datetime(2026, 1, 1, tzinfo=UTC)))
    db.session.commit()
    return user


@pytest.mark.parametrize("body", [None, "not json", {}, {"ids": None}, {"all": False}, {"all": "yes"},
                                  {"ids": [2**63]}, {"ids": [1], "all": True}, [], {"ids": "1"}])
def test_a_malformed_read_request_changes_nothing(client, make, api_headers, body):
    user = _notified_user(make)
    headers = api_headers(user)
    if body is None:
        resp = client.post("/api/v1/notifications/read", headers=headers)
    elif isinstance(body, str):
        resp = client.post("/api/v1/notifications/read", data=body, content_type="application/json", headers=headers)
    else:
        resp = client.post("/api/v1/notifications/read", json=body, headers=headers)
    assert resp.status_code in (400, 422)
    db.session.expire_all()
    unread = db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                               .where(Notification.user_id == user.id, Notification.read_at.is_(None)))
    assert unread == 3


def test_all_true_marks_every_notification_read(client, make, api_headers):
    user = _notified_user(make)
    resp = client.post("/api/v1/notifications/read", json={"all": True}, headers=api_headers(user))
    assert resp.status_code == 200 and resp.get_json()["unread"] == 0


# -- feeds ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["%01", "%00", "a%23b", "a%20b", "x" * 31])
def test_invalid_topic_names_are_404_and_never_cached(app, client, name):
    app.config["PAGE_CACHE_SECONDS"] = 10
    assert client.get(f"/topic/{name}/feed.atom").status_code == 404
    assert client.get(f"/topic/{name}").status_code == 404
    assert len(app.extensions["page_cache"]) == 0


def test_feeds_parse_whatever_the_stored_text_holds(client, make):
    post = make.post(body="#垃圾分类# 通知")
    db.session.execute(sa.update(Post).where(Post.id == post.id).values(body="标题\x01\x0b\ufffe内容"))
    db.session.execute(sa.update(Department).where(Department.id == post.department_id).values(name="县\x02局"))
    db.session.commit()
    for path in ("/topic/垃圾分类/feed.atom", f"/d/{post.department.slug}/feed.atom", "/category/work/feed.atom"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        ET.fromstring(resp.data)  # noqa: S314  (our own output; must be well-formed)


def test_topic_name_rule_matches_what_posts_carry():
    assert is_topic_name("垃圾分类") and not is_topic_name("") and not is_topic_name("a b")
    assert not is_topic_name("\x01") and not is_topic_name("a#b") and not is_topic_name("a\u200bb")


# -- page cache ----------------------------------------------------------------------

def test_unread_query_parameters_share_one_cache_entry(app, client, make):
    app.config["PAGE_CACHE_SECONDS"] = 10
    make.post()
    for n in range(20):
        assert client.get(f"/?junk={n}").status_code == 200
    assert len(app.extensions["page_cache"]) == 1
    assert client.get("/?utm_source=x").headers["X-Page-Cache"] == "hit"


def test_page_cache_is_bounded_in_entries_and_bytes():
    from datetime import timedelta

    from weibo_app.core.pagecache import Entry

    later = datetime(2030, 1, 1, tzinfo=UTC)
    cache = PageCache(max_entries=3, max_bytes=100)
    for n in range(10):
        cache.put((n,), Entry(later, 200, "text/html", b"x" * 10))
    assert len(cache) == 3
    for n in range(10):
        cache.put(("big", n), Entry(later, 200, "text/html", b"y" * 40))
    assert cache.size <= 100
    cache.put(("huge",), Entry(later, 200, "text/html", b"z" * 1000))
    assert cache.get(("huge",), later - timedelta(days=1)) is None


# -- images --------------------------------------------------------------------------

SMALL_BUDGET = Limits(max_bytes=5 * 1024 * 1024, max_pixels=50_000_000, max_side=4096, thumb_side=320,
                      max_decode_bytes=1024 * 1024)


def _encoded(fmt: str, size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, fmt)
    return out.getvalue()


def test_an_image_over_the_memory_budget_is_refused_with_a_message():
    with pytest.raises(Invalid) as err:
        clean_image(_encoded("PNG", (1000, 1000)), "big.png", SMALL_BUDGET)  # 3 MB decoded
    assert err.value.code == "image_too_many_pixels" and "1000×1000" in err.value.message


def test_a_big_jpeg_is_decoded_smaller_and_accepted():
    clean = clean_image(_encoded("JPEG", (1000, 1000)), "big.jpg", SMALL_BUDGET)
    assert clean.width * clean.height * 3 <= SMALL_BUDGET.max_decode_bytes
    assert (clean.width, clean.height) == (500, 500)


def test_a_jpeg_too_big_even_at_an_eighth_is_refused():
    tiny = Limits(max_bytes=5 * 1024 * 1024, max_pixels=50_000_000, max_side=4096, thumb_side=320,
                  max_decode_bytes=1000)
    with pytest.raises(Invalid):
        clean_image(_encoded("JPEG", (1000, 1000)), "big.jpg", tiny)


# -- supervisors ---------------------------------------------------------------------

def test_a_supervisor_needs_an_explicit_scope(client, make, login):
    dept = make.department()
    someone = make.user()
    login(make.user(Role.ADMIN))
    resp = client.post(f"/admin/users/{someone.id}/role", data={"role": "supervisor", "department": ""})
    assert resp.status_code == 422
    assert "全县" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, someone.id).role == Role.RESIDENT

    resp = client.post(f"/admin/users/{someone.id}/role", data={"role": "staff", "department": "*"})
    assert resp.status_code == 422

    resp = client.post(f"/admin/users/{someone.id}/role", data={"role": "supervisor", "department": "*"})
    assert resp.status_code == 303
    db.session.expire_all()
    user = db.session.get(User, someone.id)
    assert user.role == Role.SUPERVISOR and user.supervised_department_id is None

    resp = client.post(f"/admin/users/{someone.id}/role", data={"role": "supervisor", "department": dept.slug})
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, someone.id).supervised_department_id == dept.id


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example", "/\r\nSet-Cookie:x=1", "https://evil.example/"])
def test_login_next_never_leaves_the_site(client, make, target):
    user = make.user()
    resp = client.post("/auth/login", query_string={"next": target},
                       data={"username": user.username, "password": Factory.PASSWORD})
    assert resp.status_code in (302, 303)
    assert resp.headers["Location"] in ("/", "http://localhost/")


def test_a_display_name_of_invisible_characters_is_refused_and_controls_are_dropped(app):
    from weibo_app.auth.operations import create_user
    from weibo_app.core.exceptions import Invalid

    with pytest.raises(Invalid):
        create_user("ghost", "Secret123", display_name="\u200b\u202e")
    user = create_user("named", "Secret123", display_name="居民\u202e\u0000甲")
    assert user.display_name == "居民甲"
