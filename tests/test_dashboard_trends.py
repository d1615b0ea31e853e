"""Weekly trends on the dashboard: local weeks from Monday, threads opened, answered by as_of, reply rate —
numbers worked out by hand on a frozen scenario across two weeks."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine

from tests.conftest import utc
from weibo_app.core.extensions import db
from weibo_app.metrics.trends import bar_class, week_starts, weekly_trends
from weibo_app.models import Role
from weibo_app.threads import operations as ops


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


AS_OF = utc(2025, 3, 12, 2, 0)  # Wednesday 12 March, 10:00 in Shanghai


class Scene:
    def __init__(self, make):
        with at(utc(2025, 1, 1, 0, 0)):
            county = make.department(slug="county", name="清河县")
            self.a = make.department(slug="bureau-a", name="教育局", parent=county)
            self.b = make.department(slug="bureau-b", name="交通局", parent=county)
            sa_ = make.staff(self.a)
            r = make.user()
            self.sup_a = make.user(Role.SUPERVISOR, self.a)
            self.admin = make.user(Role.ADMIN)

        def opened(moment, dept=self.a):
            with at(moment):
                return make.thread(author=r, department=dept)

        def answer(thread, moment):
            with at(moment):
                ops.reply_to_thread(sa_, thread, "答复")
                db.session.commit()

        # Sunday 19 January 23:00 local: the day before the first of the 8 weeks — not counted.
        opened(utc(2025, 1, 19, 15, 0))
        # Monday 20 January 00:30 local (19 January 16:30 UTC): the first week.
        answer(opened(utc(2025, 1, 19, 16, 30)), utc(2025, 1, 20, 2, 0))
        # The week of 3 March: t1, t2 answered; t3 on Sunday 23:59 local still awaiting; t4 dismissed.
        answer(opened(utc(2025, 3, 3, 2, 0)), utc(2025, 3, 4, 2, 0))
        answer(opened(utc(2025, 3, 5, 2, 0)), utc(2025, 3, 5, 6, 0))
        opened(utc(2025, 3, 9, 15, 59))
        t4 = opened(utc(2025, 3, 6, 2, 0))
        with at(utc(2025, 3, 6, 3, 0)):
            ops.dismiss_thread(sa_, t4, "重复留言")
            db.session.commit()
        # The week of 10 March: t5 at 00:00:30 local Monday answered before as_of; t6 awaiting;
        # t7 answered only after as_of.
        answer(opened(utc(2025, 3, 9, 16, 0, 30)), utc(2025, 3, 12, 1, 0))
        opened(utc(2025, 3, 11, 2, 0))
        self.t7 = opened(utc(2025, 3, 11, 3, 0))
        answer(self.t7, utc(2025, 3, 12, 3, 0))
        # Another bureau, week of 3 March, awaiting: only in the unscoped figures.
        opened(utc(2025, 3, 4, 2, 0), self.b)


@pytest.fixture
def scene(app, make):
    return Scene(make)


def test_week_starts_are_local_mondays(app):
    starts = week_starts(AS_OF)
    assert starts == [date(2025, 1, 20) + timedelta(weeks=i) for i in range(8)]
    # Sunday 16:30 UTC is already Monday in Shanghai.
    assert week_starts(utc(2025, 3, 9, 16, 30))[-1] == date(2025, 3, 10)
    assert week_starts(utc(2025, 3, 9, 15, 59))[-1] == date(2025, 3, 3)


def test_weekly_numbers_by_hand(scene):
    rows = weekly_trends(AS_OF, scene.a)
    assert [r["week_start"] for r in rows] == week_starts(AS_OF)
    by_week = {r["week_start"]: (r["threads"], r["dismissed"], r["answered"], r["reply_rate"]) for r in rows}
    assert by_week[date(2025, 1, 20)] == (1, 0, 1, 1.0)
    assert by_week[date(2025, 3, 3)] == (4, 1, 2, pytest.approx(2 / 3))
    assert by_week[date(2025, 3, 10)] == (3, 0, 1, pytest.approx(1 / 3))
    for day in (date(2025, 1, 27), date(2025, 2, 3), date(2025, 2, 10), date(2025, 2, 17), date(2025, 2, 24)):
        assert by_week[day] == (0, 0, 0, None)


def test_unscoped_and_a_later_as_of(scene):
    rows = {r["week_start"]: r for r in weekly_trends(AS_OF)}
    assert (rows[date(2025, 3, 3)]["threads"], rows[date(2025, 3, 3)]["answered"]) == (5, 2)
    assert rows[date(2025, 3, 3)]["reply_rate"] == pytest.approx(2 / 4)
    # An hour later t7's answer counts; the window is still the same 8 weeks.
    later = {r["week_start"]: r for r in weekly_trends(utc(2025, 3, 12, 3, 0), scene.a)}
    assert later[date(2025, 3, 10)]["answered"] == 2


def test_a_fixed_number_of_queries(scene, count_queries):
    assert scene.a.path  # loaded before counting
    # One to read the revision of the data (metrics/memo.py), two to learn whether the stored
    # facts are settled at the moment judged (they are not: a thread here is answered after
    # AS_OF, so nothing is remembered), then one grouped pass over the threads.
    with count_queries() as counter:
        weekly_trends(AS_OF, scene.a)
    assert counter.count == 4
    # Judged after every write: settled (two), the next due or publishing time (one), and the
    # weeks as sums of the daily counts plus the overdue threads (two).
    with count_queries() as counter:
        weekly_trends(utc(2026, 1, 1), scene.a)
    assert counter.count == 5
    # The same weeks again, nothing written, no due time passed: remembered.
    with count_queries() as counter:
        again = weekly_trends(utc(2026, 1, 1, 1, 0), scene.a)
    assert counter.count == 0
    assert again == weekly_trends(utc(2026, 1, 1, 1, 0), scene.a)


def test_the_table_and_bars_on_the_dashboard(scene, client, login):
    with at(AS_OF):
        login(scene.sup_a)
        page = client.get("/dashboard").get_data(as_text=True)
    section = page[page.index('id="trends-title"'):page.index('id="overdue-title"')]
    rows = re.findall(
        r'<time datetime="([\d-]+)">.*?<td class="num">(\d+)</td>.*?bar (bar-w\d+).*?'
        r'<td class="num">(\d+)</td>\s*<td class="num">([^<]+)</td>.*?bar bar-rate (bar-w\d+)',
        section, re.S,
    )
    assert len(rows) == 8
    got = {r[0]: r[1:] for r in rows}
    # Threads bars relative to the busiest week (4); rate bars round to steps of 5.
    assert got["2025-03-03"] == ("4", "bar-w100", "2", "66.7%", "bar-w65")
    assert got["2025-03-10"] == ("3", "bar-w75", "1", "33.3%", "bar-w35")
    assert got["2025-01-20"] == ("1", "bar-w25", "1", "100.0%", "bar-w100")
    assert got["2025-02-10"] == ("0", "bar-w0", "0", "—", "bar-w0")
    assert 'style="' not in section


@pytest.mark.parametrize(("share", "cls"), [(None, "bar-w0"), (0, "bar-w0"), (0.024, "bar-w0"),
                                            (0.026, "bar-w5"), (0.5, "bar-w50"), (1, "bar-w100"), (1.2, "bar-w100")])
def test_bar_class(share, cls):
    assert bar_class(share) == cls
