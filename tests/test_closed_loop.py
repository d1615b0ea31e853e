"""The closed loop through the API: sign-for, notes, interim answers, extensions, transfers through
the dispatcher, rework, urging and return visits; each step audited and notified.

Times are frozen (Shanghai is UTC+8; March 2026 has no holidays). A consultation opened on
Mon Mar 2 is due at the end of Thu Mar 5.
"""

from __future__ import annotations

import pytest

from .loop_world import MON, LoopWorld, at, audit_actions, end_of_local_day, fresh, kinds_for, utc


@pytest.fixture
def w(app, make):
    return LoopWorld(make)


def post(client, headers, path, payload=None):
    return client.post(f"/api/v1{path}", json=payload or {}, headers=headers)


def test_sign_for_names_a_handler_of_the_department(w, make, client, api_headers):
    t = w.thread(make)
    h = api_headers(w.staff_a)
    with at(utc(2026, 3, 2, 3, 0)):
        resp = post(client, h, f"/threads/{t.id}/accept")
        assert resp.status_code == 200 and resp.get_json()["handler"] == w.staff_a.username
        resp = post(client, h, f"/threads/{t.id}/accept", {"handler": w.colleague_a.username})
        assert resp.status_code == 200 and resp.get_json()["handler"] == w.colleague_a.username
        bad = post(client, h, f"/threads/{t.id}/accept", {"handler": w.staff_b.username})
        assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_handler"
    assert fresh(t.id).accepted_at == utc(2026, 3, 2, 3, 0)
    assert audit_actions(t.id).count("thread.accept") == 2
    assert "thread_assigned" in kinds_for(w.colleague_a)


def test_internal_notes_are_for_the_department_and_supervisors_over_it(w, make, client, api_headers):
    t = w.thread(make)
    resp = post(client, api_headers(w.staff_a), f"/threads/{t.id}/notes", {"body": "已联系社区，内部跟进"})
    assert resp.status_code == 201
    resp = post(client, api_headers(w.supervisor), f"/threads/{t.id}/notes", {"body": "督办：本周内办结"})
    assert resp.status_code == 201
    got = client.get(f"/api/v1/threads/{t.id}/notes", headers=api_headers(w.supervisor)).get_json()["notes"]
    assert [n["body"] for n in got] == ["已联系社区，内部跟进", "督办：本周内办结"]
    for who in (w.resident, w.staff_b, w.head_b, w.outsider):
        assert client.get(f"/api/v1/threads/{t.id}/notes", headers=api_headers(who)).status_code == 403
    # Never on the public page nor in the thread object.
    assert "内部跟进" not in client.get(f"/t/{t.id}").get_data(as_text=True)
    assert "内部跟进" not in client.get(f"/api/v1/threads/{t.id}").get_data(as_text=True)
    assert "thread.note" in audit_actions(t.id)


def test_an_interim_reply_is_a_response_and_the_thread_stays_awaiting(w, make, client, api_headers):
    t = w.thread(make)
    h = api_headers(w.staff_a)
    with at(utc(2026, 3, 2, 4, 0)):
        resp = post(client, h, f"/threads/{t.id}/replies", {"body": "已收到，正在核实", "final": False})
        assert resp.status_code == 201
        data = resp.get_json()
        assert data["state"] == "awaiting" and data["answered_at"] is None
        assert data["first_response_at"] == "2026-03-02T12:00:00+08:00"
        assert data["replies"][0]["official"] is True and data["replies"][0]["final"] is False
    assert kinds_for(w.resident) == ["thread_interim"]
    with at(utc(2026, 3, 3, 4, 0)):
        data = post(client, h, f"/threads/{t.id}/replies", {"body": "已办结：……"}).get_json()
    assert data["state"] == "answered" and data["answered_at"] == "2026-03-03T12:00:00+08:00"
    assert data["replies"][1]["final"] is True
    assert post(client, h, f"/threads/{t.id}/replies", {"body": "x", "final": "no"}).status_code == 422


