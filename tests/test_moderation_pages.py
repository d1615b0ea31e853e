"""Moderation and personal information as people meet them: pages, forms and the API."""

import re

import pytest
import sqlalchemy as sa

from weibo_app.core.extensions import db
from weibo_app.models import Flag, Notification, Role, SensitiveWord, Thread
from weibo_app.moderation import operations as mod
from weibo_app.threads.operations import open_thread, reply_to_thread

PHONE, ID_NO, EMAIL = "13812345678", "11010519491231002X", "zhang.san@example.com"
PII_BODY = f"请回电{PHONE}，身份证{ID_NO}，邮箱{EMAIL}"


@pytest.fixture
def world(make):
    dept = make.department()
    clerk = make.staff(dept)
    post = make.post(author=clerk, body="关于道路施工的通知")
    opener = make.user()
    return dept, clerk, post, opener


def _text(resp) -> str:
    return resp.get_data(as_text=True)


def _as(client, login, user):
    if user is None:
        with client.session_transaction() as sess:
            sess.clear()
        return client
    return login(user)


def test_personal_information_is_masked_for_the_public_only(client, login, make, world):
    dept, clerk, post, opener = world
    thread = make.thread(author=opener, post=post, body=PII_BODY)
    supervisor = make.user(Role.SUPERVISOR)
    outsider = make.staff(make.department())
    for viewer, full in ((None, False), (make.user(), False), (outsider, False),
                         (clerk, True), (supervisor, True), (opener, True)):
        for url in (f"/t/{thread.id}", f"/p/{post.id}"):
            page = _text(_as(client, login, viewer).get(url))
            assert (PHONE in page) is full, (viewer, url)
            assert (ID_NO in page) is full
            assert (EMAIL in page) is full
            if not full:
                assert "138****5678" in page and "1101**********002X" in page and "z***@example.com" in page


def test_the_api_masks_for_the_public_and_not_for_staff(client, make, world, api_headers):
    dept, clerk, post, opener = world
    thread = make.thread(author=opener, post=post, body=PII_BODY)
    public = client.get(f"/api/v1/threads/{thread.id}").get_json()
    assert public["body"] == "请回电138****5678，身份证1101**********002X，邮箱z***@example.com"
    staff = client.get(f"/api/v1/threads/{thread.id}", headers=api_headers(clerk)).get_json()
    assert staff["body"] == PII_BODY


def test_an_anonymous_opener_is_hidden_from_the_public_not_from_staff(client, login, make, world):
    dept, clerk, post, opener = world
    resp = login(opener).post(f"/p/{post.id}/threads", data={"kind": "complaint", "body": "噪音扰民", "anonymous": "y"})
    assert resp.status_code == 303
    thread = db.session.scalar(sa.select(Thread).where(Thread.author_id == opener.id))
    assert thread.anonymous is True
    for viewer, named in ((None, False), (make.user(), False), (clerk, True)):
        page = _text(_as(client, login, viewer).get(f"/t/{thread.id}"))
        assert (opener.username in page) is named
        assert ("匿名网民" in page) is not named


def test_held_content_reaches_only_insiders(client, login, make, world):
    dept, clerk, post, opener = world
    thread = make.thread(author=opener, post=post, body="第一条留言内容")
    for user in [make.user() for _ in range(3)]:
        mod.flag_item(user, thread, "spam")
    db.session.commit()
    for viewer in (None, make.user()):
        c = _as(client, login, viewer)
        assert c.get(f"/t/{thread.id}").status_code == 404
        assert "第一条留言内容" not in _text(c.get(f"/p/{post.id}"))
        assert c.get(f"/api/v1/threads/{thread.id}").status_code == 404
    for viewer in (opener, clerk, make.user(Role.ADMIN)):
        page = _text(_as(client, login, viewer).get(f"/t/{thread.id}"))
        assert "第一条留言内容" in page and "内容待审核，暂不公开。" in page


def test_hidden_content_shows_the_placeholder(client, login, make, world, api_headers):
    dept, clerk, post, opener = world
    thread = make.thread(author=opener, post=post, body="第一条留言内容")
    mod.hide_item(make.user(Role.ADMIN), thread, "人身攻击")
    db.session.commit()
    for url in (f"/t/{thread.id}", f"/p/{post.id}"):
        page = _text(_as(client, login, None).get(url))
        assert "该内容因人身攻击已隐藏" in page and "第一条留言内容" not in page
    staff_page = _text(login(clerk).get(f"/t/{thread.id}"))
    assert "该内容因人身攻击已隐藏" in staff_page and "第一条留言内容" in staff_page
    data = _as(client, login, None).get(f"/api/v1/threads/{thread.id}").get_json()
    assert (data["body"], data["hidden"], data["hidden_reason"]) == (None, True, "人身攻击")


