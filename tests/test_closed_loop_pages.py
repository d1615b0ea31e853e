"""The closed loop on the pages: who sees which control, who may post each action (role × action),
the dispatcher's page, and the inbox's handler filter and lights."""

from __future__ import annotations

import pytest

from weibo_app.core.clock import local_time
from weibo_app.core.extensions import db
from weibo_app.models import ExtensionRequest, TransferRequest
from weibo_app.threads import loop, routing
from weibo_app.threads import operations as ops

from .loop_world import MON, LoopWorld, at, end_of_local_day, fresh, utc


@pytest.fixture
def w(app, make):
    return LoopWorld(make)


ROLES = ("visitor", "resident", "staff_a", "staff_b", "head_b", "supervisor", "outsider", "admin")


def person(w, role):
    return None if role == "visitor" else getattr(w, role)


def as_role(client, login, w, role):
    with client.session_transaction() as sess:
        sess.clear()
    if person(w, role) is not None:
        login(person(w, role))
    return client


def status_of(resp):
    if resp.status_code == 302 and "/auth/login" in resp.headers.get("Location", ""):
        return "login"
    return resp.status_code


def answered(w, make):
    t = w.thread(make)
    ops.reply_to_thread(w.staff_a, t, "已答复")
    db.session.commit()
    return t


UI_ACTIONS = {
    #              visitor resident staff_a staff_b head_b supervisor outsider admin
    "accept":     ("login", 403, 303, 403, 403, 403, 403, 403),
    "notes":      ("login", 403, 303, 403, 403, 303, 403, 403),
    "extension":  ("login", 403, 303, 403, 403, 403, 403, 403),
    "urge":       ("login", 403, 403, 403, 403, 303, 403, 403),
    "rework":     ("login", 403, 403, 403, 403, 303, 403, 403),
    "visit":      ("login", 403, 403, 403, 403, 303, 403, 403),
}
UI_DATA = {
    "accept": {}, "notes": {"body": "内部备注"}, "extension": {"until": "2026-03-10", "reason": "需勘查"},
    "urge": {"comment": "请加快"}, "rework": {"reason": "未解决"},
    "visit": {"resolved": "yes", "rating": "satisfied", "channel": "phone"},
}


@pytest.mark.parametrize("action", list(UI_ACTIONS))
def test_ui_loop_actions_by_role(w, make, client, login, action):
    got = {}
    for role in ROLES:
        t = answered(w, make) if action in ("rework", "visit") else w.thread(make)
        with at(MON):
            resp = as_role(client, login, w, role).post(f"/t/{t.id}/{action}", data=UI_DATA[action])
        got[role] = status_of(resp)
    assert got == dict(zip(ROLES, UI_ACTIONS[action], strict=True))


def test_the_page_shows_each_control_only_to_whom_the_rule_allows(w, make, client, login):
    t = w.thread(make)
    markers = {"accept": f"/t/{t.id}/accept", "extension": f"/t/{t.id}/extension",
               "urge": f"/t/{t.id}/urge", "notes": f"/t/{t.id}/notes", "interim": "reply-interim"}
    expect = {
        "visitor": set(), "resident": set(), "staff_b": set(), "outsider": set(), "admin": set(),
        "staff_a": {"accept", "extension", "notes", "interim"},
        "supervisor": {"urge", "notes"},
    }
    for role, shown in expect.items():
        with at(MON):
            page = as_role(client, login, w, role).get(f"/t/{t.id}").get_data(as_text=True)
        assert {name for name, marker in markers.items() if marker in page} == shown, role


def test_the_dispatcher_approves_redirects_and_rejects_on_the_page(w, make, client, login):
    t1, t2, t3 = w.thread(make), w.thread(make), w.thread(make)
    with at(utc(2026, 3, 2, 5, 0)):
        r1 = routing.request_transfer(w.staff_a, t1, w.b, "属乙局职责")
        r2 = routing.request_transfer(w.staff_a, t2, w.b, "属乙局职责")
        e3 = routing.request_extension(w.staff_a, t3, "2026-03-12", "需现场勘查")
        db.session.commit()
    for role in ("staff_a", "resident", "admin"):
        assert status_of(as_role(client, login, w, role).get("/dispatch")) == 403
    login(w.outsider)
    assert "属乙局职责" not in client.get("/dispatch").get_data(as_text=True)  # not their subtree
    assert client.post(f"/dispatch/transfers/{r1.id}", data={f"t{r1.id}-approve": "1"}).status_code == 403
    with at(utc(2026, 3, 3, 2, 0)):
        login(w.supervisor)
        page = client.get("/dispatch").get_data(as_text=True)
        assert page.count("属乙局职责") == 2 and "需现场勘查" in page
        resp = client.post(f"/dispatch/transfers/{r1.id}",
                           data={f"t{r1.id}-department": "dept-c", f"t{r1.id}-approve": "1"})
        assert resp.status_code == 303
        # Rejecting needs a comment.
        assert client.post(f"/dispatch/transfers/{r2.id}", data={f"t{r2.id}-reject": "1"}).status_code == 422
        assert client.post(f"/dispatch/transfers/{r2.id}",
                           data={f"t{r2.id}-reject": "1", f"t{r2.id}-comment": "本局办理"}).status_code == 303
        assert client.post(f"/dispatch/extensions/{e3.id}", data={f"e{e3.id}-approve": "1"}).status_code == 303
        # Dispatch directly.
        t4 = w.thread(make)
        assert client.post("/dispatch", data={"thread": str(t4.id), "department": "dept-b"}).status_code == 303
        assert client.post("/dispatch", data={"thread": "abc", "department": "dept-b"}).status_code == 422
    assert fresh(t1.id).department_id == w.c.id and fresh(t2.id).department_id == w.a.id
    assert fresh(t3.id).due_at == end_of_local_day(2026, 3, 12)
    assert fresh(t4.id).department_id == w.b.id
    db.session.expire_all()
    assert db.session.get(TransferRequest, r2.id).state == "rejected"
    assert db.session.get(ExtensionRequest, e3.id).state == "approved"
    with at(utc(2026, 3, 3, 2, 0)):
        assert "没有待审批的转办申请" in client.get("/dispatch").get_data(as_text=True)