def test_extensions_requested_approved_rejected_and_refused_as_too_far(w, make, client, api_headers):
    t1, t2 = w.thread(make), w.thread(make)
    first_due = end_of_local_day(2026, 3, 5)
    staff_h, sup_h = api_headers(w.staff_a), api_headers(w.supervisor)
    with at(utc(2026, 3, 3, 2, 0)):
        # Thu Mar 5 + 10 working days = Thu Mar 19: the 20th is one too far.
        too_far = post(client, staff_h, f"/threads/{t1.id}/extension", {"until": "2026-03-20", "reason": "需现场勘查"})
        assert too_far.status_code == 422 and too_far.get_json()["error"]["code"] == "extension_too_far"
        no_reason = post(client, staff_h, f"/threads/{t1.id}/extension", {"until": "2026-03-12", "reason": " "})
        assert no_reason.status_code == 422
        bad_date = post(client, staff_h, f"/threads/{t1.id}/extension", {"until": "12 March", "reason": "x"})
        assert bad_date.get_json()["error"]["code"] == "invalid_date"
        resp = post(client, staff_h, f"/threads/{t1.id}/extension", {"until": "2026-03-19", "reason": "需现场勘查"})
        assert resp.status_code == 201
        ext = resp.get_json()["extension"]
        assert ext["state"] == "pending" and ext["id"]
        again = post(client, staff_h, f"/threads/{t1.id}/extension", {"until": "2026-03-12", "reason": "再申请"})
        assert again.status_code == 409
        assert "extension_requested" in kinds_for(w.supervisor) and kinds_for(w.outsider) == []
        # Nobody but a supervisor over the department decides.
        for who in (w.staff_a, w.head_b, w.resident, w.outsider, w.admin):
            assert post(client, api_headers(who), f"/extensions/{ext['id']}/approve").status_code == 403
        staff_h = api_headers(w.staff_a)  # a new token replaced the one above
        resp = post(client, staff_h, f"/threads/{t2.id}/extension", {"until": "2026-03-10", "reason": "材料未齐"})
        ext2 = resp.get_json()["extension"]
    assert fresh(t1.id).due_at == first_due  # pending changes nothing
    with at(utc(2026, 3, 4, 2, 0)):
        resp = post(client, sup_h, f"/extensions/{ext['id']}/approve", {"comment": "同意"})
        assert resp.status_code == 200
        assert resp.get_json()["thread"]["due_at"] == "2026-03-19T23:59:59+08:00"
        assert post(client, sup_h, f"/extensions/{ext2['id']}/reject", {}).status_code == 422  # comment required
        assert post(client, sup_h, f"/extensions/{ext2['id']}/reject", {"comment": "时限内可办结"}).status_code == 200
        assert post(client, sup_h, f"/extensions/{ext2['id']}/approve").status_code == 409
    t1, t2 = fresh(t1.id), fresh(t2.id)
    assert (t1.due_at, t1.first_due_at) == (end_of_local_day(2026, 3, 19), first_due)
    assert (t2.due_at, t2.first_due_at) == (first_due, first_due)
    assert "已延期至2026-03-19" in client.get(f"/t/{t1.id}").get_data(as_text=True)
    assert "thread_extended" in kinds_for(w.resident)
    assert {"thread.extension_request", "thread.extension_approve"} <= set(audit_actions(t1.id))
    assert "thread.extension_reject" in audit_actions(t2.id)
    assert {"extension_approved", "extension_rejected"} <= set(kinds_for(w.staff_a))


