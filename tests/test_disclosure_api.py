"""Information requests through the JSON API: the happy path, every refusal, privacy and the records each step leaves."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from weibo_app.auth.tokens import issue_token
from weibo_app.core.extensions import db
from weibo_app.models import AuditLog, Notification, Role

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def w(app, make):
    class W:
        pass

    w = W()
    county = make.department(slug="county", name="清河县")
    w.a = make.department(slug="jiaoyu", name="教育局", parent=county)
    w.b = make.department(slug="jiaotong", name="交通局", parent=county)
    w.staff_a, w.head_a, w.staff_b = make.staff(w.a), make.staff(w.a, Role.DEPT_HEAD), make.staff(w.b)
    w.sup_a, w.sup_b = make.user(Role.SUPERVISOR, w.a), make.user(Role.SUPERVISOR, w.b)
    w.resident, w.other = make.user(), make.user()
    w.h = {name: {"Authorization": f"Bearer {issue_token(getattr(w, name))}"} for name in
           ("staff_a", "head_a", "staff_b", "sup_a", "sup_b", "resident", "other")}
    db.session.commit()
    return w


NEW = {"department": "jiaoyu", "description": "请公开本县2026年义务教育学区划分方案。", "delivery": "email",
       "applicant": {"type": "person", "name": "张三", "id_number": "110101199001011234",
                     "phone": "13800001111", "email": "zhang@example.cn", "address": "清河县人民路1号"}}


def file(client, w, body=NEW, who="resident"):
    resp = client.post("/api/v1/requests", json=body, headers=w.h[who])
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_the_whole_flow(client, w):
    with at(2026, 9, 18, 10):  # Fri 18 Sep: due Thu 22 Oct (see test_disclosure_deadlines)
        r = file(client, w)
        assert (r["number"], r["state"], r["received_on"], r["due_on"]) == (
            "2026-jiaoyu-0001", "received", "2026-09-18", "2026-10-22")
        assert file(client, w)["number"] == "2026-jiaoyu-0002"
        assert file(client, w, {**NEW, "department": "jiaotong"})["number"] == "2026-jiaotong-0001"
        number = r["number"]
        got = client.get(f"/api/v1/requests/{number}", headers=w.h["resident"]).get_json()
        assert got["applicant"]["phone"] == "13800001111" and got["extended"] is False
        listed = client.get("/api/v1/requests?state=received", headers=w.h["staff_a"]).get_json()["requests"]
        assert [x["number"] for x in listed] == ["2026-jiaoyu-0001", "2026-jiaoyu-0002"]
        assert set(listed[0]) >= {"number", "state", "received_on", "due_on", "overdue"}
        assert "applicant" not in listed[0]
    with at(2026, 9, 22, 10):
        resp = client.post(f"/api/v1/requests/{number}/third-party", json={"party": "某建筑公司"}, headers=w.h["staff_a"])
        assert resp.status_code == 200 and resp.get_json()["state"] == "third_party"
        assert resp.get_json()["due_on"] == "2026-11-12"
    with at(2026, 10, 9, 10):
        resp = client.post(f"/api/v1/requests/{number}/third-party-reply", json={}, headers=w.h["staff_a"])
        assert resp.get_json()["due_on"] == "2026-11-02" and resp.get_json()["state"] == "received"
    with at(2026, 10, 12, 10):
        resp = client.post(f"/api/v1/requests/{number}/extend", json={"reason": "档案量大"}, headers=w.h["staff_a"])
        assert resp.status_code == 403
        resp = client.post(f"/api/v1/requests/{number}/extend", json={"reason": "档案量大"}, headers=w.h["head_a"])
        assert resp.status_code == 200 and resp.get_json()["extended"] is True
        # 27 + 20 = 47 working days after 18 Sep: Nov 2 (27), Nov 3–6 (28–31), Nov 9–13 (32–36),
        # Nov 16–20 (37–41), Nov 23–27 (42–46), Mon Nov 30 (47).
        assert resp.get_json()["due_on"] == "2026-11-30"
        again = client.post(f"/api/v1/requests/{number}/extend", json={"reason": "再延"}, headers=w.h["sup_a"])
        assert again.status_code == 409
    with at(2026, 11, 3, 10):
        bad = client.post(f"/api/v1/requests/{number}/answer", json={"outcome": "maybe", "body": "x"},
                          headers=w.h["staff_a"])
        assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_outcome"
        resp = client.post(f"/api/v1/requests/{number}/answer",
                           json={"outcome": "partial", "body": "经审查，部分公开，涉及个人信息的部分不予公开。"},
                           headers=w.h["staff_a"])
        data = resp.get_json()
        assert (data["state"], data["outcome"], data["answered_on"], data["overdue"]) == (
            "answered", "partial", "2026-11-03", False)
        twice = client.post(f"/api/v1/requests/{number}/answer", json={"outcome": "public", "body": "x"},
                            headers=w.h["staff_a"])
        assert twice.status_code == 409
    with at(2026, 11, 20, 10):
        resp = client.post(f"/api/v1/requests/{number}/appeals", json={"kind": "review", "filed_on": "2026-11-18"},
                           headers=w.h["staff_a"])
        assert resp.status_code == 201 and resp.get_json()["result"] == "pending"
        appeal_id = resp.get_json()["id"]
        bad = client.patch(f"/api/v1/appeals/{appeal_id}", json={"result": "won"}, headers=w.h["staff_a"])
        assert bad.status_code == 422
        assert client.patch(f"/api/v1/appeals/{appeal_id}", json={"result": "upheld"},
                            headers=w.h["staff_b"]).status_code == 404
        assert client.patch(f"/api/v1/appeals/{appeal_id}", json={"result": "upheld"},
                            headers=w.h["resident"]).status_code == 403
        resp = client.patch(f"/api/v1/appeals/{appeal_id}", json={"result": "upheld"}, headers=w.h["staff_a"])
        assert resp.get_json()["result"] == "upheld" and resp.get_json()["result_on"] == "2026-11-20"
    final = client.get(f"/api/v1/requests/{number}", headers=w.h["sup_a"]).get_json()
    assert final["appeals"][0]["result"] == "upheld"
    actions = db.session.scalars(sa.select(AuditLog.action).where(AuditLog.target_type == "info_request")).all()
    assert {"request.filed", "request.third_party_asked", "request.third_party_replied", "request.extended",
            "request.answered", "request.appeal_filed", "request.appeal_result"} <= set(actions)
    kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == w.resident.id)).all()
    assert {"request_received", "request_third_party", "request_third_party_replied", "request_extended",
            "request_answered", "request_appeal", "request_appeal_result"} <= set(kinds)


def test_correction_through_the_api(client, w):
    with at(2026, 3, 23, 10):
        number = file(client, w)["number"]
        assert client.post(f"/api/v1/requests/{number}/correction-notice", json={"items": "请说明年份"},
                           headers=w.h["resident"]).status_code == 403
        resp = client.post(f"/api/v1/requests/{number}/correction-notice", json={"items": "请说明年份", "deadline": 5},
                           headers=w.h["staff_a"])
        # 5 working days after Mon 23 Mar: Mar 24–27, Mar 30.
        assert resp.get_json()["correction"]["deadline"] == "2026-03-30"
        assert resp.get_json()["state"] == "awaiting_correction" and resp.get_json()["due_on"] is None
        again = client.post(f"/api/v1/requests/{number}/correction-notice", json={"items": "再补正"},
                            headers=w.h["staff_a"])
        assert again.status_code == 409
        assert client.post(f"/api/v1/requests/{number}/answer", json={"outcome": "public", "body": "x"},
                           headers=w.h["staff_a"]).status_code == 409
        assert client.post(f"/api/v1/requests/{number}/correction", json={"body": "2026年"},
                           headers=w.h["other"]).status_code == 404
    with at(2026, 3, 25, 10):
        resp = client.post(f"/api/v1/requests/{number}/correction", json={"body": "2026年的方案"},
                           headers=w.h["resident"])
        # New day of receipt Wed 25 Mar: Mar 26–27 (1–2), Mar 30–Apr 3 (3–7), Apr 7–10 (8–11),
        # Apr 13–17 (12–16), Apr 20–23 (17–20): Thu 23 April.
        assert resp.get_json()["received_on"] == "2026-03-25" and resp.get_json()["due_on"] == "2026-04-23"
        assert resp.get_json()["filed_on"] == "2026-03-23"


@pytest.mark.parametrize("path,method", [
    ("/api/v1/requests", "get"), ("/api/v1/requests", "post"), ("/api/v1/requests/2026-jiaoyu-0001", "get"),
    ("/api/v1/requests/2026-jiaoyu-0001/answer", "post"), ("/api/v1/appeals/1", "patch"),
])
def test_no_token_is_401(client, w, path, method):
    resp = getattr(client, method)(path, json={})
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "token_required"


def test_only_the_applicant_the_department_and_its_supervisors_read_a_request(client, w):
    with at(2026, 3, 23, 10):
        number = file(client, w)["number"]
    for who in ("resident", "staff_a", "head_a", "sup_a"):
        assert client.get(f"/api/v1/requests/{number}", headers=w.h[who]).status_code == 200, who
    for who in ("other", "staff_b", "sup_b"):
        resp = client.get(f"/api/v1/requests/{number}", headers=w.h[who])
        assert resp.status_code == 404, who
        assert "13800001111" not in resp.get_data(as_text=True)
    assert client.post(f"/api/v1/requests/{number}/answer", json={"outcome": "public", "body": "x"},
                       headers=w.h["staff_b"]).status_code == 404
    assert client.post(f"/api/v1/requests/{number}/answer", json={"outcome": "public", "body": "x"},
                       headers=w.h["resident"]).status_code == 403
    assert client.get("/api/v1/requests", headers=w.h["resident"]).status_code == 403
    assert client.get("/api/v1/requests?department=jiaoyu", headers=w.h["staff_b"]).status_code == 403
    assert client.get("/api/v1/requests?department=jiaoyu", headers=w.h["sup_b"]).status_code == 403
    assert [r["number"] for r in client.get("/api/v1/requests", headers=w.h["sup_a"]).get_json()["requests"]] == [number]
    assert client.get("/api/v1/requests", headers=w.h["staff_b"]).get_json()["requests"] == []
    assert client.get("/api/v1/requests?state=nope", headers=w.h["staff_a"]).status_code == 422


@pytest.mark.parametrize("change,status,code", [
    ({"delivery": "pigeon"}, 422, "invalid_delivery"),
    ({"applicant": {"type": "alien", "name": "x", "phone": "1"}}, 422, "invalid_applicant_type"),
    ({"applicant": {"type": "person", "name": "张三"}}, 422, "contact_required"),
    ({"description": "   "}, 422, "description_required"),
    ({"department": "nowhere"}, 404, "department_not_found"),
    ({"channel": "walk_in"}, 403, "staff_only"),
    ({"applicant": "张三"}, 422, "missing_field"),
])
def test_bad_filings_are_refused_and_change_nothing(client, w, change, status, code):
    resp = client.post("/api/v1/requests", json={**NEW, **change}, headers=w.h["resident"])
    assert (resp.status_code, resp.get_json()["error"]["code"]) == (status, code)
    assert client.get("/api/v1/requests", headers=w.h["staff_a"]).get_json()["requests"] == []


def test_staff_record_a_walk_in_request_with_its_day_of_receipt(client, w):
    with at(2026, 5, 11, 10):
        body = {**NEW, "channel": "walk_in", "received_on": "2026-05-08"}
        data = file(client, w, body, who="staff_a")
        # Received Fri 8 May: Sat May 9 (1), May 11–15 (2–6), May 18–22 (7–11), May 25–29 (12–16),
        # Jun 1–4 (17–20): Thu 4 June.
        assert (data["channel"], data["received_on"], data["due_on"]) == ("walk_in", "2026-05-08", "2026-06-04")
        assert client.post("/api/v1/requests", json={**body, "department": "jiaotong"},
                           headers=w.h["staff_a"]).status_code == 403
        future = client.post("/api/v1/requests", json={**body, "received_on": "2026-05-12"}, headers=w.h["staff_a"])
        assert future.status_code == 422
        bad_day = client.post("/api/v1/requests", json={**body, "received_on": "May 8"}, headers=w.h["staff_a"])
        assert bad_day.status_code == 422 and bad_day.get_json()["error"]["code"] == "invalid_date"
        online = client.post("/api/v1/requests", json={**body, "channel": "online"}, headers=w.h["staff_a"])
        assert online.status_code == 422


def test_overdue_shows_in_the_list(client, w):
    with at(2026, 3, 23, 10):
        number = file(client, w)["number"]
    with at(2026, 4, 22, 10):  # the day after the due day (Tue 21 Apr)
        listed = client.get("/api/v1/requests", headers=w.h["staff_a"]).get_json()["requests"]
        assert listed[0]["number"] == number and listed[0]["overdue"] is True
        late = client.post(f"/api/v1/requests/{number}/extend", json={"reason": "晚了"}, headers=w.h["head_a"])
        assert late.status_code == 409
