"""Thread cards (threads/cards.py): cached by what the viewer sees, so writes show at once and
no viewer's verdicts (masking, names, private threads, 举报 and 办理 links) reach another."""

from __future__ import annotations

import re

import pytest

from weibo_app.core.extensions import db
from weibo_app.models import Role
from weibo_app.moderation.operations import hide_item
from weibo_app.threads.operations import dismiss_thread, open_thread, reply_to_thread


@pytest.fixture
def world(app, make):
    dept = make.department(slug="card-dept", name="卡片测试局")
    staff = make.staff(dept)
    post = make.post(author=staff, body="关于路灯维修的通知")
    opener = make.user(username="opener")
    opener.display_name = "王小明"
    thread = open_thread(opener, body="门口路灯坏了，电话13812345678", kind="consultation", post=post,
                         anonymous=True)
    db.session.commit()
    return {"dept": dept, "staff": staff, "post": post, "opener": opener, "thread": thread,
            "admin": make.user(Role.ADMIN)}


def page(client, path: str) -> str:
    resp = client.get(path)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def without_tokens(html: str) -> str:
    """A CSRF token carries the second it was made: two renders a second apart differ there."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', html)


def sign_out(client) -> None:
    with client.session_transaction() as sess:
        sess.clear()


def test_the_cache_is_used_and_every_write_shows_at_once(app, client, world):
    cache = app.extensions["fragment_cache"]
    path = f"/p/{world['post'].id}"
    first = page(client, path)
    stored = len(cache)
    assert page(client, path) == first and len(cache) == stored  # served from it, nothing new stored
    reply_to_thread(world["staff"], world["thread"], "已派人维修")
    db.session.commit()
    answered = page(client, path)
    assert "官方回复" in answered and "已派人维修" in answered and "卡片测试局" in answered
    world["dept"].name = "卡片测试局（更名）"
    db.session.commit()
    assert "卡片测试局（更名）" in page(client, path).split('id="threads-title"')[1]
    reply = world["thread"].replies[0]
    hide_item(world["admin"], reply, "含有不实信息")
    db.session.commit()
    hidden = page(client, path)
    assert "已派人维修" not in hidden and "该内容因含有不实信息已隐藏" in hidden
    dismiss_thread(world["staff"], world["thread"], "重复留言")
    db.session.commit()
    assert "无需回复的理由：重复留言" in page(client, path)


def test_each_viewer_sees_the_thread_as_the_rules_say_whatever_was_cached(client, login, make, world):
    path = f"/p/{world['post'].id}"
    for _round in range(2):  # the second round is served from the cache
        sign_out(client)
        public = page(client, path)
        assert "匿名网民" in public and "王小明" not in public and "13812345678" not in public
        assert "举报" not in public and ">办理<" not in public and "查看留言" in public
        login(world["staff"])
        staff = page(client, path)
        assert "王小明" in staff and "13812345678" in staff and "匿名网民" not in staff
        assert "办理" in staff and "查看留言" not in staff.split('id="threads-title"')[1]
        login(make.user())
        resident = page(client, path)
        assert "匿名网民" in resident and "13812345678" not in resident
        assert f"/flag/thread/{world['thread'].id}" in resident
        login(world["opener"])
        own = page(client, path)
        assert "13812345678" in own and f"/flag/thread/{world['thread'].id}" not in own


def test_a_private_thread_reaches_only_insiders_whatever_was_cached(client, login, make, world):
    secret = open_thread(world["opener"], body="私下反映的情况", kind="consultation", post=world["post"],
                         private=True)
    db.session.commit()
    path = f"/p/{world['post'].id}"
    login(world["staff"])
    assert "私下反映的情况" in page(client, path) and "不公开" in page(client, path)
    for viewer in (None, make.user(), make.staff(make.department())):
        if viewer is None:
            sign_out(client)
        else:
            login(viewer)
        assert "私下反映的情况" not in page(client, path) and f"thread-{secret.id}-title" not in page(client, path)


def test_off_renders_the_same_cards(app, client, login, world):
    reply_to_thread(world["staff"], world["thread"], "已派人维修")
    reply_to_thread(world["opener"], world["thread"], "还是没修好")
    db.session.commit()
    login(world["staff"])
    path = f"/p/{world['post'].id}"
    cached = without_tokens(page(client, path))
    assert without_tokens(page(client, path)) == cached
    app.extensions["fragment_cache"].max_entries = 0
    assert without_tokens(page(client, path)) == cached


def test_each_language_has_its_own_cards_on_one_client_after_another(app, client, world):
    # The parsed locale is kept per language for the whole process: one visitor's choice must
    # never become another's, nor stick to the next request of the same visitor who changes it.
    path = f"/p/{world['post'].id}"
    english, chinese = client, app.test_client()  # both start each request with an empty ``g``
    for _round in range(2):  # the second round is served from the cache
        en = page(english, f"{path}?lang=en").split('id="threads-title"')[1]
        assert "View thread" in en and "查看留言" not in en
        zh = page(chinese, path).split('id="threads-title"')[1]
        assert "查看留言" in zh and "View thread" not in zh
        assert "View thread" in page(english, path)  # the cookie keeps English
    back = page(english, f"{path}?lang=zh_CN").split('id="threads-title"')[1]
    assert "查看留言" in back and "View thread" not in back


def test_the_board_renders_the_same_cards_with_the_cache_off(app, client, login, world):
    board = open_thread(world["opener"], body="留言板上的问题，电话13812345678", kind="consultation",
                        department=world["dept"])
    db.session.commit()
    path = "/d/card-dept?tab=board"
    for viewer in (None, world["staff"], world["opener"]):
        app.extensions["fragment_cache"].max_entries = 4096
        if viewer is None:
            sign_out(client)
        else:
            login(viewer)
        cached = without_tokens(page(client, path))
        assert f"thread-{board.id}-title" in cached
        assert ("13812345678" in cached) == (viewer is not None)
        assert without_tokens(page(client, path)) == cached
        app.extensions["fragment_cache"].max_entries = 0
        assert without_tokens(page(client, path)) == cached