def test_transfer_requests_wait_for_the_dispatcher(w, make, client, api_headers):
    t1, t2 = w.thread(make), w.thread(make)
    due = fresh(t1.id).due_at
    staff_h, sup_h = api_headers(w.staff_a), api_headers(w.supervisor)
    with at(utc(2026, 3, 2, 5, 0)):
        assert post(client, staff_h, f"/threads/{t1.id}/transfer", {"department": "dept-b"}).status_code == 422
        resp = post(client, staff_h, f"/threads/{t1.id}/transfer", {"department": "dept-b", "reason": "属乙局职责"})
        assert resp.status_code == 202
        req = resp.get_json()["transfer"]
        assert req["state"] == "pending"
        resp = post(client, staff_h, f"/threads/{t2.id}/transfer", {"department": "dept-b", "reason": "属乙局职责"})
        req2 = resp.get_json()["transfer"]
    # Meanwhile the thread stays, and its clock runs.
    assert fresh(t1.id).department_id == w.a.id
    assert [x["id"] for x in client.get("/api/v1/inbox", headers=staff_h).get_json()["threads"]] == [t1.id, t2.id]
    assert "transfer_requested" in kinds_for(w.supervisor)
    for who in (w.staff_a, w.staff_b, w.head_b, w.resident, w.outsider, w.admin):
        assert post(client, api_headers(who), f"/transfers/{req['id']}/approve").status_code == 403
    with at(utc(2026, 3, 3, 5, 0)):
        # Approved to a third department, not the one proposed.
        resp = post(client, sup_h, f"/transfers/{req['id']}/approve", {"department": "dept-c"})
        assert resp.status_code == 200
        assert resp.get_json()["transfer"]["to_department"] == "dept-c"
        assert resp.get_json()["thread"]["department"] == "dept-c"
        assert post(client, sup_h, f"/transfers/{req2['id']}/reject", {"comment": "本局职责，请办理"}).status_code == 200
    t1, t2 = fresh(t1.id), fresh(t2.id)
    assert (t1.department_id, t1.due_at, t1.first_due_at) == (w.c.id, due, due)  # clock never reset
    assert t2.department_id == w.a.id
    trail = client.get(f"/api/v1/threads/{t1.id}").get_json()["transfers"]
    assert trail == [{"from": "dept-a", "to": "dept-c", "at": "2026-03-03T13:00:00+08:00"}]
    page = client.get(f"/t/{t1.id}").get_data(as_text=True)
    assert "转办记录" in page and "由 甲局 转至 丙局" in page
    assert "thread.transfer_approve" in audit_actions(t1.id) and "thread.transfer_reject" in audit_actions(t2.id)
    assert "transfer_rejected" in kinds_for(w.colleague_a)
    assert "thread_transferred_in" in kinds_for(w.staff_c)


def test_a_supervisor_dispatches_at_once_and_staff_transfer_themselves_when_approval_is_off(
        w, make, client, api_headers, app):
    t1, t2 = w.thread(make), w.thread(make)
    resp = post(client, api_headers(w.supervisor), f"/threads/{t1.id}/transfer", {"department": "dept-b"})
    assert resp.status_code == 200 and resp.get_json()["department"] == "dept-b"
    assert "thread.dispatch" in audit_actions(t1.id)
    assert post(client, api_headers(w.outsider), f"/threads/{t2.id}/transfer",
                {"department": "dept-b", "reason": "x"}).status_code == 403
    app.config["TRANSFER_APPROVAL"] = False
    resp = post(client, api_headers(w.staff_a), f"/threads/{t2.id}/transfer", {"department": "dept-c"})
    assert resp.status_code == 200 and resp.get_json()["department"] == "dept-c"
    assert "thread.transfer" in audit_actions(t2.id)


def test_rework_sends_the_answer_back_with_a_new_due_time(w, make, client, api_headers):
    t = w.thread(make)
    staff_h, sup_h = api_headers(w.staff_a), api_headers(w.supervisor)
    with at(utc(2026, 3, 3, 2, 0)):
        post(client, staff_h, f"/threads/{t.id}/replies", {"body": "已答复"})
        for who in (w.staff_a, w.head_b, w.resident, w.outsider):
            assert post(client, api_headers(who), f"/threads/{t.id}/rework", {"reason": "x"}).status_code == 403
    with at(utc(2026, 3, 4, 2, 0)):  # Wed: + 3 working days → Mon Mar 9
        assert post(client, sup_h, f"/threads/{t.id}/rework", {}).status_code == 422
        resp = post(client, sup_h, f"/threads/{t.id}/rework", {"reason": "答复未解决实际问题"})
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["state"] == "awaiting" and data["due_at"] == "2026-03-09T23:59:59+08:00"
    assert data["first_due_at"] == "2026-03-05T23:59:59+08:00"
    assert data["answered_at"] is None
    assert data["replies"][0]["reworked"] is True and data["replies"][0]["body"] == "已答复"
    assert "已发回重办" in client.get(f"/t/{t.id}").get_data(as_text=True)
    assert "thread_reworked" in kinds_for(w.staff_a) and "thread_reworked_resident" in kinds_for(w.resident)
    assert post(client, sup_h, f"/threads/{t.id}/rework", {"reason": "again"}).status_code == 409
    with at(utc(2026, 3, 5, 2, 0)):
        data = post(client, api_headers(w.staff_a), f"/threads/{t.id}/replies", {"body": "重新办理结果"}).get_json()
    assert data["state"] == "answered" and data["answered_at"] == "2026-03-05T10:00:00+08:00"


