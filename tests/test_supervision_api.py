"""Supervision notices through the JSON API: the same rules as the pages and the services."""

from __future__ import annotations

import pytest
import time_machine

from tests.conftest import utc
from weibo_app.core.extensions import db
from weibo_app.models import Role
from weibo_app.supervision import operations as ops

MONDAY = utc(2025, 3, 3, 2, 0)


@pytest.fixture
def w(app, make):
    class W:
        pass

    w = W()
    county = make.department(slug="county", name="清河县")
    w.a = make.department(slug="bureau-a", name="教育局", parent=county)
    w.b = make.department(slug="bureau-b", name="交通局", parent=county)
    w.staff_a, w.staff_b = make.staff(w.a), make.staff(w.b)
    w.sup_a = make.user(Role.SUPERVISOR, w.a)
    w.admin = make.user(Role.ADMIN)
    w.resident = make.user()
    with time_machine.travel(MONDAY, tick=False):
        w.na = ops.issue_notice(w.sup_a, w.a, "教育局督办", 2)
        w.nb = ops.issue_notice(w.admin, w.b, "交通局督办", 2)
        db.session.commit()
    return w


def _ids(client, headers):
    resp = client.get("/api/v1/notices", headers=headers)
    assert resp.status_code == 200
    return [n["id"] for n in resp.get_json()["notices"]]


def test_who_sees_which_notices(w, client, api_headers):
    assert _ids(client, api_headers(w.staff_a)) == [w.na.id]
    assert _ids(client, api_headers(w.staff_b)) == [w.nb.id]
    assert _ids(client, api_headers(w.sup_a)) == [w.na.id]
    assert sorted(_ids(client, api_headers(w.admin))) == sorted([w.na.id, w.nb.id])
    resp = client.get("/api/v1/notices", headers=api_headers(w.resident))
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "not_allowed"
    assert client.get("/api/v1/notices").status_code == 401


def test_a_notice_object(w, client, api_headers):
    with time_machine.travel(utc(2025, 3, 6, 0, 0), tick=False):
        headers = api_headers(w.staff_a)
        notice = client.get("/api/v1/notices", headers=headers).get_json()["notices"][0]
    assert notice == {
        "id": w.na.id, "department": "bureau-a", "thread_id": None, "body": "教育局督办",
        "state": "overdue", "created_at": "2025-03-03T10:00:00+08:00", "deadline": "2025-03-05T23:59:59+08:00",
        "acknowledged_at": None, "response": None, "closed_at": None,
    }


@pytest.mark.parametrize(("who", "status"), [("staff_b", 403), ("sup_a", 403), ("admin", 403), ("resident", 403)])
def test_only_the_departments_staff_acknowledge(w, client, api_headers, who, status):
    resp = client.post(f"/api/v1/notices/{w.na.id}/acknowledge", json={"response": "收到"},
                       headers=api_headers(getattr(w, who)))
    assert resp.status_code == status


def test_acknowledge_once(w, client, api_headers):
    headers = api_headers(w.staff_a)
    url = f"/api/v1/notices/{w.na.id}/acknowledge"
    assert client.post(url, json={}, headers=headers).status_code == 422
    assert client.post(url, json={"response": "  "}, headers=headers).status_code == 422
    resp = client.post(url, json={"response": "已安排"}, headers=headers)
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["state"] == "acknowledged" and body["response"] == "已安排" and body["acknowledged_at"]
    again = client.post(url, json={"response": "再次"}, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "notice_acknowledged"
    assert client.post("/api/v1/notices/999999/acknowledge", json={"response": "x"}, headers=headers).status_code == 404
