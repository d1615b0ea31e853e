"""A thread's whole life: answer, follow-up, rating, dismissal, transfer, auto-close.

Time is frozen and moved by hand; every due time is worked out in the comments
(Shanghai is UTC+8; March 2026 has no holidays).
"""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from weibo_app.core.exceptions import Conflict, Forbidden, Invalid
from weibo_app.core.extensions import db
from weibo_app.models import AuditLog, Reply, Role, Thread, ThreadState
from weibo_app.threads import operations as ops


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def end_of_local_day(y, m, d) -> datetime:
    return utc(y, m, d, 15, 59, 59)


MON = utc(2026, 3, 2, 2, 0)  # Mon Mar 2 2026, 10:00 local


@pytest.fixture
def world(app, make):
    """Department A (with a post) and B, their staff, a resident, a supervisor."""
    with time_machine.travel(MON - timedelta(days=1), tick=False):
        a = make.department(slug="dept-a", name="甲局")
        b = make.department(slug="dept-b", name="乙局")
        staff_a, staff_b = make.staff(a), make.staff(b)
        post = make.post(author=staff_a)
        resident = make.user()
        supervisor = make.user(Role.SUPERVISOR)
    return type("World", (), dict(a=a, b=b, staff_a=staff_a, staff_b=staff_b, post=post,
                                  resident=resident, supervisor=supervisor))


def fresh(thread_id: int) -> Thread:
    db.session.expire_all()
    return db.session.get(Thread, thread_id)


def audit_rows(thread_id: int, action: str) -> list[AuditLog]:
    return list(db.session.scalars(
        sa.select(AuditLog).where(AuditLog.target_type == "thread", AuditLog.target_id == thread_id,
                                  AuditLog.action == action)
    ))


def test_answer_follow_up_answer_and_satisfied_rating_through_the_api(world, client, api_headers):
    with time_machine.travel(MON, tick=False):
        resident_h, staff_h = api_headers(world.resident), api_headers(world.staff_a)
        resp = client.post(f"/api/v1/posts/{world.post.id}/threads",
                           json={"body": "请问社保卡怎么补办？", "kind": "consultation"}, headers=resident_h)
        assert resp.status_code == 201
        tid = resp.get_json()["id"]
    # Consultation: 3 working days after Mon → Thu Mar 5.
    first_due = end_of_local_day(2026, 3, 5)
    t = fresh(tid)
    assert (t.state, t.due_at, t.first_due_at, t.first_response_at) == ("awaiting", first_due, first_due, None)

    answered_at = utc(2026, 3, 3, 1, 0)
    with time_machine.travel(answered_at, tick=False):
        resp = client.post(f"/api/v1/threads/{tid}/replies", json={"body": "带身份证到大厅办理。"}, headers=staff_h)
    # Tokens last a day: new ones as the days go by.
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["state"] == "answered"
    assert resp.get_json()["first_response_at"] == "2026-03-03T09:00:00+08:00"

    # Wed Mar 4: the resident follows up; a new due time runs from Wed: Thu 5, Fri 6, Mon 9.
    with time_machine.travel(utc(2026, 3, 4, 6, 0), tick=False):
        resident_h = api_headers(world.resident)
        resp = client.post(f"/api/v1/threads/{tid}/replies", json={"body": "需要照片吗？"}, headers=resident_h)
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["state"] == "awaiting"
    assert body["replies"][-1]["official"] is False
    assert body["due_at"] == "2026-03-09T23:59:59+08:00"
    assert body["first_due_at"] == "2026-03-05T23:59:59+08:00"
    t = fresh(tid)
    assert t.due_at == end_of_local_day(2026, 3, 9)
    assert t.first_due_at == first_due
    assert t.first_response_at == answered_at  # a follow-up is not a response

    with time_machine.travel(utc(2026, 3, 6, 2, 0), tick=False):
        resident_h, staff_h = api_headers(world.resident), api_headers(world.staff_a)
        resp = client.post(f"/api/v1/threads/{tid}/replies", json={"body": "需要一张一寸照片。"}, headers=staff_h)
        assert resp.get_json()["state"] == "answered"
        resp = client.post(f"/api/v1/threads/{tid}/rate", json={"rating": "satisfied"}, headers=resident_h)
    assert resp.status_code == 200
    assert resp.get_json()["state"] == "closed"
    t = fresh(tid)
    assert (t.state, t.rating, t.closed_at) == ("closed", "satisfied", utc(2026, 3, 6, 2, 0))
    assert t.first_response_at == answered_at
    assert [r.official for r in db.session.scalars(sa.select(Reply).where(Reply.thread_id == tid).order_by(Reply.id))] \
        == [True, False, True]


