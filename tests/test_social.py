"""Follows, likes, reposts and topics: rules, permissions, pages, API, figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from weibo_app.core.exceptions import Conflict, Forbidden, Invalid
from weibo_app.core.extensions import db
from weibo_app.core.text import extract_topics, match_mentions, render_post_html
from weibo_app.metrics.figures import compute_metrics
from weibo_app.metrics.queries import make_period
from weibo_app.models import Follow, Like, PostState, PostTopic, Repost, Role
from weibo_app.social import operations as ops


def _withdraw(post, reason="信息有误"):
    post.state = PostState.WITHDRAWN
    post.withdrawn_at = post.published_at + timedelta(hours=1)
    post.withdraw_reason = reason
    db.session.commit()


# --- text: parsed once, safely ------------------------------------------------

def test_topics_and_mentions_are_parsed_and_linked_safely():
    text = '关注#垃圾分类#和#垃圾分类#，@县公安局请回复。网址 http://x.cn/a#b#c 邮箱 a@b.cn #<b>x#'
    assert extract_topics(text) == ["垃圾分类", "<b>x"]
    assert match_mentions(text, {"县公安局", "县公安"}) == ["县公安局"]
    html = render_post_html(text, {"县公安局": "police"})
    assert '<a class="topic" href="/topic/%E5%9E%83%E5%9C%BE%E5%88%86%E7%B1%BB">#垃圾分类#</a>' in html
    assert '<a class="mention" href="/d/police">@县公安局</a>请回复' in html
    assert 'href="http://x.cn/a#b#c"' in html  # "#b#" inside a URL is no topic
    assert "<b>" not in html and "#&lt;b&gt;x#" in html and 'href="/topic/%3Cb%3Ex"' in html
    assert "a@b.cn" in html and "mention" not in html.split("a@b.cn")[0][-40:]


def test_unknown_mention_stays_plain_text():
    assert render_post_html("@不存在的部门 你好") == "@不存在的部门 你好"


# --- follow ---------------------------------------------------------------------

def test_follow_is_once_per_user_and_undoable(app, make):
    dept = make.department()
    resident = make.user()
    assert ops.follow_department(resident, dept) is True
    assert ops.follow_department(resident, dept) is False
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Follow)) == 1
    assert ops.unfollow_department(resident, dept) is True
    assert ops.unfollow_department(resident, dept) is False
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Follow)) == 0


@pytest.mark.parametrize("role", [Role.STAFF, Role.SUPERVISOR, Role.ADMIN])
def test_only_residents_follow_and_like(app, make, role):
    dept = make.department()
    post = make.post(department=dept)
    user = make.user(role, dept if role == Role.STAFF else None)
    with pytest.raises(Forbidden):
        ops.follow_department(user, dept)
    with pytest.raises(Forbidden):
        ops.like_post(user, post)
    with pytest.raises(Forbidden):
        ops.repost_post(user, post, "")


def test_follow_button_page_and_home_timeline(app, make, client, login):
    followed, other = make.department(name="县交通局"), make.department(name="县教育局")
    make.post(department=followed, body="交通通知")
    make.post(department=other, body="教育通知")
    resident = make.user()
    login(resident)
    page = client.get(f"/d/{followed.slug}").get_data(as_text=True)
    assert f'action="/d/{followed.slug}/follow"' in page
    # home before following: the public timeline
    assert "教育通知" in client.get("/").get_data(as_text=True)
    resp = client.post(f"/d/{followed.slug}/follow", data={"next": f"/d/{followed.slug}"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/d/{followed.slug}")
    page = client.get(f"/d/{followed.slug}").get_data(as_text=True)
    assert f'action="/d/{followed.slug}/unfollow"' in page
    home = client.get("/").get_data(as_text=True)
    assert "交通通知" in home and "教育通知" not in home and "我关注的部门" in home
    assert "教育通知" in client.get("/?all=1").get_data(as_text=True)
    figures = compute_metrics(make_period(date(2000, 1, 1), date(2100, 1, 1)), department_ids=[followed.id])[0]
    assert figures["followers"] == 1


def test_redirect_after_button_stays_on_site(app, make, client, login):
    dept = make.department()
    login(make.user())
    resp = client.post(f"/d/{dept.slug}/follow", data={"next": "//evil.example/x"})
    assert resp.headers["Location"].endswith(f"/d/{dept.slug}")


def test_buttons_need_login(app, make, client):
    dept = make.department()
    post = make.post(department=dept)
    for url in (f"/d/{dept.slug}/follow", f"/p/{post.id}/like", f"/p/{post.id}/repost"):
        resp = client.post(url)
        assert resp.status_code in (302, 401), url
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Like)) == 0


def test_staff_like_through_the_page_is_forbidden(app, make, client, login):
    dept = make.department()
    post = make.post(department=dept)
    login(make.staff(dept))
    assert client.post(f"/p/{post.id}/like").status_code == 403


# --- like -----------------------------------------------------------------------

def test_like_once_undo_and_counts_everywhere(app, make, client, login, api_headers):
    dept = make.department()
    post = make.post(department=dept)
    a, b = make.user(), make.user()
    login(a)
    assert client.post(f"/p/{post.id}/like").status_code == 303
    assert client.post(f"/p/{post.id}/like").status_code == 303  # a second like changes nothing
    page = client.get(f"/p/{post.id}").get_data(as_text=True)
    assert "点赞 1" in page and f'action="/p/{post.id}/unlike"' in page
    headers = api_headers(b)
    resp = client.post(f"/api/v1/posts/{post.id}/like", headers=headers)
    assert resp.get_json() == {"post_id": post.id, "liked": True, "likes": 2}
    assert client.get(f"/api/v1/posts/{post.id}").get_json()["counts"]["likes"] == 2
    resp = client.delete(f"/api/v1/posts/{post.id}/like", headers=headers)
    assert resp.get_json() == {"post_id": post.id, "liked": False, "likes": 1}
    figures = compute_metrics(make_period(date(2000, 1, 1), date(2100, 1, 1)), department_ids=[dept.id])[0]
    assert figures["likes"] == 1


def test_cannot_like_or_repost_withdrawn_post(app, make):
    post = make.post()
    resident = make.user()
    _withdraw(post)
    with pytest.raises(Conflict):
        ops.like_post(resident, post)
    with pytest.raises(Conflict):
        ops.repost_post(resident, post, "转")


def test_api_like_errors(app, make, client, api_headers):
    post = make.post()
    staff = make.staff(make.department())
    assert client.post(f"/api/v1/posts/{post.id}/like").status_code == 401
    resp = client.post(f"/api/v1/posts/{post.id}/like", headers=api_headers(staff))
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "residents_only"
    assert client.post("/api/v1/posts/9999/like", headers=api_headers(make.user())).status_code == 404


# --- repost ---------------------------------------------------------------------

def test_repost_comment_limit_is_weibo_counted(app, make):
    post = make.post()
    resident = make.user()
    ops.repost_post(resident, post, "转" * 140)
    ops.repost_post(resident, post, "a" * 280)  # 280 half-width = 140
    with pytest.raises(Invalid):
        ops.repost_post(resident, post, "转" * 140 + "a")
    with pytest.raises(Invalid):
        ops.repost_post(resident, post, "a" * 281)
    r = ops.repost_post(resident, post, None)
    assert r.comment == "" and r.comment_html == ""
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Repost)) == 3


def test_repost_page_shows_original_then_withdrawal_notice(app, make, client, login):
    dept = make.department(name="县应急局")
    post = make.post(department=dept, body="原微博正文")
    login(make.user())
    resp = client.post(f"/p/{post.id}/repost", data={"comment": "<b>扩散</b>"})
    assert resp.status_code == 303
    repost_url = resp.headers["Location"]
    page = client.get(repost_url).get_data(as_text=True)
    assert "原微博正文" in page and "&lt;b&gt;扩散&lt;/b&gt;" in page and "<b>扩散" not in page
    assert "扩散" in client.get(f"/p/{post.id}").get_data(as_text=True)  # listed on the post's page
    _withdraw(post, "数据更新")
    page = client.get(repost_url).get_data(as_text=True)
    assert "原微博正文" not in page and "已撤回" in page and "数据更新" in page
    assert "已撤回" in client.get("/me/reposts").get_data(as_text=True)


def test_repost_form_rejects_long_comment(app, make, client, login):
    post = make.post()
    login(make.user())
    resp = client.post(f"/p/{post.id}/repost", data={"comment": "长" * 141})
    assert resp.status_code == 422 and "不能超过140字" in resp.get_data(as_text=True)


def test_repost_api(app, make, client, api_headers):
    post = make.post()
    resp = client.post(f"/api/v1/posts/{post.id}/reposts", json={"comment": "转发"}, headers=api_headers(make.user()))
    assert resp.status_code == 201 and resp.get_json()["comment"] == "转发"
    assert client.get(f"/api/v1/posts/{post.id}").get_json()["counts"]["reposts"] == 1


# --- topics and mentions -----------------------------------------------------------

def test_topic_page_lists_posts_with_the_topic(app, make, client):
    police = make.department(slug="police", name="县公安局")
    roads = make.department(name="县交通局")
    p1 = make.post(department=roads, body="#出行提示# 明日道路施工，@县公安局 协助")
    make.post(department=roads, body="没有话题")
    rows = db.session.execute(sa.select(PostTopic.name, PostTopic.post_id)).all()
    assert rows == [("出行提示", p1.id)]
    assert 'href="/topic/%E5%87%BA%E8%A1%8C%E6%8F%90%E7%A4%BA"' in p1.body_html
    assert f'href="/d/{police.slug}"' in p1.body_html
    page = client.get("/topic/出行提示").get_data(as_text=True)
    assert "明日道路施工" in page and "没有话题" not in page
    assert client.get("/api/v1/topics/出行提示/posts").get_json()["posts"][0]["id"] == p1.id
    assert "明日道路施工" not in client.get("/topic/别的").get_data(as_text=True)


# --- query counts -------------------------------------------------------------

def test_home_timeline_query_count_same_for_3_and_30_posts(app, make, client, login, count_queries):
    dept = make.department()
    author = make.staff(dept)
    fans = [make.user(), make.user()]
    resident = make.user()
    ops.follow_department(resident, dept)

    def add_posts(n):
        for i in range(n):
            post = make.post(author=author, body=f"第{i}条")
            for fan in fans:
                ops.like_post(fan, post)
            ops.repost_post(fans[0], post, "转")
            ops.like_post(resident, post)
        db.session.commit()

    def measure():
        with count_queries() as counter:
            page = client.get("/").get_data(as_text=True)
        assert "我关注的部门" in page and "点赞 3" in page and "转发 1" in page and "取消点赞" in page
        return counter.count

    login(resident)
    add_posts(3)
    few = measure()
    add_posts(27)
    many = measure()
    assert few == many, "the home timeline must not query per post"
    assert many <= 12


def test_like_figure_counts_period_by_like_time(app, make):
    dept = make.department()
    with time_machine.travel(datetime(2026, 3, 2, 4, tzinfo=UTC), tick=False):
        post = make.post(department=dept)
        ops.like_post(make.user(), post)
        db.session.commit()
    with time_machine.travel(datetime(2026, 3, 10, 4, tzinfo=UTC), tick=False):
        ops.like_post(make.user(), post)
        db.session.commit()
        march_1_to_5 = compute_metrics(make_period(date(2026, 3, 1), date(2026, 3, 6)), department_ids=[dept.id])[0]
        whole = compute_metrics(make_period(date(2026, 3, 1), date(2026, 4, 1)), department_ids=[dept.id])[0]
    assert march_1_to_5["likes"] == 1 and whole["likes"] == 2


def test_demo_has_real_reach_figures(app):
    from weibo_app.demo import seed_demo

    seed_demo(days=10)
    db.session.commit()
    totals = {k: 0 for k in ("views", "likes", "reposts", "followers")}
    for row in compute_metrics(make_period(date(2000, 1, 1), date(2100, 1, 1))):
        for k in totals:
            totals[k] += row[k]
    assert all(v > 0 for v in totals.values()), totals
    assert totals["reposts"] == db.session.scalar(sa.select(sa.func.count()).select_from(Repost))


def test_repost_comments_are_masked_and_screened(app, client, make, login):
    """A repost comment is public: personal information masked, sensitive words refused with a message."""
    from weibo_app.moderation.operations import add_sensitive_word

    post = make.post()
    resident = make.user()
    admin = make.user(Role.ADMIN)
    add_sensitive_word(admin, "违禁词")
    db.session.commit()
    ops.repost_post(resident, post, "请联系13812345678")
    db.session.commit()
    page = client.get(f"/p/{post.id}").get_data(as_text=True)
    assert "13812345678" not in page and "138****5678" in page

    with pytest.raises(Invalid):
        ops.repost_post(resident, post, "这是违禁词")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Repost.id))) == 1


def test_the_post_pages_reads_follow_the_post_and_limit_of_each_call(app, make):
    # Their statements are built once: the post and the limit are parameters of each call.
    from weibo_app.posts.amend import add_correction
    from weibo_app.posts.queries import corrections_for, get_public_post, reposts_of_post

    dept = make.department()
    staff = make.staff(dept)
    first, second = make.post(author=staff, body="第一条"), make.post(author=staff, body="第二条")
    for n in range(3):
        ops.repost_post(make.user(), first, f"转发{n}")
    ops.repost_post(make.user(), second, "转发第二条")
    fixed = add_correction(staff, second, body="更正第二条")
    db.session.commit()
    assert get_public_post(first.id) is first and get_public_post(second.id) is second
    assert len(reposts_of_post(first.id, 20)) == 3 and len(reposts_of_post(first.id, 2)) == 2
    assert [r.comment for r in reposts_of_post(second.id, 20)] == ["转发第二条"]
    found = corrections_for([first.id, second.id])
    assert found[first.id] == [] and found[second.id] == [fixed]
    assert corrections_for([first.id]) == {}
