"""The disclosure guide and catalogue, the index number of posts, the dashboard's request figures,
and bounded query counts on the request pages."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from weibo_app.core.extensions import db
from weibo_app.disclosure import operations as ops
from weibo_app.disclosure.catalogue import index_number
from weibo_app.models import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")


def on(day: date):
    return time_machine.travel(datetime.combine(day, time(10), tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def w(app, make):
    class W:
        pass

    w = W()
    w.a = make.department(slug="jiaoyu", name="教育局")
    w.b = make.department(slug="jiaotong", name="交通局")
    w.staff_a, w.staff_b = make.staff(w.a), make.staff(w.b)
    w.supervisor, w.resident = make.user(Role.SUPERVISOR), make.user()
    return w


GUIDE = {"functions": "负责全县教育工作。", "address": "清河县人民路1号", "hours": "工作日 9:00-17:00",
         "phone": "0310-1234567", "how_to_request": "网上申请或当面提交。", "fees": "不收取费用。"}


def test_the_department_edits_its_guide_and_everybody_reads_it(client, login, w):
    assert "尚未发布公开指南" in client.get("/d/jiaoyu/guide").get_data(as_text=True)
    assert client.post("/d/jiaoyu/guide", data=GUIDE).status_code == 403
    login(w.staff_b)
    assert client.post("/d/jiaoyu/guide", data=GUIDE).status_code == 403
    login(w.staff_a)
    assert "编辑公开指南" in client.get("/d/jiaoyu/guide").get_data(as_text=True)
    assert client.post("/d/jiaoyu/guide", data={**GUIDE, "phone": "1" * 61}).status_code == 422
    assert client.post("/d/jiaoyu/guide", data=GUIDE).status_code == 303
    client.post("/auth/logout")
    login(w.resident)
    html = client.get("/d/jiaoyu/guide").get_data(as_text=True)
    assert "清河县人民路1号" in html and "0310-1234567" in html and "编辑公开指南" not in html


def test_the_catalogue_lists_published_posts_by_category_and_month(client, make, w):
    with on(date(2026, 5, 6)):
        may = make.post(department=w.a, body="五月的工作动态", category="work")
        policy = make.post(department=w.a, body="一项政策文件", category="policy")
    with on(date(2026, 6, 2)):
        june = make.post(department=w.a, body="六月的工作动态", category="work")
    make.post(department=w.b, body="别的部门的动态", category="work")
    html = client.get("/d/jiaoyu/catalogue?category=work").get_data(as_text=True)
    assert "五月的工作动态" in html and "六月的工作动态" in html and "别的部门" not in html
    assert "一项政策文件" not in html and "工作动态（2）" in html and "政策文件（1）" in html
    assert html.index("2026-06") < html.index("2026-05")  # newest month first
    assert index_number(may) in html
    only_may = client.get("/d/jiaoyu/catalogue?category=work&month=2026-05").get_data(as_text=True)
    assert "五月的工作动态" in only_may and "六月的工作动态" not in only_may
    assert client.get("/d/jiaoyu/catalogue?category=nope").status_code == 404
    assert client.get("/d/jiaoyu/catalogue?month=garbage").status_code == 200
    # The index number: department code, year, catalogue category (工作动态 is the 7th), serial.
    assert index_number(june) == f"{w.a.id:06d}/2026-07-{june.id:06d}"
    assert index_number(policy) == f"{w.a.id:06d}/2026-02-{policy.id:06d}"
    assert index_number(june) in client.get(f"/p/{june.id}").get_data(as_text=True)


def _file(w, day: date, dept=None):
    with on(day):
        req = ops.file_request(w.resident, dept or w.a, applicant_type="person", name="张三", phone="1",
                               description="申请", delivery="email")
        db.session.commit()
    return req


def test_the_dashboard_shows_requests_by_department(client, login, w):
    on_time = _file(w, date(2026, 3, 2))  # due Mon 30 Mar
    late = _file(w, date(2026, 3, 3))  # due Tue 31 Mar
    _file(w, date(2026, 3, 4), w.b)  # due Wed 1 Apr, never answered
    with on(date(2026, 3, 20)):
        ops.answer_request(w.staff_a, on_time, "public", "已公开")
    with on(date(2026, 4, 2)):
        ops.answer_request(w.staff_a, late, "partial", "部分公开")
        db.session.commit()
    with on(date(2026, 4, 10)):
        login(w.supervisor)
        html = client.get("/dashboard?from=2026-03-01&to=2026-04-01").get_data(as_text=True)
    section = html[html.index('id="requests-title"'):]
    cells = re.findall(r'<tr>\s*<th scope="row"><a href="/d/(\w+)/requests">.*?</a></th>(.*?)</tr>', section, re.S)
    figures = {slug: [int(n) for n in re.findall(r">(\d+)</td>", row)] for slug, row in cells}
    # received, answered on time, answered late, open, overdue now
    assert figures == {"jiaoyu": [2, 1, 1, 0, 0], "jiaotong": [1, 0, 0, 1, 1]}


@pytest.mark.parametrize("page,who", [("/d/jiaoyu/requests", "staff_a"), ("/me/requests", "resident"),
                                      ("/dashboard", "supervisor")])
def test_request_pages_make_the_same_number_of_queries_for_3_and_30_requests(client, login, count_queries, w,
                                                                             page, who):
    def measure(n: int) -> int:
        for _ in range(n):
            ops.file_request(w.resident, w.a, applicant_type="person", name="张三", phone="1",
                             description="申请", delivery="email")
        db.session.commit()
        login(getattr(w, who))
        assert client.get(page).status_code == 200
        with count_queries() as counter:
            assert client.get(page).status_code == 200
        return counter.count

    assert measure(3) == measure(27)


def test_the_pages_speak_english_too(client, login, w):
    with on(date(2026, 3, 23)):
        req = _file(w, date(2026, 3, 23))
        login(w.staff_a)
        for url in (f"/requests/{req.number}", "/d/jiaoyu/requests", "/d/jiaoyu/guide", "/d/jiaoyu/catalogue",
                    "/reports/annual/2025/jiaoyu"):
            resp = client.get(url + "?lang=en")
            assert resp.status_code == 200, url
        html = client.get(f"/requests/{req.number}?lang=en").get_data(as_text=True)
        assert "Information request" in html and "Request received" in html and "Person" in html
        login(w.resident)
        notes = client.get("/notifications?lang=en").get_data(as_text=True)
        assert f"received your information request ({req.number})" in notes
