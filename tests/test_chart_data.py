"""The dashboard's charts: first-response buckets counted by hand, the weekly overdue figure, and the
JSON data block and tables on the page holding the same numbers as the metrics.

Period: local dates 2025-03-03 .. 2025-03-10 (``to`` exclusive); AS_OF Wed 12 March 02:00 UTC.
Bureau A's threads, opened Monday 3 March from 02:00 UTC (10:00 local), first answered after:
  a1 1 h, a2 exactly 4 h, a3 3 h 59 min, a4 exactly 8 h, a5 30 h, a6 50 h, a7 exactly 120 h,
  a8 an interim reply after 2 h (a response; still awaiting, overdue at AS_OF);
  a9 never (overdue), a10 dismissed, a11 answered only after AS_OF, a12 opened before the period
  and answered in 1 h, a13 by telephone (channel "phone") answered in 6 h.
Bureau B: b1 answered in 2 h.
By hand, A: <4h a1 a3 a8 = 3; 4–8h a2 a13 = 2; 8–24h a4; 1–2 d a5; 2–5 d a6; ≥5 d a7: 9 responded.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.conftest import utc
from weibo_app.core.extensions import db
from weibo_app.dashboard.charts import chart_data
from weibo_app.metrics import facts
from weibo_app.metrics.distribution import BUCKET_KEYS, first_response_distribution
from weibo_app.metrics.figures import compute_metrics
from weibo_app.metrics.queries import make_period
from weibo_app.metrics.trends import weekly_trends
from weibo_app.models import Role, Thread
from weibo_app.threads import operations as ops

AS_OF = utc(2025, 3, 12, 2, 0)
FROM, TO = date(2025, 3, 3), date(2025, 3, 10)
OPEN = utc(2025, 3, 3, 2, 0)
LATE = AS_OF + timedelta(hours=2)  # after a11's answer, the last reply of the scene


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


class Scene:
    def __init__(self, make):
        with at(utc(2025, 1, 1, 0, 0)):
            self.county = make.department(slug="county", name="清河县")
            self.a = make.department(slug="bureau-a", name="教育局", parent=self.county)
            self.b = make.department(slug="bureau-b", name="交通局", parent=self.county)
            self.staff_a = make.staff(self.a)
            self.staff_b = make.staff(self.b)
            self.resident = make.user()
            self.sup = make.user(Role.SUPERVISOR, self.county)
        self.make = make

        def opened(moment=OPEN, dept=self.a, minutes=0):
            with at(moment + timedelta(minutes=minutes)):
                return make.thread(author=self.resident, department=dept)

        def answer(thread, after: timedelta, staff=self.staff_a, final=True):
            with at(thread.opened_at + after):
                ops.reply_to_thread(staff, thread, "答复", final=final)
                db.session.commit()

        h = lambda n: timedelta(hours=n)  # noqa: E731
        for i, after in enumerate([h(1), h(4), h(4) - timedelta(minutes=1), h(8), h(30), h(50), h(120)]):
            answer(opened(minutes=i), after)
        answer(opened(minutes=10), h(2), final=False)  # a8: interim only
        opened(minutes=11)  # a9
        a10 = opened(minutes=12)
        with at(OPEN + h(1)):
            ops.dismiss_thread(self.staff_a, a10, "重复留言")
            db.session.commit()
        answer(opened(minutes=13), AS_OF - OPEN + h(1))  # a11
        answer(opened(utc(2025, 2, 28, 2, 0)), h(1))  # a12
        a13 = opened(minutes=14)
        a13.channel = "phone"
        db.session.commit()
        answer(a13, h(6))
        answer(opened(dept=self.b, minutes=15), h(2), staff=self.staff_b)  # b1


@pytest.fixture
def scene(app, make):
    return Scene(make)


def counts(buckets: list[dict]) -> list[int]:
    assert [b["key"] for b in buckets] == list(BUCKET_KEYS)
    return [b["threads"] for b in buckets]


def test_buckets_match_the_hand_count(scene):
    period = make_period(FROM, TO, AS_OF)
    assert counts(first_response_distribution(period, scene.a)) == [3, 2, 1, 1, 1, 1]
    assert counts(first_response_distribution(period, scene.b)) == [1, 0, 0, 0, 0, 0]
    assert counts(first_response_distribution(period, scene.county)) == [4, 2, 1, 1, 1, 1]
    assert counts(first_response_distribution(period)) == [4, 2, 1, 1, 1, 1]
    assert counts(first_response_distribution(period, scene.a, channel="phone")) == [0, 1, 0, 0, 0, 0]
    assert counts(first_response_distribution(period, scene.a, channel="letter")) == [0] * 6


def test_bucket_totals_are_the_responded_figure(scene):
    """The same threads as the median and p90: their count is ``responded``."""
    period = make_period(FROM, TO, AS_OF)
    rows = {r["department"]: r for r in compute_metrics(period, subtree=True)}
    for dept in (scene.a, scene.b, scene.county):
        assert sum(counts(first_response_distribution(period, dept))) == rows[dept.slug]["responded"]
    assert rows["bureau-a"]["responded"] == 9


def test_settled_buckets_are_the_daily_counts_summed(scene, count_queries):
    """Once every reply is counted (the stored facts are settled), the buckets are the daily
    counts' finer buckets summed, without reading a thread: the hand count with each bound exact
    (a2 at 4 h in "4–8 h", a3 at 3 h 59 min below, a4 at 8 h, a7 at 120 h), a11 now in "≥ 5 d".
    A reply is counted at once, before the transaction commits."""
    period = make_period(FROM, TO, LATE)
    assert facts.settled(LATE)
    with count_queries() as counter:
        assert counts(first_response_distribution(period, scene.a)) == [3, 2, 1, 1, 1, 2]
    assert not [s for s in counter.statements if "FROM threads" in s]
    assert counts(first_response_distribution(period)) == [4, 2, 1, 1, 1, 2]
    assert counts(first_response_distribution(period, scene.county)) == [4, 2, 1, 1, 1, 2]
    assert counts(first_response_distribution(period, scene.a, channel="phone")) == [0, 1, 0, 0, 0, 0]
    rows = {r["department"]: r for r in compute_metrics(period, subtree=True)}
    assert sum(counts(first_response_distribution(period, scene.county))) == rows["county"]["responded"] == 11
    a9 = db.session.scalars(sa.select(Thread).where(Thread.department_id == scene.a.id,
                                                    Thread.opened_at == OPEN + timedelta(minutes=11))).one()
    with at(OPEN + timedelta(hours=3)):
        ops.reply_to_thread(scene.staff_a, a9, "答复")
        db.session.flush()  # not committed: the day's counts move in the same transaction
    assert counts(first_response_distribution(period)) == [5, 2, 1, 1, 1, 2]


def test_an_earlier_as_of_moves_threads_out(scene):
    """At Wed 5 March 04:00 UTC (50 h after opening) a6 and a7 are not yet answered."""
    period = make_period(FROM, TO, utc(2025, 3, 5, 4, 0))
    assert counts(first_response_distribution(period, scene.a)) == [3, 2, 1, 1, 0, 0]


def test_a_fixed_number_of_queries(scene, count_queries):
    period = make_period(FROM, TO, AS_OF)
    assert scene.a.path
    # One to read the revision of the data (metrics/memo.py), two to learn whether the stored
    # reply facts are settled at AS_OF (they are not, so nothing is remembered), one grouped query.
    with count_queries() as counter:
        first_response_distribution(period, scene.a)
    assert counter.count == 4
    with count_queries() as counter:  # both answers are known for the rest of the transaction
        first_response_distribution(period, scene.a)
    assert counter.count == 1


def test_weekly_overdue(scene):
    """Week of 3 March in A: 12 threads opened (a12 the week before); a8 and a9 overdue at AS_OF."""
    weeks = {w["week_start"]: w for w in weekly_trends(AS_OF, scene.a)}
    assert weeks[date(2025, 3, 3)]["threads"] == 12
    assert weeks[date(2025, 3, 3)]["overdue"] == 2
    assert weeks[date(2025, 2, 24)]["threads"] == 1
    assert weeks[date(2025, 2, 24)]["overdue"] == 0
    phone = {w["week_start"]: w for w in weekly_trends(AS_OF, scene.a, channel="phone")}
    assert (phone[date(2025, 3, 3)]["threads"], phone[date(2025, 3, 3)]["answered"]) == (1, 1)


def chart_block(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="dashboard-chart-data">(.*?)</script>', page, re.S)
    assert found, "no chart data on the page"
    return json.loads(found.group(1))


def test_the_page_carries_the_metrics_numbers(scene, client, login):
    query = f"from={FROM.isoformat()}&to={TO.isoformat()}"
    with at(AS_OF):
        login(scene.sup)
        page = client.get(f"/dashboard?{query}").get_data(as_text=True)
        focused = client.get(f"/dashboard?{query}&chart_department=bureau-a").get_data(as_text=True)
    rows = compute_metrics(make_period(FROM, TO, AS_OF), department_ids=[scene.county.id, scene.a.id, scene.b.id],
                           subtree=True)
    data = chart_block(page)
    assert data["compare"]["departments"] == [
        {k: r[k] for k in ("department", "name", "reply_rate", "on_time_rate", "responsiveness_index")} for r in rows
    ]
    assert data["distribution"]["department"] == "county"
    assert [b["threads"] for b in data["distribution"]["buckets"]] == [4, 2, 1, 1, 1, 1]
    assert [b["threads"] for b in chart_block(focused)["distribution"]["buckets"]] == [3, 2, 1, 1, 1, 1]
    assert chart_block(focused)["trend"]["department"] == "bureau-a"
    week = next(w for w in chart_block(focused)["trend"]["weeks"] if w["week_start"] == "2025-03-03")
    assert (week["threads"], week["overdue"]) == (12, 2)
    # The tables beside the charts print the same numbers, without JavaScript.
    table = focused[focused.index('id="chart-distribution-table"'):]
    table = table[:table.index("</table>")]
    assert re.findall(r'<td class="num">(\d+)</td>', table) == ["3", "2", "1", "1", "1", "1"]
    compare = page[page.index('id="chart-compare-table"'):]
    compare = compare[:compare.index("</table>")]
    assert "教育局" in compare and "<details" in page and 'role="img"' in page
    assert 'style="' not in page[page.index('id="charts-title"'):page.index('id="trends-title"')]


def test_a_department_outside_the_scope_is_refused(scene, client, login, make):
    with at(utc(2025, 1, 1, 0, 0)):
        other = make.department(slug="elsewhere", name="别处")
        sup_a = make.user(Role.SUPERVISOR, scene.a)
    login(sup_a)
    assert client.get(f"/dashboard?chart_department={other.slug}").status_code == 403
    assert client.get("/dashboard?chart_department=no-such-dept").status_code == 404
    assert client.get(f"/dashboard?chart_department={scene.a.slug}").status_code == 200


def test_the_charts_add_two_queries_to_the_dashboard(scene, count_queries):
    """The weekly trend and the buckets, each one grouped query; the comparison reuses the table's rows."""
    period = make_period(FROM, TO, AS_OF)
    rows = compute_metrics(period, subtree=True)
    assert scene.county.path and scene.a.path
    with count_queries() as counter:
        data = chart_data(period, rows, scene.county, focus=scene.a)
    assert counter.count == 2
    assert data["trend"]["department"] == data["distribution"]["department"] == "bureau-a"
    assert len(data["compare"]["departments"]) == len(rows)


def test_a_name_cannot_end_the_data_block(scene, client, login, make):
    """Department names go into the JSON block escaped: ``</script>`` in a name stays text."""
    with at(utc(2025, 1, 1, 0, 0)):
        make.department(slug="odd", name="</script><script>alert(1)</script>局", parent=scene.county)
    with at(AS_OF):
        login(scene.sup)
        page = client.get("/dashboard").get_data(as_text=True)
    names = [d["name"] for d in chart_block(page)["compare"]["departments"]]
    assert "</script><script>alert(1)</script>局" in names
    assert "<script>alert(1)" not in page
