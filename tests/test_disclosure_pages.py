"""Information requests through the pages and the API together: filing, the queue's lights,
each step's form, privacy of the applicant's details, and who may open what."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from weibo_app.auth.tokens import issue_token
from weibo_app.core.extensions import db
from weibo_app.models import InfoRequest, Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE, ID_NUMBER = "13912345678", "110101199001011234"


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def w(app, make):
    class W:
        pass

    w = W()
    w.a = make.department(slug="jiaoyu", name="教育局")
    w.b = make.department(slug="jiaotong", name="交通局")
    w.staff_a, w.head_a, w.staff_b = make.staff(w.a), make.staff(w.a, Role.DEPT_HEAD), make.staff(w.b)
    w.resident, w.other = make.user(), make.user()
    w.token = issue_token(w.resident)
    db.session.commit()
    return w


FORM = {"department": "jiaoyu", "applicant_type": "person", "name": "李四", "id_number": ID_NUMBER,
        "phone": PHONE, "email": "", "address": "", "description": "请公开2026年学校食堂招标结果。",
        "delivery": "email"}


def test_file_answer_and_read_the_whole_flow(client, login, w):
    with at(2026, 3, 23, 10):
        login(w.resident)
        page = client.get("/requests/new?department=jiaoyu")
        assert page.status_code == 200 and '<option selected value="jiaoyu">' in page.get_data(as_text=True)
        bad = client.post("/requests/new", data={**FORM, "phone": ""})
        assert bad.status_code == 422 and "至少填写一种联系方式" in bad.get_data(as_text=True)
        resp = client.post("/requests/new", data=FORM)
        assert resp.status_code == 303 and resp.location.endswith("/requests/2026-jiaoyu-0001")
        html = client.get("/requests/2026-jiaoyu-0001").get_data(as_text=True)
        assert "2026-04-21" in html and PHONE in html and "收到申请" in html
        mine = client.get("/me/requests").get_data(as_text=True)
        assert "2026-jiaoyu-0001" in mine and 'href="/me/requests"' in mine  # 我的申请 in the navigation
        # The same request through the API (filed there by the same resident).
        api = client.post("/api/v1/requests", headers={"Authorization": f"Bearer {w.token}"},
                          json={"department": "jiaoyu", "description": "第二件", "delivery": "paper",
                                "applicant": {"type": "person", "name": "李四", "address": "人民路1号"}})
        assert api.get_json()["number"] == "2026-jiaoyu-0002"

        login(w.staff_a)
        queue = client.get("/d/jiaoyu/requests").get_data(as_text=True)
        assert "2026-jiaoyu-0001" in queue and 'href="/d/jiaoyu/requests"' in queue  # 依申请公开 in the navigation
        resp = client.post("/requests/2026-jiaoyu-0001/correction-notice", data={"items": "请说明学校名称", "working_days": 10})
        assert resp.status_code == 303
    with at(2026, 3, 25, 10):
        login(w.resident)
        resp = client.post("/requests/2026-jiaoyu-0001/correction", data={"body": "清河一中"})
        assert resp.status_code == 303
    with at(2026, 3, 26, 10):
        login(w.staff_a)
        missing = client.post("/requests/2026-jiaoyu-0001/answer", data={"outcome": "", "body": "x"})
        assert missing.status_code == 422
        resp = client.post("/requests/2026-jiaoyu-0001/answer",
                           data={"outcome": "public", "body": "该信息已在本局网站公开，网址见附件说明。"})
        assert resp.status_code == 303
    got = client.get("/api/v1/requests/2026-jiaoyu-0001", headers={"Authorization": f"Bearer {w.token}"}).get_json()
    assert (got["state"], got["outcome"], got["received_on"], got["due_on"]) == ("answered", "public", "2026-03-25", "2026-04-23")
    login(w.resident)
    html = client.get("/requests/2026-jiaoyu-0001").get_data(as_text=True)
    assert "予以公开" in html and "申请人已补正" in html and "作出答复" in html


def _file(w, description="请公开"):
    from weibo_app.disclosure.operations import file_request

    req = file_request(w.resident, w.a, applicant_type="enterprise", name="某公司", phone=PHONE,
                       id_number=ID_NUMBER, description=description, delivery="email")
    db.session.commit()
    return req


def test_the_queue_is_due_first_with_yellow_and_red_lights(client, login, w):
    with at(2026, 3, 2, 10):
        late = _file(w, "早的")  # Mon 2 Mar: Mar 3–6, 9–13, 16–20, 23–27 (1–19), Mon 30 Mar (20)
    with at(2026, 3, 9, 10):
        soon = _file(w, "中间的")  # Mon 9 Mar: Mar 10–13, 16–20, 23–27, Mar 30–Apr 3 (1–19), 清明, Tue 7 Apr (20)
    with at(2026, 3, 20, 10):
        fresh = _file(w, "新的")  # Fri 20 Mar: Mar 23–27, Mar 30–Apr 3, Apr 7–10, 13–17 (1–19), Mon 20 Apr (20)
    assert (late.due_on.isoformat(), soon.due_on.isoformat(), fresh.due_on.isoformat()) == (
        "2026-03-30", "2026-04-07", "2026-04-20")
    with at(2026, 4, 2, 10):  # Thu 2 Apr: the last three working days are 2, 3 and 7 April
        login(w.staff_a)
        html = client.get("/d/jiaoyu/requests").get_data(as_text=True)
    rows = re.findall(r'<tr class="row-light-(\w+)">\s*<th scope="row"><a href="/requests/([\w-]+)"', html)
    assert rows == [("red", late.number), ("yellow", soon.number), ("green", fresh.number)]
    assert "已超期" in html and "即将到期" in html


def test_staff_record_a_letter_on_the_queue_page(client, login, w):
    with at(2026, 5, 11, 10):
        login(w.staff_a)
        resp = client.post("/d/jiaoyu/requests", data={**FORM, "channel": "post", "received_on": "2026-05-08"})
        assert resp.status_code == 303
        req = db.session.query(InfoRequest).one()
        assert (req.channel, req.received_on.isoformat(), req.applicant_id) == ("post", "2026-05-08", None)
        future = client.post("/d/jiaoyu/requests", data={**FORM, "channel": "post", "received_on": "2026-05-12"})
        assert future.status_code == 422 and "不能晚于今天" in future.get_data(as_text=True)
        login(w.staff_b)
        assert client.post("/d/jiaoyu/requests", data={**FORM, "channel": "post", "received_on": "2026-05-08"}).status_code == 403


def test_who_may_open_a_request_and_the_queue(client, login, w):
    with at(2026, 3, 23, 10):
        req = _file(w)
    url = f"/requests/{req.number}"
    assert client.get(url).status_code == 302  # visitors are sent to log in
    assert client.get("/d/jiaoyu/requests").status_code == 302
    for user, status in ((w.other, 404), (w.staff_b, 404), (w.resident, 200), (w.staff_a, 200), (w.head_a, 200)):
        login(user)
        assert client.get(url).status_code == status, user
    login(w.staff_b)
    assert client.get("/d/jiaoyu/requests").status_code == 403
    assert client.post(f"{url}/answer", data={"outcome": "public", "body": "x"}).status_code == 404
    login(w.resident)
    assert client.get("/d/jiaoyu/requests").status_code == 403
    assert client.post(f"{url}/answer", data={"outcome": "public", "body": "x"}).status_code == 403
    login(w.staff_a)
    assert client.post(f"{url}/extend", data={"reason": "x", "days": 20}).status_code == 403
    assert client.get("/requests/new").status_code == 403


def test_the_applicants_details_never_reach_a_public_page(client, login, w, make):
    with at(2026, 3, 23, 10):
        _file(w)
    make.post(department=w.a, body="教育局发布招生政策")
    for url in ("/", "/d/jiaoyu", "/d/jiaoyu/guide", "/d/jiaoyu/catalogue", "/departments", "/search?q=请公开"):
        html = client.get(url).get_data(as_text=True)
        assert PHONE not in html and ID_NUMBER not in html, url
