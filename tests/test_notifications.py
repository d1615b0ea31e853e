"""Notifications: who is told what, the unread badge, marking read, the API, e-mail over loopback SMTP."""

from __future__ import annotations

import socket

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from weibo_app.core import signals
from weibo_app.core.extensions import db
from weibo_app.models import Notification, Role
from weibo_app.notifications.operations import mark_read, notify
from weibo_app.threads import operations as thread_ops


def kinds_of(user) -> list[tuple[str, dict]]:
    rows = db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    return [(n.kind, n.data) for n in rows]


@pytest.fixture
def desk(make):
    """A department with two staff and a reviewer, another department, a resident and a thread."""
    dept = make.department(name="县住建局")
    other = make.department(name="县水务局")
    staff, colleague = make.staff(dept), make.staff(dept)
    reviewer = make.staff(dept, Role.REVIEWER)
    other_staff = make.staff(other)
    resident = make.user()
    thread = make.thread(author=resident, department=dept, body="小区积水")
    return dict(dept=dept, other=other, staff=staff, colleague=colleague, reviewer=reviewer,
                other_staff=other_staff, resident=resident, thread=thread)


def test_new_thread_tells_every_staff_member_of_the_department(app, desk):
    for who in ("staff", "colleague", "reviewer"):
        assert kinds_of(desk[who]) == [("thread_new", {"thread_id": desk["thread"].id, "excerpt": "小区积水",
                                                       "kind": "consultation", "channel": "web"})]
    assert kinds_of(desk["other_staff"]) == []
    assert kinds_of(desk["resident"]) == []


def test_answer_followup_dismiss_and_transfer(app, make, desk):
    d, t = desk, desk["thread"]
    thread_ops.reply_to_thread(d["staff"], t, "已安排排水")
    db.session.commit()
    about = {"thread_id": t.id, "excerpt": "小区积水"}
    assert kinds_of(d["resident"]) == [("thread_answered", {**about, "department": "县住建局"})]
    thread_ops.reply_to_thread(d["resident"], t, "还是积水")
    db.session.commit()
    assert kinds_of(d["colleague"])[-1] == ("thread_followup", {**about, "kind": "consultation"})
    thread_ops.dismiss_thread(d["staff"], t, "重复留言")
    db.session.commit()
    assert kinds_of(d["resident"])[-1] == (
        "thread_dismissed", {**about, "department": "县住建局", "reason": "重复留言"})

    t2 = make.thread(author=d["resident"], department=d["dept"])
    app.config["TRANSFER_APPROVAL"] = False  # staff move it themselves; the dispatcher's way: test_closed_loop.py
    thread_ops.transfer_thread(d["staff"], t2, d["other"])
    db.session.commit()
    assert kinds_of(d["resident"])[-1] == (
        "thread_transferred", {"thread_id": t2.id, "excerpt": "请问怎么办理？", "source": "县住建局",
                               "department": "县水务局"})
    assert kinds_of(d["other_staff"]) == [
        ("thread_transferred_in", {"thread_id": t2.id, "excerpt": "请问怎么办理？", "kind": "consultation",
                                   "source": "县住建局"})]


def test_rolled_back_action_leaves_no_notification(app, desk):
    thread_ops.reply_to_thread(desk["staff"], desk["thread"], "回复")
    db.session.rollback()
    assert kinds_of(desk["resident"]) == []


def test_draft_waiting_tells_reviewers_not_the_author(app, make, desk):
    dept = make.department(review=True)
    author, reviewer, head = make.staff(dept), make.staff(dept, Role.REVIEWER), make.staff(dept, Role.DEPT_HEAD)
    from weibo_app.posts.lifecycle import create_post

    post = create_post(author, body="待审核微博", category="work")
    post.state = "pending"
    signals.post_submitted.send(post)
    db.session.commit()
    expected = [("draft_waiting", {"post_id": post.id, "author": author.shown_name})]
    assert kinds_of(reviewer) == expected and kinds_of(head) == expected
    assert kinds_of(author) == []
    post.state = "pending_final"
    signals.post_submitted.send(post)
    db.session.commit()
    assert len(kinds_of(head)) == 2 and len(kinds_of(reviewer)) == 1


def test_mention_tells_the_mentioned_department(app, make, desk):
    make.post(department=desk["other"], body="请@县住建局 配合排查，@县水务局 牵头")
    kinds = kinds_of(desk["staff"])
    assert kinds[-1][0] == "mention" and kinds[-1][1]["department"] == "县水务局"
    assert [k for k, _ in kinds_of(desk["other_staff"])] == []  # its own department is not told