def test_unsatisfied_reopens_with_a_new_due_time(world, make):
    with time_machine.travel(MON, tick=False):
        t = make.thread(author=world.resident, post=world.post, kind="complaint")
    # Complaint: 5 working days after Mon Mar 2 → Mon Mar 9.
    assert t.first_due_at == end_of_local_day(2026, 3, 9)
    with time_machine.travel(utc(2026, 3, 3, 2, 0), tick=False):
        ops.reply_to_thread(world.staff_a, t, "已处理。")
        db.session.commit()
    with time_machine.travel(utc(2026, 3, 5, 2, 0), tick=False):  # Thu
        ops.rate_thread(world.resident, t, "unsatisfied")
        db.session.commit()
    t = fresh(t.id)
    # Reopened on Thu Mar 5: Fri 6, Mon 9, Tue 10, Wed 11, Thu 12.
    assert (t.state, t.rating) == ("awaiting", "unsatisfied")
    assert t.due_at == end_of_local_day(2026, 3, 12)
    assert t.first_due_at == end_of_local_day(2026, 3, 9)
    with pytest.raises(Conflict):
        ops.rate_thread(world.resident, t, "satisfied")  # awaiting: nothing to rate
    db.session.rollback()


def test_only_the_opener_rates(world, make):
    with time_machine.travel(MON, tick=False):
        t = make.thread(author=world.resident, post=world.post)
        ops.reply_to_thread(world.staff_a, t, "答复。")
        db.session.commit()
        other = make.user()
        with pytest.raises(Forbidden):
            ops.rate_thread(other, t, "satisfied")
        db.session.rollback()
        with pytest.raises(Invalid):
            ops.rate_thread(world.resident, t, "great")
        db.session.rollback()
    assert fresh(t.id).state == "answered"


def test_dismiss_needs_a_reason_is_audited_and_a_supervisor_overturns(world, make, client, login):
    with time_machine.travel(MON, tick=False):
        t = make.thread(author=world.resident, post=world.post)
        login(world.staff_a)
        resp = client.post(f"/t/{t.id}/dismiss", data={"reason": "   "})
        assert resp.status_code == 422
        assert fresh(t.id).state == "awaiting"
        assert audit_rows(t.id, "thread.dismiss") == []
        with pytest.raises(Invalid):
            ops.dismiss_thread(world.staff_a, fresh(t.id), "")
        db.session.rollback()

        resp = client.post(f"/t/{t.id}/dismiss", data={"reason": "重复留言"})
        assert resp.status_code == 303
    t = fresh(t.id)
    assert (t.state, t.dismiss_reason, t.dismissed_at) == ("dismissed", "重复留言", MON)
    [row] = audit_rows(t.id, "thread.dismiss")
    assert (row.actor_id, row.reason, row.department_id) == (world.staff_a.id, "重复留言", world.a.id)

    # Staff cannot overturn; the supervisor can, with a reason.
    with time_machine.travel(MON + timedelta(hours=3), tick=False):
        resp = client.post(f"/t/{t.id}/overturn", data={"reason": "不是重复"})
        assert resp.status_code == 403
        assert fresh(t.id).state == "dismissed"
        login(world.supervisor)
        resp = client.post(f"/t/{t.id}/overturn", data={"reason": "不是重复"})
        assert resp.status_code == 303
    t = fresh(t.id)
    assert (t.state, t.dismiss_reason, t.dismissed_at) == ("awaiting", None, None)
    assert t.due_at == t.first_due_at == end_of_local_day(2026, 3, 5)
    [row] = audit_rows(t.id, "thread.overturn_dismissal")
    assert (row.actor_id, row.reason) == (world.supervisor.id, "不是重复")
    assert row.details["dismissed_reason"] == "重复留言"


