"""Atom feeds, checked by a real feed parser (feedparser): well-formed, valid, with the right entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser
import time_machine

from weibo_app.core.extensions import db
from weibo_app.models import PostState


def parse(resp):
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(resp.data)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_department_feed(app, make, client):
    dept = make.department(slug="health", name="县卫健委")
    other = make.department()
    with time_machine.travel(datetime(2026, 5, 4, 2, 0, tzinfo=UTC), tick=False):
        first = make.post(department=dept, body="接种通知 <script>x</script> & 更多\n第二行", category="service")
    with time_machine.travel(datetime(2026, 5, 5, 2, 0, tzinfo=UTC), tick=False):
        second = make.post(department=dept, body="#健康# 义诊活动")
        make.post(department=other, body="别的部门")
    feed = parse(client.get("/d/health/feed.atom"))
    assert feed.feed.title == "县卫健委的政务微博"
    assert feed.feed.link == "http://localhost/d/health"
    assert feed.feed.updated == "2026-05-05T10:00:00+08:00"
    assert [e.link for e in feed.entries] == [f"http://localhost/p/{second.id}", f"http://localhost/p/{first.id}"]
    entry = feed.entries[1]
    assert entry.title == "接种通知 <script>x</script> & 更多"
    assert entry.author == "县卫健委"
    assert entry.published == "2026-05-04T10:00:00+08:00"
    assert entry.tags[0].term == "service" and entry.tags[0].label == "便民服务"
    assert entry.content[0].value == "接种通知 &lt;script&gt;x&lt;/script&gt; &amp; 更多<br />\n第二行"
    assert 'href="/topic/' in feed.entries[0].content[0].value
    assert "别的部门" not in client.get("/d/health/feed.atom").get_data(as_text=True)


def test_withdrawn_post_appears_as_its_notice(app, make, client):
    dept = make.department(slug="roads")
    post = make.post(department=dept, body="错误的通知")
    post.state = PostState.WITHDRAWN
    post.withdrawn_at = post.published_at + timedelta(hours=2)
    post.withdraw_reason = "日期有误"
    db.session.commit()
    feed = parse(client.get("/d/roads/feed.atom"))
    (entry,) = feed.entries
    assert "错误的通知" not in entry.content[0].value and "日期有误" in entry.content[0].value
    assert entry.title.startswith("【已撤回】")


def test_drafts_are_not_in_feeds(app, make, client):
    dept = make.department(slug="edu", review=True)
    from weibo_app.posts.lifecycle import create_post

    create_post(make.staff(dept), body="草稿内容", category="work")
    db.session.commit()
    feed = parse(client.get("/d/edu/feed.atom"))
    assert feed.entries == []


def test_category_and_topic_feeds(app, make, client):
    dept = make.department()
    make.post(department=dept, body="#防汛# 汛期提醒", category="emergency")
    make.post(department=dept, body="日常工作", category="work")
    feed = parse(client.get("/category/emergency/feed.atom"))
    assert [e.title for e in feed.entries] == ["#防汛# 汛期提醒"]
    assert feed.feed.title == "政务微博 · 应急管理"
    feed = parse(client.get("/topic/防汛/feed.atom"))
    assert [e.title for e in feed.entries] == ["#防汛# 汛期提醒"]
    assert feed.feed.link == "http://localhost/topic/%E9%98%B2%E6%B1%9B"
    assert parse(client.get("/topic/没有/feed.atom")).entries == []


def test_unknown_feed_targets_are_404(app, client):
    assert client.get("/d/nope/feed.atom").status_code == 404
    assert client.get("/category/nope/feed.atom").status_code == 404


def test_feed_query_count_is_fixed(app, make, client, count_queries):
    dept = make.department(slug="fixed")
    make.post(department=dept)
    with count_queries() as few:
        client.get("/d/fixed/feed.atom")
    for _ in range(10):
        make.post(department=dept)
    with count_queries() as many:
        client.get("/d/fixed/feed.atom")
    assert few.count == many.count
