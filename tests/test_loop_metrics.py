"""The figures cannot be raised without serving the resident: every closed-loop rule in a
frozen-clock scenario, each figure worked out by hand below.

Period: local Mar 2 .. Mar 9 2026 (``to`` exclusive); report time AS_OF = Tue Mar 10 02:00 UTC.
Every thread is a consultation opened on a board on Mon Mar 2 02:00 UTC, first due at the end
of Thu Mar 5 (15:59:59 UTC). Departments under one county: A (甲局), B (乙局), C (丙局).

A's threads (hours are first counted response − opening):
  i1  interim Mon 04:00 (2 h), final Tue 02:00                       → answered, on time
  e1  extension to Tue Mar 10 approved Wed; final Mon Mar 9 02:00 (168 h) → on time (extended)
  e2  extension to Wed Mar 11 rejected; never answered              → late, overdue
  e3  extension to Mar 25 refused (too far); final Wed 02:00 (48 h)  → on time
  h1  final Mon 03:00 held (sensitive word), released Fri 02:00 (96 h) → answered late
  k1  final Mon 06:00 (4 h); sent back Tue 02:00; final again Fri 02:00 → late (reworked)
  u1  urged Thu 01:00; final Thu 03:00 (73 h)                        → on time
  v1  final Mon 05:00 (3 h); resident 满意/solved Tue; visit Wed 不满意/not solved
      → awaiting again, due Mon Mar 9 → overdue at AS_OF; latest rating 不满意
  x2  transfer to B asked, rejected Tue; A answers Tue 06:00 (28 h)  → on time
  responded 8 (not e2), answered 8 → reply_rate 8/9; on-time base 9 (8 answered + e2), on time 6
  hours [2, 3, 4, 28, 48, 73, 96, 168]: median 38, p90 at 7.3 → 96 + 0.3 × 72 = 117.6
  awaiting e2 v1, both overdue; satisfaction 0/1; resolved 0/1
  index = 100 × (30 × 8/9 + 30 × 6/9 + 20 × 0 + 20 × 0) / 100 = 46.7
B: d1 dispatched to B Mon 04:00, never answered; p1 answered by A Mon 03:00, followed up
   Mon 05:00 (due Thu Mar 5), dispatched to B Tue 02:00 — A's answer does not count for B.
   threads 2, responded 0, answered 0, on time 0/2, both overdue, transfers 2; index 0.
C: x1 asked A→B Mon 03:00, approved to C Tue 02:00; C answers Wed 02:00 (48 h) → on time.
Posts: A last posted Sun Mar 8 00:00 UTC (2 days before AS_OF); B on Feb 20 (18 days: dormant);
C never (dormant).
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from weibo_app.core.exceptions import Invalid
from weibo_app.core.extensions import db
from weibo_app.metrics import daily, facts, upkeep
from weibo_app.metrics.figures import compute_metrics
from weibo_app.metrics.queries import make_period
from weibo_app.metrics.rows import rows_behind
from weibo_app.models import Reply, Thread, ThreadDay
from weibo_app.moderation.operations import add_sensitive_word, release_item
from weibo_app.threads import loop, routing
from weibo_app.threads import operations as ops

from .loop_world import LoopWorld, at, fresh, utc

AS_OF = utc(2026, 3, 10, 2, 0)
FROM, TO = date(2026, 3, 2), date(2026, 3, 9)


def step(moment, fn, *args, **kwargs):
    with at(moment):
        result = fn(*args, **kwargs)
        db.session.commit()
    return result


@pytest.fixture
def s(app, make):
    w = LoopWorld(make)
    with at(utc(2026, 2, 20, 2, 0)):
        make.post(author=w.staff_b, body="乙局旧微博")
        add_sensitive_word(w.admin, "敏感词")
        db.session.commit()
    with at(utc(2026, 3, 8, 0, 0)):
        make.post(author=w.staff_a, body="甲局近期微博")
    t = {}
    with at(utc(2026, 3, 2, 2, 0)):
        for name in ("i1", "e1", "e2", "e3", "h1", "k1", "u1", "v1", "x2", "d1", "p1", "x1"):
            t[name] = make.thread(author=w.resident, department=w.a)
    sa_, sup = w.staff_a, w.supervisor
    held = step(utc(2026, 3, 2, 3, 0), ops.reply_to_thread, sa_, t["h1"], "答复内容含敏感词")
    assert held.held_at is not None and held.visible_at is None
    assert t["h1"].state == "awaiting"  # a held answer answers nothing until released
    step(utc(2026, 3, 2, 3, 0), ops.reply_to_thread, sa_, t["p1"], "甲局的答复")
    x1_req = step(utc(2026, 3, 2, 3, 0), routing.request_transfer, sa_, t["x1"], w.b, "属乙局职责")
    x2_req = step(utc(2026, 3, 2, 3, 0), routing.request_transfer, sa_, t["x2"], w.b, "属乙局职责")
    step(utc(2026, 3, 2, 4, 0), ops.reply_to_thread, sa_, t["i1"], "已收到，正在核实", final=False)
    step(utc(2026, 3, 2, 4, 0), ops.transfer_thread, sup, t["d1"], w.b, "派单")
    step(utc(2026, 3, 2, 5, 0), ops.reply_to_thread, sa_, t["v1"], "已办结")
    step(utc(2026, 3, 2, 5, 0), ops.reply_to_thread, w.resident, t["p1"], "还有问题")
    step(utc(2026, 3, 2, 6, 0), ops.reply_to_thread, sa_, t["k1"], "敷衍的答复")
    with at(utc(2026, 3, 3, 2, 0)):
        ops.reply_to_thread(sa_, t["i1"], "办结答复")
        e1 = routing.request_extension(sa_, t["e1"], "2026-03-10", "需现场勘查")
        e2 = routing.request_extension(sa_, t["e2"], "2026-03-11", "需协调")
        with pytest.raises(Invalid):
            routing.request_extension(sa_, t["e3"], "2026-03-25", "太远")
        routing.approve_transfer(sup, x1_req, w.c)
        routing.reject_transfer(sup, x2_req, "本局职责")
        loop.rework_thread(sup, t["k1"], "未解决实际问题")
        ops.rate_thread(w.resident, t["v1"], "satisfied", resolved=True)
        ops.transfer_thread(sup, t["p1"], w.b, "派单")
        db.session.commit()
    step(utc(2026, 3, 3, 6, 0), ops.reply_to_thread, sa_, t["x2"], "本局答复")
    with at(utc(2026, 3, 4, 2, 0)):
        routing.approve_extension(sup, e1)
        routing.reject_extension(sup, e2, "时限内可办结")
        ops.reply_to_thread(sa_, t["e3"], "答复")
        ops.reply_to_thread(w.staff_c, t["x1"], "丙局答复")
        loop.record_visit(sup, t["v1"], resolved=False, rating="unsatisfied", channel="phone")
        db.session.commit()
    step(utc(2026, 3, 5, 1, 0), loop.urge_thread, sup, t["u1"], "请加快")
    step(utc(2026, 3, 5, 3, 0), ops.reply_to_thread, sa_, t["u1"], "答复")
    step(utc(2026, 3, 6, 2, 0), release_item, sup, held)
    step(utc(2026, 3, 6, 2, 0), ops.reply_to_thread, sa_, t["k1"], "重新办理结果")
    step(utc(2026, 3, 9, 2, 0), ops.reply_to_thread, sa_, t["e1"], "答复")
    return {"w": w, **t}


EXPECTED = {
    "dept-a": {
        "threads": 9, "dismissed": 0, "responded": 8, "answered": 8, "reply_rate": 8 / 9,
        "on_time_rate": 6 / 9, "median_first_response_hours": 38.0, "p90_first_response_hours": 117.6,
        "awaiting": 2, "overdue": 2, "satisfaction_rate": 0.0, "resolved_rate": 0.0,
        "extended": 1, "reworked": 1, "urged": 1, "transfers": 0, "visited": 1,
        "days_since_last_post": 2, "dormant": False, "responsiveness_index": 46.7,
    },
    "dept-b": {
        "threads": 2, "dismissed": 0, "responded": 0, "answered": 0, "reply_rate": 0.0,
        "on_time_rate": 0.0, "median_first_response_hours": None, "p90_first_response_hours": None,
        "awaiting": 2, "overdue": 2, "satisfaction_rate": None, "resolved_rate": None,
        "extended": 0, "reworked": 0, "urged": 0, "transfers": 2, "visited": 0,
        "days_since_last_post": 18, "dormant": True, "responsiveness_index": 0.0,
    },
    "dept-c": {
        "threads": 1, "dismissed": 0, "responded": 1, "answered": 1, "reply_rate": 1.0,
        "on_time_rate": 1.0, "median_first_response_hours": 48.0, "p90_first_response_hours": 48.0,
        "awaiting": 0, "overdue": 0, "satisfaction_rate": None, "resolved_rate": None,
        "extended": 0, "reworked": 0, "urged": 0, "transfers": 1, "visited": 0,
        "days_since_last_post": None, "dormant": True, "responsiveness_index": 100.0,
    },
}


def check(row: dict, expected: dict) -> None:
    for name, value in expected.items():
        if isinstance(value, float):
            assert row[name] == pytest.approx(value, abs=1e-4), name
        else:
            assert row[name] == value, name


@pytest.mark.parametrize("stored", [None, True, False], ids=["as-settled", "stored-facts", "from-the-rows"])
def test_every_loop_rule_in_the_figures(s, stored):
    # Every step above went through the services: the facts kept on the threads are settled by
    # AS_OF and give the same figures as the replies, extensions and events themselves.
    assert facts.settled(AS_OF) and not facts.settled(utc(2026, 3, 9, 1, 0))
    rows = {r["department"]: r for r in compute_metrics(make_period(FROM, TO, AS_OF), stored_facts=stored)}
    for slug, expected in EXPECTED.items():
        check(rows[slug], expected)


def test_the_api_gives_the_same_figures(s, client):
    with at(AS_OF):
        body = client.get("/api/v1/metrics?from=2026-03-02&to=2026-03-09").get_json()
    rows = {r["department"]: r for r in body["departments"]}
    for slug, expected in EXPECTED.items():
        check(rows[slug], expected)


def ids(figure, moment, department):
    return {r.id for r in rows_behind(figure, make_period(FROM, TO, moment), department, False)}


def test_the_drill_down_lists_the_rows_behind_each_loop_figure(s):
    w = s["w"]
    assert ids("late", AS_OF, w.a) == {s["e2"].id, s["h1"].id, s["k1"].id}
    assert ids("extended", AS_OF, w.a) == {s["e1"].id}
    assert ids("reworked", AS_OF, w.a) == {s["k1"].id}
    assert ids("urged", AS_OF, w.a) == {s["u1"].id}
    assert ids("visited", AS_OF, w.a) == {s["v1"].id}
    assert ids("transfers", AS_OF, w.b) == {s["d1"].id, s["p1"].id}
    assert ids("transfers", AS_OF, w.c) == {s["x1"].id}
    assert ids("unanswered", AS_OF, w.b) == {s["d1"].id, s["p1"].id}


def test_an_interim_reply_responds_but_does_not_answer(s):
    between = utc(2026, 3, 2, 12, 0)  # after i1's interim reply, before its final answer
    w = s["w"]
    assert s["i1"].id in ids("responded", between, w.a)
    assert s["i1"].id not in ids("answered", between, w.a)
    assert s["i1"].id in ids("answered", AS_OF, w.a)


def test_a_held_official_reply_counts_only_after_release(s):
    w = s["w"]
    before = utc(2026, 3, 5, 2, 0)
    assert s["h1"].id not in ids("responded", before, w.a) | ids("answered", before, w.a)
    assert s["h1"].id in ids("answered", AS_OF, w.a)


def test_a_reworked_answer_stops_counting_from_the_rework(s):
    w = s["w"]
    # Mon 12:00: k1's first answer counts; Wed: it was sent back Tue, the redo comes Fri.
    assert s["k1"].id in ids("answered", utc(2026, 3, 2, 12, 0), w.a)
    assert s["k1"].id not in ids("answered", utc(2026, 3, 4, 2, 0), w.a)
    assert s["k1"].id in ids("responded", utc(2026, 3, 4, 2, 0), w.a)


def test_the_previous_owners_answer_does_not_count(s):
    w = s["w"]
    # A's public final answer is on the thread, but the thread is B's now: it answers nothing for B.
    [answer] = db.session.scalars(sa.select(Reply).where(Reply.thread_id == s["p1"].id, Reply.official.is_(True)))
    assert (answer.final, answer.department_id, answer.visible_at is not None) == (True, w.a.id, True)
    assert s["p1"].id not in ids("responded", AS_OF, w.b)
    [row] = compute_metrics(make_period(FROM, TO, AS_OF), department_ids=[w.b.id])
    assert row["responded"] == 0


def test_the_index_formula_is_printed_where_the_index_is_shown(s, client, make, login):
    from weibo_app.models import Role

    with at(AS_OF):
        board = client.get("/scoreboard?from=2026-03-02&to=2026-03-09&rank=index").get_data(as_text=True)
        login(make.user(Role.SUPERVISOR))
        dash = client.get("/dashboard?from=2026-03-02&to=2026-03-09").get_data(as_text=True)
    for page in (board, dash):
        assert "30×回复率 + 30×按时回复率 + 20×满意率 + 20×解决率" in page
    # Ranked by the index: C (100) before A (46.7) before B (0).
    assert board.index("丙局") < board.index("甲局") < board.index("乙局")
    assert "僵尸号" in dash


def test_the_facts_kept_by_the_writes_are_what_a_fresh_reckoning_gives(s):
    """Every service above changed the threads' reply facts in its own transaction; recomputing
    them all from the rows changes nothing."""
    kept = sa.select(Thread.id, Thread.opened_day, *[getattr(Thread, name) for name in facts.COLUMNS]).order_by(Thread.id)
    days = sa.select(ThreadDay).order_by(ThreadDay.department_id, ThreadDay.day, ThreadDay.channel)
    before = db.session.execute(kept).all()
    counted = [_day_row(d) for d in db.session.scalars(days)]
    assert upkeep.refresh() == len(before)
    db.session.expire_all()
    assert db.session.execute(kept).all() == before
    assert [_day_row(d) for d in db.session.scalars(days)] == counted
    assert sum(d["threads"] for d in counted) == len(before) and any(d["reworked"] for d in counted)
    by_id = {row.id: row for row in before}
    assert by_id[s["k1"].id].loop_steps & facts.LOOP_BITS["reworked"]
    extended = utc(2026, 3, 10, 15, 59, 59)  # the approved day's end; the answer came on the 9th
    assert by_id[s["e1"].id].counted_due_at == by_id[s["e1"].id].counted_due_at_final == extended
    assert by_id[s["e2"].id].counted_due_at == fresh(s["e2"].id).first_due_at  # rejected: not moved
    assert by_id[s["h1"].id].counted_first_response_at == utc(2026, 3, 6, 2, 0)


def _day_row(day: ThreadDay) -> dict:
    return {name: getattr(day, name) for name in ("department_id", "day", "channel", *daily.COUNTS)}