def test_a_supervisor_outside_the_subtree_cannot_overturn(world, make):
    with time_machine.travel(MON, tick=False):
        t = make.thread(author=world.resident, post=world.post)
        ops.dismiss_thread(world.staff_a, t, "无关内容")
        db.session.commit()
        b_supervisor = make.user(Role.SUPERVISOR, world.b)
        with pytest.raises(Forbidden):
            ops.overturn_dismissal(b_supervisor, t, "理由")
        db.session.rollback()
    assert fresh(t.id).state == "dismissed"


def test_transfer_moves_the_thread_keeps_the_clock_and_is_audited(world, make, client, api_headers):
    client.application.config["TRANSFER_APPROVAL"] = False  # staff transfer themselves (tests/test_closed_loop.py: with approval)
    with time_machine.travel(MON, tick=False):
        t = make.thread(author=world.resident, post=world.post)
    due = t.due_at
    with time_machine.travel(utc(2026, 3, 4, 2, 0), tick=False):
        resp = client.post(f"/api/v1/threads/{t.id}/transfer", json={"department": "dept-b", "reason": "属乙局职责"},
                           headers=api_headers(world.staff_a))
        assert resp.status_code == 200
        assert resp.get_json()["department"] == "dept-b"
        assert resp.get_json()["due_at"] == "2026-03-05T23:59:59+08:00"
        t = fresh(t.id)
        assert (t.department_id, t.due_at, t.first_due_at) == (world.b.id, due, due)
        [row] = audit_rows(t.id, "thread.transfer")
        assert (row.actor_id, row.department_id, row.reason) == (world.staff_a.id, world.a.id, "属乙局职责")
        assert row.details["to_department"] == "dept-b"

        inbox_b = client.get("/api/v1/inbox", headers=api_headers(world.staff_b)).get_json()["threads"]
        inbox_a = client.get("/api/v1/inbox", headers=api_headers(world.staff_a)).get_json()["threads"]
        assert [x["id"] for x in inbox_b] == [t.id] and inbox_a == []

        # A no longer answers officially; B does.
        resp = client.post(f"/api/v1/threads/{t.id}/replies", json={"body": "甲局回复"}, headers=api_headers(world.staff_a))
        assert resp.status_code == 403
        resp = client.post(f"/api/v1/threads/{t.id}/replies", json={"body": "乙局回复"}, headers=api_headers(world.staff_b))
        assert resp.status_code == 201
        assert resp.get_json()["replies"][0]["department"] == "dept-b"


def test_transfer_refuses_answered_threads_and_the_same_department(world, make, app):
    app.config["TRANSFER_APPROVAL"] = False
    with time_machine.travel(MON, tick=False):
        t = make.thread(author=world.resident, post=world.post)
        with pytest.raises(Invalid):
            ops.transfer_thread(world.staff_a, t, world.a)
        db.session.rollback()
        ops.reply_to_thread(world.staff_a, fresh(t.id), "答复")
        db.session.commit()
        with pytest.raises(Conflict):
            ops.transfer_thread(world.staff_a, fresh(t.id), world.b)
        db.session.rollback()
    assert fresh(t.id).department_id == world.a.id