def test_flag_then_hide_through_the_pages(client, login, make, world):
    dept, clerk, post, opener = world
    thread = make.thread(author=opener, post=post, body="广告内容请加微信")
    reporter = make.user()
    c = login(reporter)
    assert "举报理由" in _text(c.get(f"/flag/thread/{thread.id}"))
    resp = c.post(f"/flag/thread/{thread.id}", data={"reason": "spam", "text": "广告"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/t/{thread.id}")
    assert c.post(f"/flag/thread/{thread.id}", data={"reason": "spam"}).status_code == 422  # only once
    assert c.post(f"/flag/thread/{thread.id}", data={"reason": "other"}).status_code == 422  # needs a note

    admin = make.user(Role.ADMIN)
    c = login(admin)
    queue = _text(c.get("/admin/moderation"))
    assert "广告内容请加微信" in queue and "垃圾广告 × 1" in queue and "广告" in queue
    resp = c.post(f"/admin/moderation/thread/{thread.id}/hide", data={"reason": ""})
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).hidden_at is None  # no reason, no hiding
    resp = c.post(f"/admin/moderation/thread/{thread.id}/hide", data={"reason": "广告"})
    assert resp.status_code == 303
    db.session.expire_all()
    hidden = db.session.get(Thread, thread.id)
    assert hidden.hidden_reason == "广告"
    assert db.session.scalar(sa.select(Notification.kind).where(Notification.user_id == opener.id,
                                                                Notification.kind == "thread_hidden"))
    assert "广告内容请加微信" in _text(c.get("/admin/moderation"))  # now under "recently hidden"
    assert c.post(f"/admin/moderation/thread/{thread.id}/restore", data={}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).hidden_at is None


@pytest.mark.parametrize("role, status", [
    (None, 302), (Role.RESIDENT, 403), (Role.STAFF, 403), (Role.SUPERVISOR, 200), (Role.ADMIN, 200),
])
def test_who_opens_the_queue(client, login, make, role, status):
    user = None if role is None else make.user(role, make.department() if role == Role.STAFF else None)
    assert _as(client, login, user).get("/admin/moderation").status_code == status


@pytest.mark.parametrize("role, status", [(Role.SUPERVISOR, 403), (Role.RESIDENT, 403), (Role.ADMIN, 200)])
def test_only_admins_edit_sensitive_words(client, login, make, role, status):
    assert login(make.user(role)).get("/admin/sensitive-words").status_code == status


def test_a_supervisor_acts_only_in_their_subtree(client, login, make, world):
    dept, clerk, post, opener = world
    thread = make.thread(author=opener, post=post)
    supervisor = make.user(Role.SUPERVISOR)
    supervisor.supervised_department_id = make.department().id
    db.session.commit()
    mod.flag_item(make.user(), thread, "spam")
    db.session.commit()
    c = login(supervisor)
    assert "请问怎么办理" not in _text(c.get("/admin/moderation"))
    assert c.post(f"/admin/moderation/thread/{thread.id}/hide", data={"reason": "x"}).status_code == 403


def test_sensitive_words_hold_text_with_a_clear_message(client, login, make, world, api_headers):
    dept, clerk, post, opener = world
    admin = make.user(Role.ADMIN)
    resp = login(admin).post("/admin/sensitive-words", data={"word": "违禁词"})
    assert resp.status_code == 303
    assert "违禁词" in _text(client.get("/admin/sensitive-words"))

    resp = login(opener).post(f"/p/{post.id}/threads", data={"kind": "comment", "body": "这是违禁词"},
                              follow_redirects=True)
    assert resp.status_code == 200 and "内容包含敏感词，已提交人工审核" in _text(resp)
    thread = db.session.scalar(sa.select(Thread).where(Thread.author_id == opener.id))
    assert thread.held_at is not None

    resp = client.post(f"/api/v1/posts/{post.id}/threads", json={"body": "又是违禁词", "kind": "comment"},
                       headers=api_headers(opener))
    assert resp.status_code == 202
    body = resp.get_json()
    assert body["held"] is True and body["message"] == "内容包含敏感词，已提交人工审核"
    resp = client.post(f"/api/v1/posts/{post.id}/threads", json={"body": "正常留言", "kind": "comment"},
                       headers=api_headers(opener))
    assert resp.status_code == 201 and resp.get_json()["held"] is False

    word_id = db.session.scalar(sa.select(SensitiveWord.id).where(SensitiveWord.word == "违禁词"))
    assert login(admin).post(f"/admin/sensitive-words/{word_id}/remove").status_code == 303
    assert "违禁词" not in _text(client.get("/admin/sensitive-words"))


def test_flag_api(client, make, world, api_headers):
    dept, clerk, post, opener = world
    thread = make.thread(author=opener, post=post)
    headers = [api_headers(make.user()) for _ in range(3)]
    url = "/api/v1/flags"
    resp = client.post(url, json={"target_type": "thread", "target_id": thread.id, "reason": "abuse"}, headers=headers[0])
    assert resp.status_code == 201
    assert resp.get_json()["reason"] == "abuse" and resp.get_json()["held"] is False
    assert client.post(url, json={"target_type": "thread", "target_id": thread.id, "reason": "abuse"},
                       headers=headers[0]).get_json()["error"]["code"] == "already_flagged"
    assert client.post(url, json={"target_type": "user", "target_id": 1, "reason": "abuse"},
                       headers=headers[1]).status_code == 422
    assert client.post(url, json={"target_type": "thread", "target_id": 999, "reason": "abuse"},
                       headers=headers[1]).status_code == 404
    assert client.post(url, json={"target_type": "thread", "target_id": thread.id, "reason": "abuse"}).status_code == 401
    client.post(url, json={"target_type": "thread", "target_id": thread.id, "reason": "spam"}, headers=headers[1])
    resp = client.post(url, json={"target_type": "thread", "target_id": thread.id, "reason": "other", "text": "重复"},
                       headers=headers[2])
    assert resp.status_code == 201 and resp.get_json()["held"] is False  # held, but not for this reporter's eyes
    assert db.session.get(Thread, thread.id).held_at is not None
    assert db.session.scalar(sa.select(sa.func.count(Flag.id))) == 3


def test_queue_query_count_does_not_grow_with_items(client, login, make, world, count_queries):
    dept, clerk, post, opener = world
    admin = make.user(Role.ADMIN)
    reporter = make.user()

    def flag_new():
        thread = open_thread(opener, body="待审", kind="comment", post=post)
        db.session.commit()
        mod.flag_item(reporter, thread, "spam")
        db.session.commit()

    c = login(admin)
    flag_new()
    with count_queries() as few:
        assert c.get("/admin/moderation").status_code == 200
    for _ in range(4):
        flag_new()
    with count_queries() as many:
        page = _text(c.get("/admin/moderation"))
    assert len(re.findall("待审", page)) >= 5
    assert many.count == few.count


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_flagging_needs_the_form_token(self, client, login, make, world):
        dept, clerk, post, opener = world
        thread = make.thread(author=opener, post=post)
        c = login(make.user())
        assert c.post(f"/flag/thread/{thread.id}", data={"reason": "spam"}).status_code == 400
        page = _text(c.get(f"/flag/thread/{thread.id}"))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert c.post(f"/flag/thread/{thread.id}", data={"reason": "spam", "csrf_token": token}).status_code == 303


def test_a_hidden_post_leaves_only_its_notice_on_the_timeline_and_feed(client, make, world):
    dept, clerk, post, opener = world
    mod.hide_item(make.user(Role.ADMIN), post, "泄露个人信息")
    db.session.commit()
    for url in ("/", f"/p/{post.id}", f"/d/{dept.slug}/feed.atom"):
        page = _text(client.get(url))
        assert "该内容因泄露个人信息已隐藏" in page and "关于道路施工的通知" not in page, url
    assert client.get(f"/api/v1/posts/{post.id}").get_json()["body"] is None


def test_a_held_post_is_not_public_until_released(client, login, make, world):
    dept, clerk, post, opener = world
    admin = make.user(Role.ADMIN)
    mod.add_sensitive_word(admin, "违禁词")
    db.session.commit()
    held = make.post(author=clerk, body="含违禁词的通知")
    assert client.get(f"/p/{held.id}").status_code == 404
    assert "含违禁词的通知" not in _text(client.get("/"))
    assert "含违禁词的通知" in _text(login(clerk).get(f"/p/{held.id}"))
    mod.release_item(admin, held)
    db.session.commit()
    with client.session_transaction() as sess:
        sess.clear()
    assert "含违禁词的通知" in _text(client.get("/"))


def test_a_held_reply_is_left_out_for_the_public(client, login, make, world):
    dept, clerk, post, opener = world
    thread = make.thread(author=opener, post=post, body="路灯坏了")
    mod.add_sensitive_word(make.user(Role.ADMIN), "违禁词")
    reply_to_thread(clerk, thread, "已派人维修")
    reply_to_thread(opener, thread, "追问违禁词")
    db.session.commit()
    public = _text(client.get(f"/t/{thread.id}"))
    assert "已派人维修" in public and "追问违禁词" not in public and "回复（1）" in public
    assert [r["body"] for r in client.get(f"/api/v1/threads/{thread.id}").get_json()["replies"]] == ["已派人维修"]
    staff = _text(login(clerk).get(f"/t/{thread.id}"))
    assert "追问违禁词" in staff and "内容待审核，暂不公开。" in staff


def test_the_queue_lists_posts_threads_and_replies(client, login, make, world):
    dept, clerk, post, opener = world
    thread = make.thread(author=opener, post=post, body="留言正文")
    reply = reply_to_thread(clerk, thread, "回复正文")
    db.session.commit()
    reporter = make.user()
    for item in (post, thread, reply):
        mod.flag_item(reporter, item, "off_topic")
    db.session.commit()
    page = _text(login(make.user(Role.ADMIN)).get("/admin/moderation"))
    for text in ("关于道路施工的通知", "留言正文", "回复正文"):
        assert text in page
    assert page.count("与主题无关 × 1") == 3
    resp = client.post(f"/admin/moderation/reply/{reply.id}/hide", data={"reason": "无关"})
    assert resp.status_code == 303
    assert "该内容因无关已隐藏" in _text(client.get(f"/t/{thread.id}"))
    assert client.post(f"/admin/moderation/post/{post.id}/dismiss").status_code == 303
    assert client.post(f"/admin/moderation/bogus/{post.id}/dismiss").status_code == 404
    assert client.post(f"/admin/moderation/post/{post.id}/explode").status_code == 404
    assert mod.open_flag_count("post", post.id) == 0


def test_an_official_reply_is_shown_as_the_department_wrote_it(client, make, world):
    dept, clerk, post, opener = world
    thread = make.thread(author=opener, post=post, body=f"我的电话{PHONE}")
    reply_to_thread(clerk, thread, "请联系经办人，电话13900001111")
    db.session.commit()
    page = _text(client.get(f"/t/{thread.id}"))
    assert "13900001111" in page and PHONE not in page and "138****5678" in page


def test_the_dashboard_shows_hidden_threads_separately(client, login, make, world):
    dept, clerk, post, opener = world
    thread = make.thread(author=opener, post=post, body="辱骂内容")
    mod.hide_item(make.user(Role.ADMIN), thread, "辱骂")
    db.session.commit()
    c = login(make.user(Role.SUPERVISOR))
    assert "已隐藏" in _text(c.get("/dashboard"))
    rows = _text(c.get(f"/dashboard/rows?figure=hidden&department={dept.slug}"))
    assert f"/t/{thread.id}" in rows


def test_flag_page_never_shows_what_the_reporter_cannot_read(app, client, make, login):
    """Drafts, a withdrawn post's text and replies inside a held thread stay out of the report page."""
    from weibo_app.models import PostState
    from weibo_app.posts.amend import withdraw_post
    from weibo_app.posts.lifecycle import create_post
    from weibo_app.threads.operations import reply_to_thread

    reviewing = make.department(review=True)
    clerk = make.staff(reviewing)
    draft = create_post(clerk, body="尚未审核的草稿内容", category="work")
    db.session.commit()
    assert draft.state == PostState.DRAFT

    open_dept = make.department()
    head = make.staff(open_dept, "dept_head")
    author = make.staff(open_dept)
    withdrawn = make.post(author=author, body="已撤回的原文")
    withdraw_post(head, withdrawn, reason="信息有误")
    db.session.commit()

    post = make.post(department=open_dept)
    asker = make.user()
    thread = make.thread(author=asker, post=post)
    reply_to_thread(author, thread, "已收到")  # 追问 follows an answer
    reply = reply_to_thread(asker, thread, "补充说明的追问")
    thread.held_at = thread.opened_at
    db.session.commit()

    login(make.user())
    assert client.get(f"/flag/post/{draft.id}").status_code == 404
    assert client.get(f"/flag/post/{withdrawn.id}").status_code == 404
    assert client.get(f"/flag/reply/{reply.id}").status_code == 404
    assert client.get(f"/flag/post/{post.id}").status_code == 200
