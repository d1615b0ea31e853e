"""The annual report (国办公开办函〔2021〕30号) for 2025, on a year of requests whose figures are
worked out by hand below, including one carried over from 2024 and two carried forward into 2026."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from openpyxl import load_workbook

from weibo_app.auth.tokens import issue_token
from weibo_app.core.exceptions import Conflict, Forbidden
from weibo_app.core.extensions import db
from weibo_app.disclosure import operations as ops
from weibo_app.models import InfoRequest, Role
from weibo_app.reports import operations as reports
from weibo_app.reports.figures import COLUMNS, ROWS
from weibo_app.reports.labels import section3_rows

SHANGHAI = ZoneInfo("Asia/Shanghai")


@contextmanager
def on(day: date):
    with time_machine.travel(datetime.combine(day, time(10), tzinfo=SHANGHAI), tick=False):
        yield


def _file(w, dept, day: date, applicant_type: str):
    with on(day):
        req = ops.file_request(w.resident, dept, applicant_type=applicant_type, name="申请人", phone="1",
                               description=f"{day} 的申请", delivery="email")
        db.session.commit()
    return req


def _answer(w, req, day: date, outcome: str, staff=None):
    with on(day):
        ops.answer_request(staff or w.staff, req, outcome, "答复")
        db.session.commit()


def _appeal(w, req, day: date, kind: str, result: str | None):
    with on(day):
        appeal = ops.record_appeal(w.staff, req, kind, day)
        if result:
            ops.set_appeal_result(w.staff, appeal, result)
        db.session.commit()


@pytest.fixture
def w(app, make):
    class W:
        pass

    w = W()
    w.dept = make.department(slug="jiaoyu", name="教育局")
    w.child = make.department(slug="jiaoyu-school", name="县一中", parent=w.dept)
    w.staff, w.child_staff = make.staff(w.dept), make.staff(w.child)
    w.supervisor, w.resident = make.user(Role.SUPERVISOR, w.dept), make.user()
    r1 = _file(w, w.dept, date(2024, 12, 20), "person")        # carried over into 2025
    _answer(w, r1, date(2025, 1, 10), "public")
    r2 = _file(w, w.dept, date(2024, 11, 1), "enterprise")     # done in 2024: not in 2025 at all
    _answer(w, r2, date(2024, 11, 20), "public")
    r3 = _file(w, w.dept, date(2025, 3, 2), "person")
    _answer(w, r3, date(2025, 3, 20), "partial")
    r4 = _file(w, w.dept, date(2025, 5, 6), "enterprise")
    _answer(w, r4, date(2025, 5, 20), "withheld_secret")
    r5 = _file(w, w.dept, date(2025, 6, 2), "research")
    _answer(w, r5, date(2025, 6, 20), "unavailable_not_held")
    r6 = _file(w, w.dept, date(2025, 7, 1), "legal_service")  # not corrected: closed
    with on(date(2025, 7, 2)):
        ops.ask_correction(w.staff, r6, "请补正", 5)  # Jul 3, 4, 7, 8, 9: deadline Wed 9 July
        db.session.commit()
    _answer(w, r6, date(2025, 7, 10), "other_no_correction")
    _file(w, w.dept, date(2025, 12, 22), "nonprofit")          # still open: carried forward
    r8 = _file(w, w.dept, date(2025, 12, 1), "other_org")      # answered in 2026: carried forward
    _answer(w, r8, date(2026, 1, 5), "declined_repeat")
    r9 = _file(w, w.child, date(2025, 4, 1), "person")         # the child department: only with subtree
    _answer(w, r9, date(2025, 4, 10), "public", staff=w.child_staff)
    _appeal(w, r1, date(2025, 2, 1), "review", "upheld")
    _appeal(w, r4, date(2025, 6, 10), "review", "corrected")
    _appeal(w, r5, date(2025, 7, 1), "lawsuit_direct", None)
    _appeal(w, r2, date(2024, 12, 1), "review", "upheld")       # filed in 2024: not in 2025
    return w


def expected(subtree: bool) -> dict:
    table = {row: dict.fromkeys(COLUMNS, 0) for row in ROWS}

    def put(row, column, n=1):
        table[row][column] += n
        table[row]["total"] += n

    # 新收 in 2025: r3 person, r4 enterprise, r5 research, r6 legal_service, r7 nonprofit, r8 other_org.
    for column in ("person", "enterprise", "research", "legal_service", "nonprofit", "other_org"):
        put("new", column)
    put("carried_over", "person")  # r1, received 20 Dec 2024, answered 10 Jan 2025
    # Decided in 2025: r1 public, r3 partial, r4 withheld_secret, r5 unavailable_not_held, r6 other_no_correction.
    for row, column in (("public", "person"), ("partial", "person"), ("withheld_secret", "enterprise"),
                        ("unavailable_not_held", "research"), ("other_no_correction", "legal_service")):
        put(row, column)
        put("results_total", column)
    put("carried_forward", "nonprofit")  # r7, still open
    put("carried_forward", "other_org")  # r8, answered 5 Jan 2026
    if subtree:  # r9: received and answered in 2025 by the child department
        put("new", "person")
        put("public", "person")
        put("results_total", "person")
    return table


@pytest.mark.parametrize("subtree", [False, True])
def test_the_figures_match_the_hand_count_and_balance(client, w, subtree):
    with on(date(2026, 2, 1)):
        reports.save_report(w.staff, w.dept, 2025, overview="总体情况", problems="问题", other_matters="无",
                            proactive={"regulations": {"made": 1, "repealed": 0, "in_force": 3},
                                       "fees": {"amount": 1.5}})
        db.session.commit()
        with pytest.raises(Forbidden):
            reports.publish_report(w.staff, w.dept, 2025)
        reports.publish_report(w.supervisor, w.dept, 2025)
        db.session.commit()
        with pytest.raises(Conflict):
            reports.save_report(w.staff, w.dept, 2025, overview="改", proactive={}, problems="", other_matters="")
        resp = client.get(f"/api/v1/reports/annual?year=2025&department=jiaoyu&subtree={int(subtree)}")
    data = resp.get_json()
    assert resp.status_code == 200
    assert set(data) >= {"requests", "appeals", "proactive", "balanced"}
    assert data["requests"] == expected(subtree)
    totals = data["requests"]
    assert totals["new"]["total"] + totals["carried_over"]["total"] == (
        totals["results_total"]["total"] + totals["carried_forward"]["total"])
    assert data["balanced"] is True
    assert data["appeals"] == {
        "review": {"upheld": 1, "corrected": 1, "other": 0, "pending": 0, "total": 2},
        "lawsuit_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
        "lawsuit_after_review": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
    }
    assert data["proactive"]["regulations"] == {"made": 1, "repealed": 0, "in_force": 3}
    assert data["proactive"]["fees"] == {"amount": 1.5}

    # The workbook carries the same numbers as the JSON.
    with on(date(2026, 2, 1)):
        xlsx = client.get(f"/reports/annual/2025/jiaoyu.xlsx?subtree={int(subtree)}")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(BytesIO(xlsx.data)).active
    by_label = {row[0]: list(row[1:]) for row in sheet.iter_rows(values_only=True) if row and row[0]}
    for label, key in section3_rows():
        assert by_label[label][:len(COLUMNS)] == [data["requests"][key][c] for c in COLUMNS], key


def test_a_draft_is_for_the_department_and_a_published_report_for_everybody(client, login, w):
    url = "/api/v1/reports/annual?year=2025&department=jiaoyu"
    with on(date(2026, 2, 1)):
        assert client.get(url).status_code == 404
        assert client.get("/reports/annual/2025/jiaoyu").status_code == 404
        assert client.get("/reports/annual/2025/jiaoyu.xlsx").status_code == 404
        login(w.staff)
        page = client.get("/reports/annual/2025/jiaoyu")
        assert page.status_code == 200 and "编写年度报告" in page.get_data(as_text=True)
        resp = client.post("/reports/annual/2025/jiaoyu", data={
            "overview": "本年度共收到申请7件。", "problems": "答复不够及时。", "other_matters": "未收取信息处理费。",
            "regulations__made": "2", "regulations__repealed": "0", "regulations__in_force": "5",
            "licensing__decisions": "120", "fees__amount": "0"})
        assert resp.status_code == 303
        assert client.post("/reports/annual/2025/jiaoyu/publish").status_code == 403
        bad = client.post("/reports/annual/2025/jiaoyu", data={"licensing__decisions": "-1"})
        assert bad.status_code == 422
        login(w.supervisor)
        assert client.post("/reports/annual/2025/jiaoyu/publish").status_code == 303
        client.get("/auth/logout")
    with on(date(2026, 2, 1)):
        client.post("/auth/logout")
        html = client.get("/reports/annual/2025/jiaoyu").get_data(as_text=True)
        assert "本年度共收到申请7件。" in html and "各列均平衡" in html and "编写年度报告" not in html
        assert 'data-row="carried_forward"' in html
        assert client.get(url).get_json()["proactive"]["licensing"] == {"decisions": 120}
        assert client.get(url + "&year=20x5").status_code in (200, 422)
        assert client.get("/api/v1/reports/annual?year=abcd&department=jiaoyu").status_code == 422
        assert client.get("/api/v1/reports/annual?year=2025&department=nowhere").status_code == 404
        assert client.get("/api/v1/reports/annual?year=2031&department=jiaoyu").status_code == 422


def test_the_check_catches_a_decision_without_an_outcome(client, login, w):
    # Break one row on purpose: r3 keeps its decision day but loses its outcome.
    db.session.execute(sa.update(InfoRequest).where(InfoRequest.filed_on == date(2025, 3, 2)).values(outcome=None))
    db.session.commit()
    headers = {"Authorization": f"Bearer {issue_token(w.staff)}"}
    db.session.commit()
    with on(date(2026, 2, 1)):
        login(w.staff)
        html = client.get("/reports/annual/2025/jiaoyu").get_data(as_text=True)
        data = client.get("/api/v1/reports/annual?year=2025&department=jiaoyu", headers=headers).get_json()
    assert data["balanced"] is False
    assert "数据不平衡" in html
