"""Post cards' cached part (posts/cards.py): writes show at once, viewers and languages never mix."""

from __future__ import annotations

import pytest

from weibo_app.core.extensions import db
from weibo_app.models import Role
from weibo_app.moderation.operations import hide_item
from weibo_app.posts.amend import withdraw_post
from weibo_app.social.operations import like_post


@pytest.fixture
def card(app, make):
    dept = make.department(slug="card-dept", name="卡片测试局")
    staff = make.staff(dept)
    post = make.post(author=staff, body="第一版正文，卡片缓存。")
    return dept, staff, post


def page(client, path="/") -> str:
    resp = client.get(path)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_the_cache_is_used_and_every_write_shows_at_once(app, client, make, card):
    dept, staff, post = card
    cache = app.extensions["fragment_cache"]
    assert "第一版正文" in page(client)
    stored = len(cache)
    assert stored >= 1
    assert "第一版正文" in page(client) and len(cache) == stored  # the second page is served from it
    dept.name = "卡片测试局（更名）"
    db.session.commit()
    assert "卡片测试局（更名）" in page(client)
    moderator = make.user(Role.ADMIN)
    hide_item(moderator, post, "含有不实信息")
    db.session.commit()
    hidden = page(client)
    assert "第一版正文" not in hidden and "不实信息" in hidden
    other = make.post(author=staff, body="另一条，将被撤回。")
    assert "另一条，将被撤回。" in page(client, f"/d/{dept.slug}")
    withdraw_post(make.staff(dept, Role.REVIEWER), other, reason="发布有误")
    db.session.commit()
    after = page(client, f"/d/{dept.slug}")
    assert "已撤回" in after and "发布有误" in after and "另一条，将被撤回。" not in after


def test_counts_on_the_card_stay_true(app, client, make, card):
    _dept, _staff, post = card
    assert "点赞 0" in page(client)
    like_post(make.user(), post)
    db.session.commit()
    assert "点赞 1" in page(client)


def test_another_viewers_controls_never_appear(app, client, login, make, card):
    _dept, _staff, post = card
    alice, bob = make.user(username="alice"), make.user(username="bob")
    like_post(alice, post)
    db.session.commit()
    login(alice)
    mine = page(client)
    assert "取消点赞" in mine and 'aria-pressed="true"' in mine and f"/p/{post.id}/unlike" in mine
    login(bob)
    theirs = page(client)
    assert "取消点赞" not in theirs and 'aria-pressed="false"' in theirs
    assert f"/p/{post.id}/like" in theirs
    with client.session_transaction() as sess:
        sess.clear()
    anonymous = page(client)
    assert "reach-actions" not in anonymous and "csrf_token" not in anonymous
    assert "举报" not in anonymous


def test_hidden_text_reaches_only_insiders_whatever_was_cached(app, client, login, make, card):
    dept, staff, post = card
    hide_item(make.user(Role.ADMIN), post, "含有不实信息")
    db.session.commit()
    login(staff)  # the author's department reads its hidden post; the public must not, even after
    assert "第一版正文" in page(client, f"/p/{post.id}")
    with client.session_transaction() as sess:
        sess.clear()
    assert "第一版正文" not in page(client, f"/p/{post.id}")
    assert "第一版正文" not in page(client)


def test_each_language_has_its_own_card(app, client, card):
    _dept, _staff, post = card
    zh = page(client, "/?lang=zh_CN")
    en = page(client, "/?lang=en")
    assert "索引号：" in zh and "Index number:" not in zh
    assert "Index number:" in en and "索引号：" not in en
    assert "索引号：" in page(client, "/?lang=zh_CN")


def test_off_renders_the_same_card(app, client, card):
    cached = page(client)
    app.config["FRAGMENT_CACHE_ENTRIES"] = 0
    app.extensions["fragment_cache"].max_entries = 0
    assert page(client) == cached


def test_workers_share_fragments_through_redis_and_survive_its_loss(tmp_path):
    import redis

    from weibo_app.core.fragments import FragmentCache

    from .redis_server import RedisServer

    server = RedisServer(tmp_path).start()
    try:
        client = redis.Redis.from_url(server.url, socket_connect_timeout=0.2, socket_timeout=0.2)
        first, second = FragmentCache(10, client), FragmentCache(10, client)  # two workers
        first.put("k1", "<p>卡片</p>")
        assert second.get("k1") == "<p>卡片</p>"
        assert second.get("k2") is None
    finally:
        server.stop()
    assert second.get("k1") == "<p>卡片</p>"  # kept in the worker's memory
    assert second.get("k3") is None  # Redis gone: a miss, not an error
    second.put("k3", "<p>x</p>")
    assert second.get("k3") == "<p>x</p>"