def test_inbox_filters_by_handler_and_shows_the_lights(w, make, client, login):
    # Due Thu Mar 5 (consultations of Mon) and Mon Mar 9 (a complaint of Mon).
    mine, colleagues, later = w.thread(make), w.thread(make), w.thread(make, kind="complaint")
    loop.accept_thread(w.staff_a, mine)
    loop.accept_thread(w.staff_a, colleagues, w.colleague_a.username)
    db.session.commit()
    with at(utc(2026, 3, 5, 2, 0)):  # Thu: the consultations are on their last working day
        login(w.staff_a)  # sessions are judged by the clock of the moment
        page = client.get("/inbox").get_data(as_text=True)
        assert page.count("黄灯·今日到期") >= 2 and "红灯·超期" in page
        soon = client.get("/inbox?due=soon").get_data(as_text=True)
        assert f"第{mine.id}号" in soon and f"第{later.id}号" not in soon
        only_mine = client.get("/inbox?mine=1").get_data(as_text=True)
        assert f"第{mine.id}号" in only_mine and f"第{colleagues.id}号" not in only_mine
        theirs = client.get(f"/inbox?handler={w.colleague_a.username}").get_data(as_text=True)
        assert f"第{colleagues.id}号" in theirs and f"第{mine.id}号" not in theirs
        assert client.get("/inbox?handler=nobody").status_code == 404
    with at(utc(2026, 3, 6, 2, 0)):  # Fri: those two are overdue now
        login(w.staff_a)
        overdue = client.get("/inbox?due=overdue").get_data(as_text=True)
        assert f"第{mine.id}号" in overdue and f"第{later.id}号" not in overdue


def test_interim_choice_and_resident_rating_with_resolved_on_the_page(w, make, client, login):
    t = w.thread(make)
    login(w.staff_a)
    assert client.post(f"/t/{t.id}/reply", data={"body": "正在核实", "interim": "y"}).status_code == 303
    assert fresh(t.id).state == "awaiting"
    assert "阶段性答复" in client.get(f"/t/{t.id}").get_data(as_text=True)
    client.post(f"/t/{t.id}/reply", data={"body": "已办结"})
    login(w.resident)
    assert client.post(f"/t/{t.id}/rate", data={"rating": "satisfied", "resolved": "no"}).status_code == 303
    assert (fresh(t.id).state, fresh(t.id).resolved) == ("closed", False)
    assert "本条留言已办结" in client.get(f"/t/{t.id}").get_data(as_text=True)


def test_an_unsatisfied_rating_says_the_thread_went_back_with_its_new_due_time(w, make, client, login):
    t = w.thread(make)
    login(w.staff_a)
    client.post(f"/t/{t.id}/reply", data={"body": "已办结"})
    login(w.resident)
    resp = client.post(f"/t/{t.id}/rate", data={"rating": "unsatisfied"}, follow_redirects=True)
    page, thread = resp.get_data(as_text=True), fresh(t.id)
    assert thread.state == "awaiting"
    assert f"留言已重新交由{thread.department.name}办理" in page
    assert local_time(thread.due_at) in page


def test_the_dashboard_lists_threads_due_today_and_overdue(w, make, client, login):
    due_thu, due_mon = w.thread(make), w.thread(make, kind="complaint")
    with at(utc(2026, 3, 5, 2, 0)):  # Thu: due_thu is on its last working day
        login(w.supervisor)
        page = client.get("/dashboard").get_data(as_text=True)
        soon_part = page.split('id="due-soon-title"')[1].split('id="overdue-title"')[0]
        assert f"第{due_thu.id}号" in soon_part and f"第{due_mon.id}号" not in soon_part
        rows = client.get("/dashboard/rows?figure=due_soon&department=county&subtree=1").get_data(as_text=True)
        assert f"/t/{due_thu.id}" in rows and f"/t/{due_mon.id}" not in rows
    with at(utc(2026, 3, 6, 2, 0)):  # Fri: overdue now, no longer "due soon"
        login(w.supervisor)
        page = client.get("/dashboard").get_data(as_text=True)
        overdue_part = page.split('id="overdue-title"')[1]
        assert f"第{due_thu.id}号" in overdue_part and "红灯·超期" in page
