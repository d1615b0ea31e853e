"""Supervisors hand the figures on: the metrics table and the rows behind a figure, as CSV and XLSX."""

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from weibo_app.core.clock import local_today
from weibo_app.metrics.figures import compute_metrics
from weibo_app.metrics.queries import FIELDS, make_period
from weibo_app.models import Role


@pytest.fixture
def county(make):
    county = make.department("county", "清河县人民政府")
    jiaoyu = make.department("jiaoyu", "清河县教育局", parent=county)
    town = make.department("town", "城关镇人民政府", parent=county)
    village = make.department("village", "城关镇某村", parent=town)
    for dept, n in ((jiaoyu, 3), (town, 2), (village, 1)):
        post = make.post(department=dept)
        for i in range(n):
            make.thread(post=post, body=f"=HYPERLINK(\"http://evil\") 问题{i}")
    return {"county": county, "jiaoyu": jiaoyu, "town": town, "village": village}


def _csv(resp) -> list[list[str]]:
    text = resp.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(resp) -> list[list]:
    sheet = load_workbook(io.BytesIO(resp.get_data())).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _period_args():
    today = local_today()
    return {"from": (today - timedelta(days=29)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_metrics_export_has_the_dashboards_figures(client, make, login, county, fmt):
    login(make.user(Role.SUPERVISOR, department=county["county"]))
    args = _period_args()
    resp = client.get(f"/dashboard/export.{fmt}", query_string={**args, "subtree": 1})
    assert resp.status_code == 200
    assert "attachment" in resp.headers["Content-Disposition"]
    table = _csv(resp) if fmt == "csv" else _xlsx(resp)
    header, body = table[0], table[1:]
    assert header[:2] == ["部门代码", "部门"] and "回复率" in header and len(header) == 2 + len(FIELDS)
    period = make_period(date.fromisoformat(args["from"]), date.fromisoformat(args["to"]))
    expected = compute_metrics(period, subtree=True)
    assert [row[0] for row in body] == [row["department"] for row in expected]
    threads = header.index("留言数")
    by_slug = {row[0]: row for row in body}
    assert int(by_slug["county"][threads]) == 6 and int(by_slug["town"][threads]) == 3
    for row in expected:
        assert int(by_slug[row["department"]][threads]) == row["threads"]
        assert int(by_slug[row["department"]][header.index("待回复")]) == row["awaiting"]


def test_a_township_supervisor_exports_only_their_subtree(client, make, login, county):
    login(make.user(Role.SUPERVISOR, department=county["town"]))
    body = _csv(client.get("/dashboard/export.csv", query_string=_period_args()))[1:]
    assert sorted(row[0] for row in body) == ["town", "village"]
    assert client.get("/dashboard/rows.csv", query_string={"figure": "threads", "department": "jiaoyu"}).status_code == 403
    assert client.get("/dashboard/rows.csv", query_string={"figure": "threads"}).status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_rows_behind_a_figure_export_as_on_the_page_and_formulas_stay_text(client, make, login, county, fmt):
    login(make.user(Role.SUPERVISOR, department=county["county"]))
    query = {**_period_args(), "figure": "awaiting", "department": "town", "subtree": 1}
    table = (_csv if fmt == "csv" else _xlsx)(client.get(f"/dashboard/rows.{fmt}", query_string=query))
    assert table[0][0] == "编号" and len(table) == 1 + 3
    page = client.get("/dashboard/rows", query_string=query).get_data(as_text=True)
    for row in table[1:]:
        assert f'/t/{row[0]}"' in page or f"第{row[0]}号" in page
        assert row[4].startswith("'=HYPERLINK")


@pytest.mark.parametrize("role", [Role.STAFF, Role.RESIDENT])
def test_only_overseers_export(client, make, login, county, role):
    user = make.staff(county["jiaoyu"]) if role == Role.STAFF else make.user(role)
    login(user)
    assert client.get("/dashboard/export.csv").status_code == 403
    assert client.get("/dashboard/rows.xlsx", query_string={"figure": "threads", "department": "jiaoyu"}).status_code == 403


def test_unknown_formats_and_figures_are_not_found(client, make, login, county):
    login(make.user(Role.SUPERVISOR, department=county["county"]))
    assert client.get("/dashboard/export.pdf").status_code == 404
    assert client.get("/dashboard/rows.csv", query_string={"figure": "nope"}).status_code == 404


def test_the_dashboard_links_its_exports(client, make, login, county):
    login(make.user(Role.SUPERVISOR, department=county["county"]))
    page = client.get("/dashboard").get_data(as_text=True)
    assert "/dashboard/export.csv?" in page and "/dashboard/export.xlsx?" in page