@pytest.mark.parametrize("action, data", [
    ("reply", {"body": "乙局越权回复"}),
    ("dismiss", {"reason": "乙局越权"}),
    ("transfer", {"department": "dept-b", "reason": "乙局越权"}),
])
def test_staff_of_another_department_cannot_act_in_the_ui(world, make, client, login, action, data):
    with time_machine.travel(MON, tick=False):
        t = make.thread(author=world.resident, post=world.post)
        other = make.department(slug="dept-c", name="丙局")
        login(world.staff_b)
        if action == "transfer":
            data = {**data, "department": other.slug}
        resp = client.post(f"/t/{t.id}/{action}", data=data)
    assert resp.status_code == 403
    t = fresh(t.id)
    assert (t.state, t.department_id) == ("awaiting", world.a.id)
    assert db.session.scalar(sa.select(sa.func.count(Reply.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.target_type == "thread")) == 0


@pytest.mark.parametrize("action, data", [
    ("replies", {"body": "乙局越权回复"}),
    ("dismiss", {"reason": "乙局越权"}),
    ("transfer", {"department": "dept-b"}),
])
def test_staff_of_another_department_cannot_act_in_the_api(world, make, client, api_headers, action, data):
    with time_machine.travel(MON, tick=False):
        t = make.thread(author=world.resident, post=world.post)
        resp = client.post(f"/api/v1/threads/{t.id}/{action}", json=data, headers=api_headers(world.staff_b))
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] in ("cannot_reply", "not_department_staff")
    t = fresh(t.id)
    assert (t.state, t.department_id) == ("awaiting", world.a.id)
    assert db.session.scalar(sa.select(sa.func.count(Reply.id))) == 0


def test_close_quiet_threads_cli(world, make, runner, app):
    with time_machine.travel(MON, tick=False):
        quiet = make.thread(author=world.resident, post=world.post)
        busy = make.thread(author=world.resident, post=world.post)
        waiting = make.thread(author=world.resident, post=world.post)
        ops.reply_to_thread(world.staff_a, quiet, "答复一")
        ops.reply_to_thread(world.staff_a, busy, "答复二")
        db.session.commit()
    with time_machine.travel(MON + timedelta(days=3), tick=False):
        ops.reply_to_thread(world.staff_a, fresh(busy.id), "补充答复")
        db.session.commit()
    assert app.config["AUTO_CLOSE_DAYS"] == 7

    # Exactly seven days of quiet is not yet "more than" seven days.
    with time_machine.travel(MON + timedelta(days=7), tick=False):
        result = runner.invoke(args=["close-quiet-threads"])
    assert result.exit_code == 0, result.output
    assert "0 threads closed" in result.output
    assert fresh(quiet.id).state == "answered"

    closing = MON + timedelta(days=7, seconds=1)
    with time_machine.travel(closing, tick=False):
        result = runner.invoke(args=["close-quiet-threads"])
    assert result.exit_code == 0, result.output
    assert "1 threads closed" in result.output
    q, b, w = fresh(quiet.id), fresh(busy.id), fresh(waiting.id)
    assert (q.state, q.closed_at) == (ThreadState.CLOSED, closing)
    assert (b.state, w.state) == ("answered", "awaiting")

    with time_machine.travel(MON + timedelta(days=10, seconds=1), tick=False):
        result = runner.invoke(args=["close-quiet-threads"])
    assert "1 threads closed" in result.output
    assert fresh(busy.id).state == "closed" and fresh(waiting.id).state == "awaiting"


def test_the_same_life_through_the_pages(world, client, login):
    with time_machine.travel(MON, tick=False):
        login(world.resident)
        resp = client.post(f"/p/{world.post.id}/threads", data={"kind": "help", "body": "家门口积水，请帮忙。"})
        assert resp.status_code == 303
        tid = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        t = fresh(tid)
        assert (t.kind, t.state, t.due_at) == ("help", "awaiting", end_of_local_day(2026, 3, 5))
    with time_machine.travel(utc(2026, 3, 3, 2, 0), tick=False):
        login(world.staff_a)
        assert client.post(f"/t/{tid}/reply", data={"body": "已安排疏通。"}).status_code == 303
        assert fresh(tid).state == "answered"
    with time_machine.travel(utc(2026, 3, 4, 2, 0), tick=False):
        login(world.resident)
        assert client.post(f"/t/{tid}/reply", data={"body": "还没来人。"}).status_code == 303
        t = fresh(tid)
        assert (t.state, t.due_at, t.first_due_at) == (
            "awaiting", end_of_local_day(2026, 3, 9), end_of_local_day(2026, 3, 5))
        # Nothing to rate while awaiting: the page comes back with the error.
        assert client.post(f"/t/{tid}/rate", data={"rating": "satisfied"}).status_code == 422
    with time_machine.travel(utc(2026, 3, 5, 2, 0), tick=False):
        login(world.staff_a)
        assert client.post(f"/t/{tid}/reply", data={"body": "已疏通完毕。"}).status_code == 303
        login(world.resident)
        assert client.post(f"/t/{tid}/rate", data={"rating": "basically_satisfied"}).status_code == 303
        page = client.get(f"/t/{tid}").get_data(as_text=True)
    t = fresh(tid)
    assert (t.state, t.rating, t.first_response_at) == ("closed", "basically_satisfied", utc(2026, 3, 3, 2, 0))
    assert "已办结" in page


