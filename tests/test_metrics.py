"""Every metric of DESIGN.md, computed by hand for a frozen scenario, through
``compute_metrics``, ``GET /api/v1/metrics`` and the dashboard drill-down.

Period: local dates 2026-03-02 .. 2026-03-09 (``to`` exclusive), i.e. the UTC
instants [Mar 1 16:00, Mar 8 16:00). Report time AS_OF = Tue Mar 10 02:00 UTC.
March 2026 has no holidays; a consultation is due at the end of the 3rd working
day after it opens (23:59:59 local = 15:59:59 UTC), a complaint the 5th.

Departments: ``county`` (P) with a child ``town`` (C), and ``quiet`` (X) beside them.

P's threads (opened in the period unless said):
  t1 on pP1, consult, Mon 2 02:00, answered 05:00 (3 h), rated 满意 → closed
  t2 on pP1, complaint, Tue 3 02:00, answered Wed 4 02:00 (24 h, first due Tue 10),
     rated 不满意 Thu 5 → awaiting again, due Thu 12 (not overdue)
  t3 on pP0 (published Feb 25), consult, Mon 2 03:00, never answered, due Thu 5 → overdue
  t4 board, help, Wed 4 02:00, due Mon 9 15:59:59, answered Mon 9 20:00 (138 h) → late
  t5 board, comment, Thu 5 02:00, dismissed
  t6 board, consult, opened Feb 24 (before the period), never answered → awaiting, overdue
  t7 opened on C's board Fri 6 02:00, transferred to P; due Wed 11 → awaiting, not overdue
C's threads:
  t9 on pC1, consult, Mon 2 04:00, never answered, due Thu 5 → overdue
  t10 on pC2, suggestion, Tue 3 04:00, dismissed
  t11 board, consult, Tue 3 06:00, answered 08:00 (2 h, on time); follow-up Wed 4 02:00
      → awaiting, due Mon 9 15:59:59 → overdue at AS_OF
  t12 board, comment, Mar 8 17:00 UTC = Mar 9 01:00 local: after the period; awaiting
  t13 board, consult, Mon 2 05:00, answered 06:00 (1 h), rated 基本满意 → closed
X: one board thread in the period, dismissed.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine

from weibo_app.core.extensions import db
from weibo_app.metrics.figures import compute_metrics
from weibo_app.metrics.queries import make_period
from weibo_app.metrics.rows import rows_behind
from weibo_app.models import Follow, Like, PostViewDaily, Repost, Role
from weibo_app.threads import operations as ops


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


#: The metric table of DESIGN.md, field names exactly.
FIELDS = (
    "threads", "dismissed", "answered", "reply_rate", "on_time_rate",
    "median_first_response_hours", "p90_first_response_hours", "awaiting", "overdue",
    "unanswered_posts", "silent_posts", "satisfaction_rate",
    "posts_published", "views", "likes", "reposts", "followers",
)
AS_OF = utc(2026, 3, 10, 2, 0)
FROM, TO = date(2026, 3, 2), date(2026, 3, 9)
QUERY = "from=2026-03-02&to=2026-03-09"

EXPECTED_P = {
    "threads": 6, "dismissed": 1, "answered": 3, "reply_rate": 3 / 5,
    "on_time_rate": 2 / 4,  # base t1 t2 t3 t4; on time t1 t2
    "median_first_response_hours": 24.0,  # [3, 24, 138], position 2
    "p90_first_response_hours": 24 + 0.8 * (138 - 24),  # position 2.8
    "awaiting": 4, "overdue": 2, "unanswered_posts": 2, "silent_posts": 0,
    "satisfaction_rate": 1 / 2, "posts_published": 2, "views": 19, "likes": 2, "reposts": 1, "followers": 2,
}
EXPECTED_C = {
    "threads": 4, "dismissed": 1, "answered": 2, "reply_rate": 2 / 3,
    "on_time_rate": 2 / 3,  # base t9 t11 t13; on time t11 t13
    "median_first_response_hours": 1.5,  # [1, 2], position 1.5
    "p90_first_response_hours": 1.9,  # position 1.9
    "awaiting": 3, "overdue": 2, "unanswered_posts": 1, "silent_posts": 1,
    "satisfaction_rate": 1.0, "posts_published": 3, "views": 3, "likes": 1, "reposts": 0, "followers": 1,
}
EXPECTED_P_SUBTREE = {
    "threads": 10, "dismissed": 2, "answered": 5, "reply_rate": 5 / 8, "on_time_rate": 4 / 7,
    "median_first_response_hours": 3.0,  # [1, 2, 3, 24, 138], position 3
    "p90_first_response_hours": 24 + 0.6 * (138 - 24),  # position 4.6
    "awaiting": 7, "overdue": 4, "unanswered_posts": 3, "silent_posts": 1,
    "satisfaction_rate": 2 / 3, "posts_published": 5, "views": 22, "likes": 3, "reposts": 1,
    "followers": 2,  # people following P or C by AS_OF: r1 (both) and r2
}
EXPECTED_X = {
    "threads": 1, "dismissed": 1, "answered": 0, "reply_rate": None, "on_time_rate": None,
    "median_first_response_hours": None, "p90_first_response_hours": None,
    "awaiting": 0, "overdue": 0, "unanswered_posts": 0, "silent_posts": 0, "satisfaction_rate": None,
    "posts_published": 0, "views": 0, "likes": 0, "reposts": 0, "followers": 0,
}


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def scenario(app, make):
    s = {}
    with at(utc(2026, 2, 20, 2, 0)):
        p = make.department(slug="county", name="清河县")
        c = make.department(slug="town", name="城关镇", parent=p)
        x = make.department(slug="quiet", name="安静局")
        sp, sc, sx = make.staff(p), make.staff(c), make.staff(x)
        r1, r2, r3 = make.user(), make.user(), make.user()
    with at(utc(2026, 2, 24, 2, 0)):
        s["t6"] = make.thread(author=r1, department=p)
    with at(utc(2026, 2, 25, 2, 0)):
        pP0 = make.post(author=sp, body="旧微博")
    with at(utc(2026, 3, 2, 1, 0)):
        pP1 = make.post(author=sp, body="三月工作安排")
        pC1 = make.post(author=sc, body="镇里通知一")
    with at(utc(2026, 3, 2, 2, 0)):
        s["t1"] = make.thread(author=r1, post=pP1)
    with at(utc(2026, 3, 2, 3, 0)):
        s["t3"] = make.thread(author=r2, post=pP0)
    with at(utc(2026, 3, 2, 4, 0)):
        s["t9"] = make.thread(author=r1, post=pC1)
    with at(utc(2026, 3, 2, 5, 0)):
        s["t13"] = make.thread(author=r3, department=c)
        ops.reply_to_thread(sp, s["t1"], "已答复")
    with at(utc(2026, 3, 2, 6, 0)):
        ops.rate_thread(r1, s["t1"], "satisfied")
        ops.reply_to_thread(sc, s["t13"], "已答复")
    with at(utc(2026, 3, 2, 7, 0)):
        ops.rate_thread(r3, s["t13"], "basically_satisfied")
        db.session.commit()
    with at(utc(2026, 3, 3, 1, 0)):
        pP2 = make.post(author=sp, body="无人留言的微博")
        pC2 = make.post(author=sc, body="镇里通知二")
    with at(utc(2026, 3, 3, 2, 0)):
        s["t2"] = make.thread(author=r2, post=pP1, kind="complaint")
    with at(utc(2026, 3, 3, 4, 0)):
        s["t10"] = make.thread(author=r3, post=pC2, kind="suggestion")
    with at(utc(2026, 3, 3, 5, 0)):
        ops.dismiss_thread(sc, s["t10"], "重复")
        db.session.commit()
    with at(utc(2026, 3, 3, 6, 0)):
        s["t11"] = make.thread(author=r2, department=c)
    with at(utc(2026, 3, 3, 8, 0)):
        ops.reply_to_thread(sc, s["t11"], "已答复")
        db.session.commit()
    with at(utc(2026, 3, 4, 2, 0)):
        ops.reply_to_thread(sp, s["t2"], "已答复")
        ops.reply_to_thread(r2, s["t11"], "还有问题")  # follow-up
        db.session.commit()
        s["t4"] = make.thread(author=r3, department=p, kind="help")
        s["tx"] = make.thread(author=r3, department=x)
    with at(utc(2026, 3, 5, 2, 0)):
        ops.rate_thread(r2, s["t2"], "unsatisfied")
        db.session.commit()
        s["t5"] = make.thread(author=r1, department=p, kind="comment")
        ops.dismiss_thread(sp, s["t5"], "感谢类留言")
        ops.dismiss_thread(sx, s["tx"], "无关内容")
        db.session.commit()
    with at(utc(2026, 3, 6, 2, 0)):
        s["t7"] = make.thread(author=r1, department=c)
    with at(utc(2026, 3, 6, 3, 0)):
        app.config["TRANSFER_APPROVAL"] = False  # the dispatcher's way is in tests/test_loop_metrics.py
        ops.transfer_thread(sc, s["t7"], p, "属县里职责")
        db.session.commit()
    with at(utc(2026, 3, 6, 23, 0)):  # Mar 7 local
        pC3 = make.post(author=sc, body="周末通知")
    with at(utc(2026, 3, 8, 17, 0)):  # Mar 9 01:00 local: after the period
        s["t12"] = make.thread(author=r2, department=c, kind="comment")
    with at(utc(2026, 3, 9, 1, 0)):
        pC4 = make.post(author=sc, body="期后微博")
    with at(utc(2026, 3, 9, 20, 0)):
        ops.reply_to_thread(sp, s["t4"], "迟到的答复")
        db.session.commit()

    db.session.add_all([
        PostViewDaily(post_id=pP1.id, day=date(2026, 3, 2), views=10),
        PostViewDaily(post_id=pP1.id, day=date(2026, 3, 8), views=5),
        PostViewDaily(post_id=pP1.id, day=date(2026, 3, 9), views=100),  # after the period
        PostViewDaily(post_id=pP0.id, day=date(2026, 3, 1), views=7),  # before the period
        PostViewDaily(post_id=pP0.id, day=date(2026, 3, 3), views=4),
        PostViewDaily(post_id=pC1.id, day=date(2026, 3, 5), views=3),
        Like(user_id=r1.id, post_id=pP1.id, created_at=utc(2026, 3, 2, 3, 0)),
        Like(user_id=r2.id, post_id=pP1.id, created_at=utc(2026, 3, 8, 16, 30)),  # Mar 9 local: out
        Like(user_id=r3.id, post_id=pP0.id, created_at=utc(2026, 3, 4, 0, 0)),
        Like(user_id=r1.id, post_id=pC4.id, created_at=utc(2026, 3, 9, 3, 0)),  # out
        Like(user_id=r2.id, post_id=pC1.id, created_at=utc(2026, 3, 6, 0, 0)),
        Repost(user_id=r1.id, post_id=pP2.id, created_at=utc(2026, 3, 3, 3, 0)),
        Repost(user_id=r2.id, post_id=pP2.id, created_at=utc(2026, 3, 1, 15, 0)),  # Mar 1 local: out
        Follow(user_id=r1.id, department_id=p.id, created_at=utc(2026, 2, 1)),
        Follow(user_id=r2.id, department_id=p.id, created_at=utc(2026, 3, 5)),
        Follow(user_id=r3.id, department_id=p.id, created_at=utc(2026, 3, 11)),  # after AS_OF
        Follow(user_id=r1.id, department_id=c.id, created_at=utc(2026, 3, 1)),
    ])
    db.session.commit()
    s.update(p=p, c=c, x=x, pP0=pP0, pP1=pP1, pP2=pP2, pC1=pC1, pC2=pC2, pC3=pC3, pC4=pC4)
    return s


def assert_fields(row: dict, expected: dict) -> None:
    assert set(expected) == set(FIELDS)
    for name, value in expected.items():
        if value is None or isinstance(value, int):
            assert row[name] == value, name
        else:
            assert row[name] == pytest.approx(value, abs=1e-4), name


def test_the_scenario_is_what_the_docstring_says(scenario):
    s = scenario
    assert s["t2"].due_at == utc(2026, 3, 12, 15, 59, 59)
    assert s["t2"].first_due_at == utc(2026, 3, 10, 15, 59, 59)
    assert s["t4"].first_due_at == utc(2026, 3, 9, 15, 59, 59)
    assert s["t11"].due_at == utc(2026, 3, 9, 15, 59, 59)
    assert s["t7"].department_id == s["p"].id and s["t7"].due_at == utc(2026, 3, 11, 15, 59, 59)
    assert s["t6"].due_at < AS_OF


def test_compute_metrics_without_roll_up(scenario):
    rows = compute_metrics(make_period(FROM, TO, AS_OF), subtree=False)
    by_slug = {r["department"]: r for r in rows}
    assert [r["department"] for r in rows] == ["county", "town", "quiet"]  # tree order
    assert by_slug["county"]["name"] == "清河县"
    assert_fields(by_slug["county"], EXPECTED_P)
    assert_fields(by_slug["town"], EXPECTED_C)
    assert_fields(by_slug["quiet"], EXPECTED_X)


def test_compute_metrics_with_subtree_roll_up(scenario):
    rows = compute_metrics(make_period(FROM, TO, AS_OF), subtree=True)
    by_slug = {r["department"]: r for r in rows}
    assert_fields(by_slug["county"], EXPECTED_P_SUBTREE)
    assert_fields(by_slug["town"], EXPECTED_C)  # a leaf rolls up to itself
    assert_fields(by_slug["quiet"], EXPECTED_X)


def test_compute_metrics_for_chosen_departments(scenario):
    rows = compute_metrics(make_period(FROM, TO, AS_OF), department_ids=[scenario["c"].id], subtree=True)
    assert [r["department"] for r in rows] == ["town"]
    assert_fields(rows[0], EXPECTED_C)


def test_no_threads_at_all_gives_null_rates(app, make):
    make.department(slug="empty", name="空部门")
    [row] = compute_metrics(make_period(FROM, TO, AS_OF))
    for name in ("reply_rate", "on_time_rate", "satisfaction_rate",
                 "median_first_response_hours", "p90_first_response_hours"):
        assert row[name] is None
    for name in set(FIELDS) - {"reply_rate", "on_time_rate", "satisfaction_rate",
                               "median_first_response_hours", "p90_first_response_hours"}:
        assert row[name] == 0


@pytest.mark.parametrize("query, expected", [
    ("&department=county&subtree=0", {"county": EXPECTED_P}),
    ("&department=county&subtree=1", {"county": EXPECTED_P_SUBTREE}),
    ("&department=town&subtree=1", {"town": EXPECTED_C}),
    ("", {"county": EXPECTED_P, "town": EXPECTED_C, "quiet": EXPECTED_X}),
    ("&subtree=true", {"county": EXPECTED_P_SUBTREE, "town": EXPECTED_C, "quiet": EXPECTED_X}),
])
def test_metrics_api(scenario, client, query, expected):
    with at(AS_OF):
        resp = client.get(f"/api/v1/metrics?{QUERY}{query}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["as_of"] == "2026-03-10T10:00:00+08:00"
    assert (body["from"], body["to"]) == ("2026-03-02", "2026-03-09")
    assert [d["department"] for d in body["departments"]] == list(expected)
    for row in body["departments"]:
        assert set(row) >= set(FIELDS) | {"department", "name"}
        assert_fields(row, expected[row["department"]])


def test_metrics_api_errors(scenario, client):
    assert client.get("/api/v1/metrics?from=2026-03-09&to=2026-03-02").status_code == 422
    resp = client.get("/api/v1/metrics?from=yesterday")
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "invalid_date"
    resp = client.get(f"/api/v1/metrics?{QUERY}&department=nowhere")
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "department_not_found"


@pytest.mark.parametrize("hours, median, p90", [
    ([5.0], 5.0, 5.0),
    ([1.0, 9.0], 5.0, 1 + 0.9 * 8),
    ([4.0, 1.0, 10.0], 4.0, 4 + 0.8 * 6),
    ([1.0, 2.0, 4.0, 8.0], 3.0, 4 + 0.7 * 4),  # position 2.5 and 3.7
    ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0], 6.0, 10.0),  # exact positions 6 and 10
])
def test_percentiles_interpolate_like_percentile_cont(app, make, hours, median, p90):
    dept = make.department()
    staff = make.staff(dept)
    opened = utc(2026, 3, 2, 1, 0)
    with at(opened):
        threads = [make.thread(department=dept) for _ in hours]
    for thread, h in zip(threads, hours, strict=True):
        with at(datetime.fromtimestamp(opened.timestamp() + h * 3600, UTC)):
            ops.reply_to_thread(staff, thread, "答复")
            db.session.commit()
    [row] = compute_metrics(make_period(FROM, TO, AS_OF), department_ids=[dept.id])
    assert row["answered"] == len(hours)
    assert row["median_first_response_hours"] == pytest.approx(median, abs=1e-4)
    assert row["p90_first_response_hours"] == pytest.approx(p90, abs=1e-4)


def listed_ids(page: str, kind: str) -> set[int]:
    return {int(n) for n in re.findall(rf'href="/{kind}/(\d+)"', page)}


@pytest.mark.parametrize("figure, dept, subtree, expected", [
    ("threads", "county", 0, ["t1", "t2", "t3", "t4", "t5", "t7"]),
    ("dismissed", "county", 1, ["t5", "t10"]),
    ("answered", "county", 1, ["t1", "t2", "t4", "t11", "t13"]),
    ("late", "county", 0, ["t3", "t4"]),  # t3: never answered and past due; t4: answered late
    ("late", "town", 0, ["t9"]),
    ("unanswered", "county", 0, ["t3", "t7"]),
    ("unanswered", "county", 1, ["t3", "t7", "t9"]),
    ("awaiting", "county", 0, ["t2", "t3", "t6", "t7"]),
    ("overdue", "county", 1, ["t3", "t6", "t9", "t11"]),
    ("overdue", "town", 1, ["t9", "t11"]),
    ("unanswered_posts", "county", 1, ["pP0", "pP1", "pC1"]),
    ("silent_posts", "county", 1, ["pC1"]),
    ("posts_published", "town", 0, ["pC1", "pC2", "pC3"]),
])
def test_dashboard_drill_down_lists_exactly_the_counted_rows(scenario, client, make, login, figure, dept,
                                                             subtree, expected):
    supervisor = make.user(Role.SUPERVISOR)
    with at(AS_OF):
        login(supervisor)
        resp = client.get(f"/dashboard/rows?figure={figure}&department={dept}&subtree={subtree}&{QUERY}")
        assert resp.status_code == 200
        kind = "p" if figure.endswith("posts") or figure == "posts_published" else "t"
        assert listed_ids(resp.get_data(as_text=True), kind) == {scenario[k].id for k in expected}
        # The same rows the service gives, and as many as the figure counts.
        period = make_period(FROM, TO, AS_OF)
        department = scenario["p"] if dept == "county" else scenario["c"]
        found = rows_behind(figure, period, department, bool(subtree))
        assert {r.id for r in found} == {scenario[k].id for k in expected}
        if figure in FIELDS:
            [row] = compute_metrics(period, department_ids=[department.id], subtree=bool(subtree))
            assert row[figure] == len(expected)


def test_dashboard_rows_refuse_unknown_figures_and_other_subtrees(scenario, client, make, login):
    town_supervisor = make.user(Role.SUPERVISOR, scenario["c"])
    with at(AS_OF):
        login(town_supervisor)
        assert client.get(f"/dashboard/rows?figure=bogus&{QUERY}").status_code == 404
        assert client.get(f"/dashboard/rows?figure=threads&department=county&{QUERY}").status_code == 403
        assert client.get(f"/dashboard/rows?figure=threads&{QUERY}").status_code == 403
        assert client.get(f"/dashboard/rows?figure=threads&department=town&{QUERY}").status_code == 200


def test_the_public_scoreboard_shows_the_same_figures(scenario, client):
    with at(AS_OF):
        page = client.get(f"/scoreboard?{QUERY}").get_data(as_text=True)
    rows = re.findall(
        r'<a href="/d/([a-z-]+)">[^<]*</a></th>\s*'
        r'<td class="num">([^<]*)</td>\s*<td class="num">([^<]*)</td>\s*'
        r'<td class="num">([^<]*)</td>\s*<td class="num">([^<]*)</td>',
        page,
    )
    # Ranked by reply rate; a department with no rate comes last.
    assert rows == [
        ("town", "66.7%", "66.7%", "1.5", "4"),
        ("county", "60.0%", "50.0%", "24.0", "6"),
        ("quiet", "—", "—", "—", "1"),
    ]