def test_hidden_notification_through_notify(app, desk):
    notify(desk["resident"].id, "thread_hidden", thread_id=desk["thread"].id, reason="含有广告")
    db.session.commit()
    from weibo_app.notifications.messages import describe

    kind, data = kinds_of(desk["resident"])[-1]
    assert describe(kind, data) == f"您的第{desk['thread'].id}号留言已被隐藏，理由：含有广告"


def test_badge_page_and_mark_read(app, desk, client, login):
    resident, t = desk["resident"], desk["thread"]
    thread_ops.reply_to_thread(desk["staff"], t, "第一次回复")
    thread_ops.dismiss_thread(desk["staff"], t, "已办结")
    db.session.commit()
    login(resident)
    page = client.get("/notifications").get_data(as_text=True)
    assert "（2条未读）" in page and f"县住建局回复了您的第{t.id}号留言“小区积水”。" in page and "理由：已办结" in page
    first = db.session.scalar(sa.select(Notification).where(Notification.user_id == resident.id)
                              .order_by(Notification.id))
    resp = client.post(f"/notifications/{first.id}/read")
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/t/{t.id}")
    assert "（1条未读）" in client.get("/").get_data(as_text=True)
    client.post("/notifications/read-all")
    assert "条未读" not in client.get("/notifications").get_data(as_text=True)


def test_cannot_read_someone_elses_notification(app, desk, client, login):
    row = db.session.scalar(sa.select(Notification).where(Notification.user_id == desk["staff"].id))
    from weibo_app.core.exceptions import NotFound

    with pytest.raises(NotFound):
        mark_read(desk["resident"], row.id)
    login(desk["resident"])
    assert client.post(f"/notifications/{row.id}/read").status_code == 404
    db.session.refresh(row)
    assert row.read_at is None


def test_notifications_page_needs_login(app, client):
    assert client.get("/notifications").status_code in (302, 401)


def test_nav_badge_is_one_query(app, desk, client, login, count_queries):
    login(desk["resident"])

    def measure():
        db.session.expire_all()  # the user is loaded by the request, not found in the test's session
        with count_queries() as counter:
            page = client.get("/departments").get_data(as_text=True)
        return counter, page

    few, page = measure()
    assert "条未读" not in page
    for i in range(5):
        notify(desk["resident"].id, "thread_hidden", thread_id=desk["thread"].id, reason=str(i))
    db.session.commit()
    many, page = measure()
    assert "（5条未读）" in page
    assert few.count == many.count
    assert sum("FROM notifications" in s for s in many.statements) == 1


def test_api_lists_and_marks_read(app, desk, client, api_headers):
    headers = api_headers(desk["staff"])
    data = client.get("/api/v1/notifications", headers=headers).get_json()
    assert data["unread"] == 1
    assert data["notifications"][0]["kind"] == "thread_new"
    assert data["notifications"][0]["text"] == f"本部门收到第{desk['thread'].id}号留言“小区积水”（咨询）。"
    assert client.post("/api/v1/notifications/read", json={"ids": ["x"]}, headers=headers).status_code == 422
    other = db.session.scalar(sa.select(Notification.id).where(Notification.user_id == desk["colleague"].id))
    assert client.post("/api/v1/notifications/read", json={"ids": [other]}, headers=headers).status_code == 404
    resp = client.post("/api/v1/notifications/read", json={"ids": [data["notifications"][0]["id"]]}, headers=headers)
    assert resp.get_json() == {"unread": 0}
    assert client.get("/api/v1/notifications").status_code == 401


# --- e-mail over a local SMTP server -------------------------------------------

class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_email_goes_out_after_commit_only(app, make, smtp):
    controller, inbox = smtp
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_FROM="gov@example.test")
    dept = make.department(name="县民政局")
    make.staff(dept)
    resident = make.user()
    resident.email = "resident@example.test"
    db.session.commit()
    thread = make.thread(author=resident, department=dept)
    staff = make.staff(dept)
    thread_ops.reply_to_thread(staff, thread, "回复")
    db.session.rollback()
    assert inbox.messages == []
    thread = db.session.get(type(thread), thread.id)
    thread_ops.reply_to_thread(staff, thread, "回复")
    db.session.commit()
    assert len(inbox.messages) == 1
    rcpt, content = inbox.messages[0]
    assert rcpt == ["resident@example.test"]
    assert "From: gov@example.test" in content and f"/t/{thread.id}" in content


