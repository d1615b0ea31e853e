"""The legal clock of information requests, checked against due dates worked out by hand on
the official 2026 calendar (chinese-calendar's data for 2026):

- 清明: 4–6 April (Sat–Mon) are rest days; no adjusted working day.
- 劳动节: 1–5 May (Fri–Tue) are rest days; Saturday 9 May is a working day.
- 端午: 19–21 June (Fri–Sun) are rest days.
- 中秋 and 国庆: 25–27 September and 1–7 October are rest days; Sunday 20 September and
  Saturday 10 October are working days.

Each test says its count, one line per run of working days: "Mar 24–27 (1–4)" means
24, 25, 26 and 27 March are the 1st to the 4th working day after the day of receipt.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from weibo_app.calendar.workdays import count_working_days
from weibo_app.core.exceptions import Conflict
from weibo_app.core.extensions import db
from weibo_app.disclosure import deadlines
from weibo_app.disclosure import operations as ops
from weibo_app.models import RequestState, Role

SHANGHAI = ZoneInfo("Asia/Shanghai")


@contextmanager
def on(day: date, hour: int = 10):
    """Freeze the clock at ``hour`` local time on ``day``."""
    with time_machine.travel(datetime.combine(day, time(hour), tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def w(app, make):
    class W:
        pass

    w = W()
    w.dept = make.department(slug="jiaoyu", name="教育局")
    w.staff = make.staff(w.dept)
    w.head = make.staff(w.dept, Role.DEPT_HEAD)
    w.resident = make.user()
    return w


def file_on(w, day: date, hour: int = 10):
    with on(day, hour):
        req = ops.file_request(w.resident, w.dept, applicant_type="person", name="张三", phone="13800000000",
                               description="请公开2026年学区划分方案。", delivery="email")
        db.session.commit()
    return req


def test_qingming_due_date(w):
    # Received Mon 23 Mar. Mar 24–27 (1–4), Mar 30–Apr 3 (5–9), Apr 4–6 清明 rest,
    # Apr 7–10 (10–13), Apr 13–17 (14–18), Apr 20 (19), Apr 21 (20): due Tue 21 April.
    req = file_on(w, date(2026, 3, 23))
    assert req.received_on == date(2026, 3, 23)
    assert req.due_on == date(2026, 4, 21)
    assert req.number == "2026-jiaoyu-0001"


def test_labour_day_due_date_counts_the_adjusted_saturday(w):
    # Received Fri 24 Apr. Apr 27–30 (1–4), May 1–5 劳动节 rest, May 6–8 (5–7), Sat May 9 调休 (8),
    # May 11–15 (9–13), May 18–22 (14–18), May 25 (19), May 26 (20): due Tue 26 May.
    assert file_on(w, date(2026, 4, 24)).due_on == date(2026, 5, 26)


def test_national_day_due_date(w):
    # Received Fri 18 Sep. Sun Sep 20 调休 (1), Sep 21–24 (2–5), Sep 25–27 中秋 rest, Sep 28–30 (6–8),
    # Oct 1–7 国庆 rest, Oct 8–9 (9–10), Sat Oct 10 调休 (11), Oct 12–16 (12–16), Oct 19–22 (17–20):
    # due Thu 22 October.
    assert file_on(w, date(2026, 9, 18)).due_on == date(2026, 10, 22)


def test_a_request_received_on_a_rest_day_counts_from_that_day(w):
    # Filed online on Sat 2 May (劳动节): received that day; the next working day is day 1.
    # May 6–8 (1–3), Sat May 9 (4), May 11–15 (5–9), May 18–22 (10–14), May 25–29 (15–19),
    # Jun 1 (20): due Mon 1 June.
    req = file_on(w, date(2026, 5, 2), hour=21)
    assert req.received_on == date(2026, 5, 2)
    assert req.due_on == date(2026, 6, 1)


def test_the_local_day_decides_not_the_utc_day(w):
    # 00:30 on Tue 24 Mar in Beijing is still Monday 23 Mar in UTC: the request is received on the 24th.
    # Mar 25–27 (1–3), Mar 30–Apr 3 (4–8), Apr 7–10 (9–12), Apr 13–17 (13–17), Apr 20–22 (18–20).
    with time_machine.travel(datetime(2026, 3, 24, 0, 30, tzinfo=SHANGHAI), tick=False):
        req = ops.file_request(w.resident, w.dept, applicant_type="person", name="张三", phone="1",
                               description="x", delivery="email")
    assert req.received_on == date(2026, 3, 24)
    assert req.due_on == date(2026, 4, 22)


def test_correction_stops_the_clock_and_restarts_it_from_the_correction_day(w):
    # Received Mon 23 Mar (due Apr 21). The notice window is 7 working days: Mar 24–27, Mar 30–Apr 1,
    # so the last day is Wed 1 April.
    req = file_on(w, date(2026, 3, 23))
    assert deadlines.correction_window_end(req.received_on) == date(2026, 4, 1)
    with on(date(2026, 3, 30)):
        ops.ask_correction(w.staff, req, "请说明所需信息的年份。")
        db.session.commit()
    # Default deadline, 15 working days after Mon 30 Mar: Mar 31–Apr 3 (1–4), Apr 7–10 (5–8),
    # Apr 13–17 (9–13), Apr 20–21 (14–15): Tue 21 April. Meanwhile no due date runs.
    assert req.state == RequestState.AWAITING_CORRECTION
    assert req.correction_deadline == date(2026, 4, 21)
    assert req.due_on is None
    # Corrected Thu 9 Apr, the new day of receipt: Apr 10 (1), Apr 13–17 (2–6), Apr 20–24 (7–11),
    # Apr 27–30 (12–15), May 1–5 rest, May 6–8 (16–18), Sat May 9 (19), Mon May 11 (20).
    with on(date(2026, 4, 9)):
        ops.submit_correction(w.resident, req, "需要2026年的方案。")
        db.session.commit()
    assert (req.state, req.received_on, req.filed_on) == (RequestState.RECEIVED, date(2026, 4, 9), date(2026, 3, 23))
    assert req.due_on == date(2026, 5, 11)
    with on(date(2026, 4, 10)), pytest.raises(Conflict):
        ops.ask_correction(w.staff, req, "再次补正")  # once only


def test_correction_notice_after_seven_working_days_is_refused(w):
    req = file_on(w, date(2026, 3, 23))
    with on(date(2026, 4, 2)), pytest.raises(Conflict):  # the 8th working day after 23 March
        ops.ask_correction(w.staff, req, "请补正")


def test_not_corrected_by_the_deadline_closes_only_after_it(w):
    req = file_on(w, date(2026, 3, 23))
    with on(date(2026, 3, 30)):
        ops.ask_correction(w.staff, req, "请补正")
        db.session.commit()
    with on(date(2026, 4, 21)), pytest.raises(Conflict):  # the deadline day itself is still the applicant's
        ops.answer_request(w.staff, req, "other_no_correction", "逾期未补正。")
    db.session.rollback()
    with on(date(2026, 4, 22)):
        with pytest.raises(Conflict):
            ops.submit_correction(w.resident, req, "迟到的补正")
        ops.answer_request(w.staff, req, "other_no_correction", "您未在期限内补正，本机关不再处理该申请。")
        db.session.commit()
    assert (req.state, req.outcome, req.answered_on) == (RequestState.CLOSED, "other_no_correction", date(2026, 4, 22))


def test_third_party_days_move_the_due_date(w):
    # Received Fri 18 Sep: due Thu 22 Oct (see test_national_day_due_date).
    req = file_on(w, date(2026, 9, 18))
    with on(date(2026, 9, 22)):
        ops.consult_third_party(w.staff, req, "某建筑公司")
        db.session.commit()
    # Until it answers, its whole limit is set aside: 15 working days, so 35 after 18 Sep.
    # After Oct 22 (20): Oct 23 (21), Oct 26–30 (22–26), Nov 2–6 (27–31), Nov 9–12 (32–35): Thu 12 Nov.
    assert deadlines.third_party_limit(date(2026, 9, 22)) == date(2026, 10, 20)
    assert (req.state, req.third_party_days, req.due_on) == (RequestState.THIRD_PARTY, 15, date(2026, 11, 12))
    # It answers Fri 9 Oct. Days after Tue 22 Sep through 9 Oct: Sep 23–24, Sep 28–30, Oct 8–9 = 7.
    # 27 working days after 18 Sep: Oct 23 (21), Oct 26–30 (22–26), Mon Nov 2 (27).
    with on(date(2026, 10, 9)):
        ops.record_third_party_reply(w.staff, req)
        db.session.commit()
    assert (req.state, req.third_party_days, req.due_on) == (RequestState.RECEIVED, 7, date(2026, 11, 2))


def test_a_late_third_party_answer_sets_aside_only_its_limit(w):
    req = file_on(w, date(2026, 9, 18))
    with on(date(2026, 9, 22)):
        ops.consult_third_party(w.staff, req, "某建筑公司")
        db.session.commit()
    with on(date(2026, 10, 23)):  # after the limit (Tue 20 Oct): still 15 days
        ops.record_third_party_reply(w.staff, req)
        db.session.commit()
    assert (req.third_party_days, req.due_on) == (15, date(2026, 11, 12))


def test_extension_adds_twenty_working_days_once(w):
    # Received Fri 24 Apr: due Tue 26 May. Extended by 20: the 40th working day after 24 Apr.
    # May 27–29 (21–23), Jun 1–5 (24–28), Jun 8–12 (29–33), Jun 15–18 (34–37), Jun 19–21 端午 rest,
    # Jun 22–24 (38–40): Wed 24 June.
    req = file_on(w, date(2026, 4, 24))
    with on(date(2026, 5, 20)):
        ops.extend_request(w.head, req, "需要调取档案。")
        db.session.commit()
        assert (req.extended, req.due_on) == (True, date(2026, 6, 24))
        with pytest.raises(Conflict):
            ops.extend_request(w.head, req, "再延一次")


def test_working_day_count_and_lights(app):
    # (30 Apr, 9 May]: May 6, 7, 8 and the adjusted Saturday 9 May.
    assert count_working_days(date(2026, 4, 30), date(2026, 5, 9)) == 4
    # On Thu 30 Apr the last three working days run through Fri 8 May (Apr 30, May 6, May 7):
    # due on 7 May is yellow, due 8 May is still green, due 29 Apr is red.
    before = deadlines.yellow_before(date(2026, 4, 30))
    assert before == date(2026, 5, 8)
    assert deadlines.light(date(2026, 5, 7), date(2026, 4, 30), before) == "yellow"
    assert deadlines.light(date(2026, 5, 8), date(2026, 4, 30), before) == "green"
    assert deadlines.light(date(2026, 4, 29), date(2026, 4, 30), before) == "red"
