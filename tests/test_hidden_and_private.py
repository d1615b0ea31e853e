"""Hidden means hidden, private threads, insiders reading any state of a post, and scope on notices."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from weibo_app.core.clock import utcnow
from weibo_app.core.exceptions import Conflict
from weibo_app.core.extensions import db
from weibo_app.models import PostState, Reply, Role, Thread
from weibo_app.moderation.operations import add_sensitive_word, hide_item
from weibo_app.posts.lifecycle import create_post
from weibo_app.threads.operations import reply_to_thread


@pytest.fixture
def world(app, make):
    county = make.department(slug="county", name="县政府")
    a = make.department(slug="dept-a", name="甲局", parent=county, review=True)
    b = make.department(slug="dept-b", name="乙局", parent=county)
    staff = make.staff(a)
    post = make.post(author=staff, body="关于道路施工的通知")
    return {"a": a, "b": b, "staff": staff, "post": post, "opener": make.user(),
            "sup_a": make.user(Role.SUPERVISOR, a), "sup_b": make.user(Role.SUPERVISOR, b),
            "admin": make.user(Role.ADMIN)}


def _text(resp) -> str:
    return resp.get_data(as_text=True)


# --- insiders read any state of their department's posts ------------------------------------

@pytest.mark.parametrize("state", ["draft", "pending", "pending_final", "scheduled", "withdrawn"])
def test_insiders_read_every_state_of_a_post_in_the_api(world, make, client, api_headers, state):
    post = create_post(world["staff"], body="尚未公开的微博", category="work")
    post.state = state
    if state == "scheduled":
        post.published_at = utcnow() + timedelta(days=1)
    if state == "withdrawn":
        post.published_at, post.withdrawn_at, post.withdraw_reason = utcnow(), utcnow(), "信息有误"
    db.session.commit()
    a, b = world["a"], world["b"]
    for user in (make.staff(a), make.staff(a, Role.REVIEWER), make.staff(a, Role.DEPT_HEAD), world["sup_a"],
                 world["admin"]):
        data = client.get(f"/api/v1/posts/{post.id}", headers=api_headers(user)).get_json()
        assert (data["state"], data["body"]) == (state, "尚未公开的微博"), user
    for user in (None, make.user(), make.staff(b), world["sup_b"]):
        resp = client.get(f"/api/v1/posts/{post.id}", headers=api_headers(user) if user else {})
        if state == "withdrawn":  # the public reads the notice, not the text
            assert resp.status_code == 200 and resp.get_json()["body"] is None
        else:
            assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "post_not_found"


# --- a hidden or held thread takes no follow-ups --------------------------------------------

def test_a_hidden_thread_is_closed_to_follow_ups(world, make, client, login, api_headers):
    opener = world["opener"]
    thread = make.thread(author=opener, post=world["post"], body="路灯坏了")
    reply_to_thread(world["staff"], thread, "已派人维修")
    reply_to_thread(opener, thread, "还是没修好")
    hide_item(world["admin"], thread, "人身攻击")
    db.session.commit()
    with pytest.raises(Conflict) as err:
        reply_to_thread(opener, thread, "再追问一次")
    assert err.value.code == "thread_closed"
    db.session.rollback()

    resp = client.post(f"/api/v1/threads/{thread.id}/replies", json={"body": "再追问一次"},
                       headers=api_headers(opener))
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "thread_closed"
    page = _text(login(opener).get(f"/t/{thread.id}"))
    assert "暂不能追问" in page and "提交追问" not in page
    resp = client.post(f"/t/{thread.id}/reply", data={"body": "再追问一次"})
    assert resp.status_code == 422 and "暂不能追问" in _text(resp)
    assert db.session.scalar(sa.select(sa.func.count(Reply.id)).where(Reply.thread_id == thread.id)) == 2

    # The public sees the notice and nothing of what was said inside, answers and follow-ups included.
    with client.session_transaction() as sess:
        sess.clear()
    public = _text(client.get(f"/t/{thread.id}"))
    assert "该内容因人身攻击已隐藏" in public
    assert not any(t in public for t in ("路灯坏了", "已派人维修", "还是没修好"))
    assert client.get(f"/api/v1/threads/{thread.id}").get_json()["replies"] == []


def test_a_held_thread_is_closed_to_follow_ups(world, make):
    add_sensitive_word(world["admin"], "违禁词")
    thread = make.thread(author=world["opener"], post=world["post"], body="含违禁词的留言")
    assert thread.held_at is not None
    with pytest.raises(Conflict):
        reply_to_thread(world["opener"], thread, "追问")


# --- public counts count what the public can read -------------------------------------------

def test_public_counts_leave_out_held_hidden_and_private_threads(world, make, client, login, api_headers):
    post, opener = world["post"], world["opener"]
    make.thread(author=opener, post=post, body="公开的留言")
    hide_item(world["admin"], make.thread(author=opener, post=post, body="要隐藏的留言"), "广告")
    add_sensitive_word(world["admin"], "违禁词")
    make.thread(author=opener, post=post, body="含违禁词")
    make.thread(author=opener, post=post, kind="report", body="举报某某")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Thread.id)).where(Thread.post_id == post.id)) == 4
    assert client.get(f"/api/v1/posts/{post.id}").get_json()["counts"]["threads"] == 1
    listed = client.get("/api/v1/posts").get_json()["posts"]
    assert [p["counts"]["threads"] for p in listed if p["id"] == post.id] == [1]
    assert "留言 1" in _text(client.get("/"))
    # The same public count whoever looks: insiders read the threads, the card still counts what is public.
    staff_view = client.get(f"/api/v1/posts/{post.id}", headers=api_headers(world["staff"])).get_json()
    assert staff_view["counts"]["threads"] == 1 and len(staff_view["threads"]) == 4


# --- private threads ------------------------------------------------------------------------

def test_asking_privately_through_the_api_and_the_form(world, make, client, login, api_headers):
    opener, post, a = world["opener"], world["post"], world["a"]
    headers = api_headers(opener)
    resp = client.post(f"/api/v1/posts/{post.id}/threads", json={"body": "不想公开的问题", "kind": "help",
                                                                "private": True}, headers=headers)
    assert resp.status_code == 201 and resp.get_json()["private"] is True
    on_post = resp.get_json()["id"]
    resp = client.post(f"/api/v1/departments/{a.slug}/threads", json={"body": "举报某单位", "kind": "report"},
                       headers=headers)
    assert resp.status_code == 201 and resp.get_json()["private"] is True  # a report is always private
    report = resp.get_json()["id"]
    resp = client.post("/api/v1/departments/dept-a/threads", json={"body": "公开的问题", "kind": "help"}, headers=headers)
    assert resp.get_json()["private"] is False

    c = login(opener)
    assert "不公开" in _text(c.get(f"/p/{post.id}")) and "不公开" in _text(c.get("/d/dept-a?tab=board"))
    resp = c.post(f"/d/{a.slug}/threads", data={"body": "表单里的私密留言", "kind": "consultation", "private": "y"})
    assert resp.status_code == 303
    by_form = db.session.scalar(sa.select(Thread).where(Thread.body == "表单里的私密留言"))
    assert by_form.private

    # Nobody else learns that they exist: no page, no list, no search hit, no count.
    for viewer in (None, make.user(), make.staff(world["b"]), world["sup_b"]):
        with client.session_transaction() as sess:
            sess.clear()
        if viewer is not None:
            login(viewer)
        for thread_id in (on_post, report, by_form.id):
            assert client.get(f"/t/{thread_id}").status_code == 404
            assert client.get(f"/api/v1/threads/{thread_id}").status_code == 404
        pages = _text(client.get(f"/p/{post.id}")) + _text(client.get("/d/dept-a?tab=board"))
        pages += _text(client.get("/search?q=私密")) + _text(client.get("/search?q=某单位"))
        assert not any(t in pages for t in ("不想公开的问题", "举报某单位", "表单里的私密留言"))
    for insider in (world["staff"], world["sup_a"], world["admin"]):
        with client.session_transaction() as sess:
            sess.clear()
        login(insider)
        page = _text(client.get(f"/t/{report}"))
        assert "举报某单位" in page and "不公开" in page


# --- flags: an unreadable target does not exist --------------------------------------------

def test_flagging_what_one_cannot_read_is_404(world, make, client, login, api_headers):
    thread = make.thread(author=world["opener"], post=world["post"])
    reply = reply_to_thread(world["staff"], thread, "部门的回复")
    thread.held_at = utcnow()
    private = make.thread(author=world["opener"], department=world["a"], kind="report", body="举报")
    db.session.commit()
    reporter = make.user()
    headers = api_headers(reporter)
    for target_type, target in (("reply", reply), ("thread", thread), ("thread", private)):
        resp = client.post("/api/v1/flags", json={"target_type": target_type, "target_id": target.id,
                                                  "reason": "spam"}, headers=headers)
        assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "item_not_found"
        assert login(reporter).get(f"/flag/{target_type}/{target.id}").status_code == 404


# --- a supervisor sees nothing outside their area -------------------------------------------

def test_a_notice_about_a_thread_outside_the_area_is_404(world, make, client, login):
    thread = make.thread(author=world["opener"], post=world["post"], body="甲局的留言")
    assert "甲局的留言" not in _text(login(world["sup_b"]).get(f"/notices/new?thread={thread.id}"))
    assert client.get(f"/notices/new?thread={thread.id}").status_code == 404
    resp = client.post("/notices/new", data={"department": "dept-b", "thread": str(thread.id), "body": "督办",
                                             "working_days": "3"})
    assert resp.status_code == 404
    assert login(world["sup_a"]).get(f"/notices/new?thread={thread.id}").status_code == 200


def test_posts_in_a_draft_state_stay_404_on_the_page_for_outsiders(world, make, client, login):
    draft = create_post(world["staff"], body="草稿正文", category="work")
    db.session.commit()
    assert draft.state == PostState.DRAFT
    assert client.get(f"/p/{draft.id}").status_code == 404
    assert login(make.user()).get(f"/p/{draft.id}").status_code == 404
    assert "草稿正文" in _text(login(world["staff"]).get(f"/p/{draft.id}"))