def test_urging_tells_the_department(w, make, client, api_headers):
    t = w.thread(make)
    for who in (w.staff_a, w.head_b, w.resident, w.outsider, w.admin):
        assert post(client, api_headers(who), f"/threads/{t.id}/urge").status_code == 403
    resp = post(client, api_headers(w.supervisor), f"/threads/{t.id}/urge", {"comment": "请加快办理"})
    assert resp.status_code == 201
    assert "thread_urged" in kinds_for(w.staff_a) and "thread_urged" in kinds_for(w.colleague_a)
    assert "thread.urge" in audit_actions(t.id)
    post(client, api_headers(w.staff_a), f"/threads/{t.id}/replies", {"body": "已答复"})
    assert post(client, api_headers(w.supervisor), f"/threads/{t.id}/urge").status_code == 409


def test_a_return_visit_that_is_unsatisfied_reopens_the_thread(w, make, client, api_headers):
    t = w.thread(make)
    sup_h = api_headers(w.supervisor)
    with at(utc(2026, 3, 3, 2, 0)):
        post(client, api_headers(w.staff_a), f"/threads/{t.id}/replies", {"body": "已答复"})
    with at(utc(2026, 3, 3, 5, 0)):
        resp = post(client, api_headers(w.resident), f"/threads/{t.id}/rate",
                    {"rating": "satisfied", "resolved": True})
        assert resp.get_json()["state"] == "closed" and resp.get_json()["resolved"] is True
    visit = {"resolved": False, "rating": "unsatisfied", "channel": "phone", "note": "电话回访：问题仍在"}
    for who in (w.staff_a, w.head_b, w.resident, w.outsider):
        assert post(client, api_headers(who), f"/threads/{t.id}/visit", visit).status_code == 403
    assert post(client, sup_h, f"/threads/{t.id}/visit", {**visit, "channel": "fax"}).status_code == 422
    assert post(client, sup_h, f"/threads/{t.id}/visit", {**visit, "resolved": None}).status_code == 422
    with at(utc(2026, 3, 4, 2, 0)):
        resp = post(client, sup_h, f"/threads/{t.id}/visit", visit)
    assert resp.status_code == 201
    data = resp.get_json()
    # The latest rating wins; 不满意 reopens with a new due time (Wed + 3 → Mon Mar 9).
    assert (data["state"], data["rating"], data["resolved"]) == ("awaiting", "unsatisfied", False)
    assert data["due_at"] == "2026-03-09T23:59:59+08:00"
    assert "thread_unsatisfied" in kinds_for(w.staff_a)
    assert "thread.visit" in audit_actions(t.id)
    assert "电话回访" not in client.get(f"/t/{t.id}").get_data(as_text=True)  # the note is internal


ACTIONS = {
    "accept": {}, "notes": {"body": "备注"}, "extension": {"until": "2026-03-10", "reason": "理由"},
    "transfer": {"department": "dept-c", "reason": "理由"},
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_staff_actions_refuse_everyone_outside_the_department(w, make, client, api_headers, action):
    for who in (w.staff_b, w.head_b, w.resident, w.admin):
        t = w.thread(make)
        with at(MON):
            resp = post(client, api_headers(who), f"/threads/{t.id}/{action}", ACTIONS[action])
        assert resp.status_code == 403, (who, resp.get_json())
        assert resp.get_json()["error"]["code"]


@pytest.mark.parametrize("path", ["/transfers/99999/approve", "/extensions/99999/reject",
                                  f"/transfers/{2**63}/approve", f"/extensions/{2**40}/approve"])
def test_unknown_requests_are_404(w, client, api_headers, path):
    resp = post(client, api_headers(w.supervisor), path, {"comment": "x"})
    assert resp.status_code == 404 and resp.get_json()["error"]["code"].endswith("not_found")
