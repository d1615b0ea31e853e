"""Due times (办理时限): the end, 23:59:59 Asia/Shanghai, of the Nth working day after
the opening day, on the official calendar with its adjusted working weekends (调休).

The calendar facts used below were checked against chinesecalendar 1.11.0:
春节 2026 is Feb 15–23 off with Sat Feb 14 and Sat Feb 28 worked; 国庆 2026 is
Oct 1–7 off with Sat Oct 10 worked; 2027 is not covered by the package.
"""

from datetime import UTC, date, datetime

import chinese_calendar
import pytest
import time_machine

from weibo_app.calendar.overrides import set_override
from weibo_app.calendar.workdays import due_after, nth_working_day_after, package_covers, uncovered_years
from weibo_app.core.extensions import db
from weibo_app.models import HolidayOverride, Role


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def end_of_local_day(y: int, m: int, d: int) -> datetime:
    """23:59:59 in Shanghai (UTC+8, no DST) as UTC."""
    return utc(y, m, d, 15, 59, 59)


def test_calendar_facts_the_cases_rely_on():
    off = [date(2026, 2, d) for d in range(15, 24)] + [date(2026, 10, d) for d in range(1, 8)]
    assert not any(chinese_calendar.is_workday(d) for d in off)
    for worked_weekend in (date(2026, 2, 14), date(2026, 2, 28), date(2026, 10, 10)):
        assert worked_weekend.weekday() == 5
        assert chinese_calendar.is_workday(worked_weekend)
    assert package_covers(2026) and not package_covers(2027)


@pytest.mark.parametrize(
    "opened, n, due_day",
    [
        # Fri Feb 13 (local): Sat 14 worked (1), festival, Tue 24 (2), Wed 25 (3).
        (utc(2026, 2, 13, 2, 0), 3, (2026, 2, 25)),
        # Thu Feb 12: Fri 13, Sat 14, Tue 24, Wed 25, Thu 26.
        (utc(2026, 2, 12, 2, 0), 5, (2026, 2, 26)),
        # Wed Feb 25: Thu 26, Fri 27, Sat 28 (adjusted working Saturday counts).
        (utc(2026, 2, 25, 2, 0), 3, (2026, 2, 28)),
        # Opened during the festival (Mon Feb 16): Tue 24, Wed 25, Thu 26.
        (utc(2026, 2, 16, 2, 0), 3, (2026, 2, 26)),
        # Wed Sep 30: 国庆 Oct 1–7 off, Thu 8, Fri 9, Sat 10 (worked).
        (utc(2026, 9, 30, 2, 0), 3, (2026, 10, 10)),
        # Wed Sep 30, five days: Oct 8, 9, 10, then Mon 12, Tue 13 (Sun 11 off).
        (utc(2026, 9, 30, 2, 0), 5, (2026, 10, 13)),
        # Opened on the worked Saturday Oct 10: that day is not counted: Mon 12, Tue 13, Wed 14.
        (utc(2026, 10, 10, 2, 0), 3, (2026, 10, 14)),
        # 2026-02-13 15:59 UTC is still Fri 23:59 local: same as the first case.
        (utc(2026, 2, 13, 15, 59), 3, (2026, 2, 25)),
        # 2026-02-13 16:30 UTC is already Sat Feb 14 00:30 local: Tue 24, Wed 25, Thu 26.
        (utc(2026, 2, 13, 16, 30), 3, (2026, 2, 26)),
        # 2027 is not covered: weekends only (New Year's Day counts as a working day).
        # Thu Dec 31 2026 (covered) → Fri Jan 1 2027, Mon Jan 4, Tue Jan 5.
        (utc(2026, 12, 31, 2, 0), 3, (2027, 1, 5)),
        # Fri Jan 1 2027: Mon 4, Tue 5, Wed 6.
        (utc(2027, 1, 1, 2, 0), 3, (2027, 1, 6)),
    ],
)
def test_due_after(app, opened, n, due_day):
    assert due_after(opened, n) == end_of_local_day(*due_day)