def test_overturning_a_dismissed_follow_up_puts_it_back_in_the_inbox(world, make):
    """Answered, then followed up (awaiting again), then dismissed: the overturn restores awaiting."""
    from weibo_app.threads.queries import inbox

    with time_machine.travel(MON, tick=False):
        t = make.thread(author=world.resident, post=world.post)
        ops.reply_to_thread(world.staff_a, t, "已答复")
        ops.reply_to_thread(world.resident, t, "还有问题")
        assert t.state == ThreadState.AWAITING
        ops.dismiss_thread(world.staff_a, t, "重复追问")
        ops.overturn_dismissal(world.supervisor, t, "追问有效")
        db.session.commit()
    assert fresh(t.id).state == ThreadState.AWAITING
    assert t.id in [x.id for x in inbox(world.a.id)]

    with time_machine.travel(MON + timedelta(hours=1), tick=False):
        ops.reply_to_thread(world.staff_a, fresh(t.id), "再次答复")
        ops.dismiss_thread(world.staff_a, fresh(t.id), "已答复")
        ops.overturn_dismissal(world.supervisor, fresh(t.id), "恢复")
        db.session.commit()
    assert fresh(t.id).state == ThreadState.ANSWERED


def test_api_inbox_lists_awaiting_threads_overdue_first_with_design_fields(world, make, client, api_headers):
    with time_machine.travel(MON, tick=False):
        early = make.thread(author=world.resident, post=world.post, kind="consultation")  # due in 3 working days
    with time_machine.travel(MON + timedelta(days=1), tick=False):
        late = make.thread(author=world.resident, post=world.post, kind="complaint")  # due in 5
        answered = make.thread(author=world.resident, post=world.post)
        ops.reply_to_thread(world.staff_a, answered, "已答复")
        db.session.commit()
    with time_machine.travel(MON + timedelta(days=5), tick=False):
        resp = client.get("/api/v1/inbox", headers=api_headers(world.staff_a))
    assert resp.status_code == 200
    rows = resp.get_json()["threads"]
    assert [r["id"] for r in rows] == [early.id, late.id]
    assert [r["overdue"] for r in rows] == [True, False]
    for key in ("id", "post_id", "kind", "state", "opened_at", "due_at", "overdue"):
        assert key in rows[0]
    assert rows[0]["state"] == "awaiting" and rows[0]["post_id"] == world.post.id


def test_inbox_totals_count_everything_and_the_list_goes_on_page_by_page(world, make, client, login, monkeypatch):
    import re

    from weibo_app.threads import queries

    with time_machine.travel(MON, tick=False):
        made = [make.thread(author=world.resident, post=world.post).id for _ in range(5)]
    monkeypatch.setattr(queries, "INBOX_PAGE", 2)
    seen, url = [], "/inbox"
    with time_machine.travel(MON + timedelta(days=10), tick=False):
        login(world.staff_a)
        for _ in range(4):
            page = client.get(url).get_data(as_text=True)
            assert "共 5 条待回复" in page and "其中 5 条超期" in page
            seen.append(list(dict.fromkeys(int(n) for n in re.findall(r'href="/t/(\d+)"', page))))
            nxt = re.search(r'rel="next" href="([^"]+)"', page)
            if not nxt:
                break
            url = nxt.group(1).replace("&amp;", "&")
        assert client.get("/inbox?cursor=not-a-cursor").status_code == 400
    # Same due time for all five: the id breaks the tie; every thread once, in order, over three pages.
    assert [len(ids) for ids in seen] == [2, 2, 1]
    assert [i for ids in seen for i in ids] == sorted(made)