def test_email_failure_does_not_break_the_action(app, make):
    port = _free_port()  # nothing listens there
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    resident = make.user()
    resident.email = "r@example.test"
    db.session.commit()
    dept = make.department()
    thread = make.thread(author=resident, department=dept)
    thread_ops.reply_to_thread(make.staff(dept), thread, "回复")
    db.session.commit()
    assert kinds_of(resident)[-1][0] == "thread_answered"


@pytest.mark.parametrize(("kind", "data", "text"), [
    ("post_hidden", {"post_id": 1, "reason": "涉密"}, "您发布的微博已被隐藏，理由：涉密"),
    ("reply_hidden", {"thread_id": 1, "reason": "广告"}, "您的追问已被隐藏，理由：广告"),
    ("thread_answered", {"thread_id": 7, "department": "县住建局"}, "县住建局回复了您的第7号留言。"),
    ("thread_answered", {"thread_id": 7, "excerpt": "路灯", "department": "县住建局"},
     "县住建局回复了您的第7号留言“路灯”。"),
    ("thread_rated", {"thread_id": 7, "excerpt": "路灯", "rating": "satisfied"},
     "留言人对第7号留言“路灯”的答复评价为“满意”。"),
    ("thread_new", {"thread_id": 7, "excerpt": "路灯", "kind": "help"}, "本部门收到第7号留言“路灯”（求助）。"),
    ("thread_restored", {"thread_id": 1}, "您被隐藏的内容已恢复显示。"),
    ("something_new", {"message": "自定义"}, "自定义"),
    ("something_new", {}, "您有一条新通知。"),
])
def test_every_kind_has_words(app, kind, data, text):
    from weibo_app.notifications.messages import describe

    assert describe(kind, data) == text


def test_ratings_tell_the_department_unsatisfied_reopens(app, desk):
    from weibo_app.notifications.messages import describe

    d, t = desk, desk["thread"]
    thread_ops.reply_to_thread(d["staff"], t, "已处理")
    thread_ops.rate_thread(d["resident"], t, "satisfied")
    db.session.commit()
    assert [k for k, _ in kinds_of(d["colleague"])] == ["thread_new", "thread_rated"]
    thread_ops.reply_to_thread(d["resident"], t, "又积水了")
    thread_ops.reply_to_thread(d["staff"], t, "再次处理")
    thread_ops.rate_thread(d["resident"], t, "unsatisfied")
    db.session.commit()
    kind, data = kinds_of(d["colleague"])[-1]
    assert (kind, data) == ("thread_unsatisfied", {"thread_id": t.id, "excerpt": "小区积水", "kind": "consultation"})
    assert kinds_of(d["other_staff"]) == []
    assert str(t.id) in describe(kind, data)


def test_link_names_the_thread_and_excerpts_are_masked(app, make, client, login):
    dept = make.department(name="县交通局")
    resident = make.user()
    thread = make.thread(author=resident, department=dept, body="我的电话13812345678，公交站牌坏了很久了一直没人修理请尽快处理")
    thread_ops.reply_to_thread(make.staff(dept), thread, "已修复")
    db.session.commit()
    login(resident)
    page = client.get("/notifications").get_data(as_text=True)
    assert f"查看第{thread.id}号留言" in page and "（通知" not in page
    assert "13812345678" not in page and "…" in page


def test_verified_email_with_preferences_gets_one_mail_through_the_outbox(app, make, smtp):
    from weibo_app.core.clock import utcnow
    from weibo_app.models import OutboxMessage
    from weibo_app.notifications import contact

    controller, inbox = smtp
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    dept = make.department(name="县民政局")
    staff = make.staff(dept)
    resident = make.user()
    resident.email = "old@example.test"  # an address from before contact preferences: no longer used
    row = contact.settings_of(resident)
    row.email, row.email_verified_at = "chosen@example.test", utcnow()
    contact.set_preferences(resident, email=True, sms=False)
    db.session.commit()
    thread = make.thread(author=resident, department=dept, body="低保申请进度")
    thread_ops.reply_to_thread(staff, thread, "已审核")
    db.session.commit()
    assert [rcpt for rcpt, _ in inbox.messages] == [["chosen@example.test"]]
    assert f"第{thread.id}号留言“低保申请进度”" in inbox.messages[0][1]
    sent = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.channel == "email")).all()
    assert [(d.to, d.state) for d in sent] == [("chosen@example.test", "sent")]