def test_due_is_end_of_day_local_whatever_the_hour(app):
    morning = due_after(utc(2026, 3, 2, 0, 5), 3)  # Mon 08:05 local
    evening = due_after(utc(2026, 3, 2, 15, 0), 3)  # Mon 23:00 local
    assert morning == evening == end_of_local_day(2026, 3, 5)
    assert due_after(utc(2026, 3, 2, 0, 5), 3).astimezone(UTC).second == 59


def test_override_changes_2027_and_wins_over_weekends(app, make):
    admin = make.user(Role.ADMIN)
    assert nth_working_day_after(date(2027, 1, 1), 3) == date(2027, 1, 6)
    set_override(admin, date(2027, 1, 4), False, "元旦调休")
    db.session.commit()
    # Mon Jan 4 is now a rest day: Tue 5, Wed 6, Thu 7.
    assert due_after(utc(2027, 1, 1, 2, 0), 3) == end_of_local_day(2027, 1, 7)
    # A Saturday declared a working day counts.
    set_override(admin, date(2027, 1, 9), True, "调休上班")
    db.session.commit()
    # From Wed Jan 6: Thu 7, Fri 8, Sat 9 (worked).
    assert nth_working_day_after(date(2027, 1, 6), 3) == date(2027, 1, 9)


def test_override_also_wins_in_a_covered_year(app, make):
    admin = make.user(Role.ADMIN)
    set_override(admin, date(2026, 2, 24), False, "临时放假")
    db.session.commit()
    # Fri Feb 13: Sat 14, (24 now off), Wed 25, Thu 26.
    assert due_after(utc(2026, 2, 13, 2, 0), 3) == end_of_local_day(2026, 2, 26)


def test_uncovered_years_until_an_override_row_exists(app, make):
    assert uncovered_years([2026, 2027]) == [2027]
    admin = make.user(Role.ADMIN)
    set_override(admin, date(2027, 10, 1), False, "国庆")
    db.session.commit()
    assert uncovered_years([2026, 2027]) == []
    assert uncovered_years([2028]) == [2028]


def test_thread_due_times_follow_the_calendar_and_the_kind(app, make):
    dept = make.department()
    with time_machine.travel(utc(2026, 9, 30, 1, 0), tick=False):
        post = make.post(department=dept)
        consult = make.thread(post=post, kind="consultation")
        complaint = make.thread(post=post, kind="complaint")
        comment = make.thread(post=post, kind="comment")
    assert consult.due_at == consult.first_due_at == end_of_local_day(2026, 10, 10)
    assert complaint.due_at == end_of_local_day(2026, 10, 13)
    assert comment.due_at == end_of_local_day(2026, 10, 13)


def test_late_night_utc_thread_through_the_api(app, client, make, api_headers):
    dept = make.department()
    resident = make.user()
    headers = api_headers(resident)
    with time_machine.travel(utc(2026, 2, 13, 16, 30), tick=False):
        resp = client.post(f"/api/v1/departments/{dept.slug}/threads",
                           json={"body": "春节期间能办证吗", "kind": "help"}, headers=headers)
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["opened_at"] == "2026-02-14T00:30:00+08:00"
    assert body["due_at"] == "2026-02-26T23:59:59+08:00"


def test_dashboard_warns_about_an_uncovered_year(app, client, make, login):
    supervisor = make.user(Role.SUPERVISOR)
    warning = "2027年的节假日安排尚未录入"
    with time_machine.travel(utc(2026, 11, 2, 4, 0), tick=False):
        login(supervisor)  # the session cookie is signed with the (travelled) time
        page = client.get("/dashboard").get_data(as_text=True)
        assert warning in page
        db.session.add(HolidayOverride(day=date(2027, 1, 1), is_workday=False, note="元旦"))
        db.session.commit()
        page = client.get("/dashboard").get_data(as_text=True)
        assert warning not in page
