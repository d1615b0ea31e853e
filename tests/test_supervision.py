"""Supervision notices (督办单): who may issue, acknowledge and close; derived states on a moved clock;
notifications and audit rows; the same rules through the pages."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa
import time_machine

from tests.conftest import utc
from weibo_app.core.exceptions import Conflict, Forbidden, Invalid
from weibo_app.core.extensions import db
from weibo_app.models import AuditLog, Notification, Role, SupervisionNotice
from weibo_app.notifications.messages import describe, target_url
from weibo_app.supervision import operations as ops
from weibo_app.supervision.queries import counts_by_state, department_notices, pending_notices


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


MONDAY = utc(2025, 3, 3, 2, 0)  # Monday 10:00 in Shanghai; no holiday that week or the next


class World:
    def __init__(self, make):
        self.county = make.department(slug="county", name="清河县")
        self.a = make.department(slug="bureau-a", name="教育局", parent=self.county)
        self.b = make.department(slug="bureau-b", name="交通局", parent=self.county)
        self.staff_a = make.staff(self.a)
        self.head_a = make.staff(self.a, Role.DEPT_HEAD)
        self.staff_b = make.staff(self.b)
        self.sup_a = make.user(Role.SUPERVISOR, self.a)
        self.sup_b = make.user(Role.SUPERVISOR, self.b)
        self.sup_all = make.user(Role.SUPERVISOR)
        self.admin = make.user(Role.ADMIN)
        self.resident = make.user()
        self.thread_a = make.thread(author=self.resident, department=self.a)
        self.thread_b = make.thread(author=self.resident, department=self.b)


@pytest.fixture
def w(app, make):
    with at(MONDAY):
        return World(make)


def issue(actor, dept, deadline=2, thread=None, body="请于期限内办结并反馈。"):
    notice = ops.issue_notice(actor, dept, body, deadline, thread=thread)
    db.session.commit()
    return notice


# --- who may -------------------------------------------------------------------

@pytest.mark.parametrize("who", ["sup_a", "sup_all", "admin"])
def test_overseers_of_the_department_issue(w, who):
    with at(MONDAY):
        notice = issue(getattr(w, who), w.a)
    assert notice.department_id == w.a.id and notice.issued_by_id == getattr(w, who).id


@pytest.mark.parametrize("who", ["sup_b", "staff_a", "head_a", "resident"])
def test_others_may_not_issue(w, who):
    with at(MONDAY), pytest.raises(Forbidden):
        ops.issue_notice(getattr(w, who), w.a, "督办", 2)
    assert db.session.scalar(sa.select(sa.func.count(SupervisionNotice.id))) == 0


def test_a_supervisor_of_the_parent_oversees_the_child(w, make):
    sup_county = make.user(Role.SUPERVISOR, w.county)
    with at(MONDAY):
        assert issue(sup_county, w.b).department_id == w.b.id


def test_the_thread_must_belong_to_the_department(w):
    with at(MONDAY), pytest.raises(Invalid) as err:
        ops.issue_notice(w.sup_all, w.a, "督办", 2, thread=w.thread_b)
    assert err.value.code == "thread_not_in_department"


def test_body_and_deadline_are_checked(w):
    with at(MONDAY):
        with pytest.raises(Invalid):
            ops.issue_notice(w.sup_a, w.a, "   ", 2)
        with pytest.raises(Invalid):
            ops.issue_notice(w.sup_a, w.a, "督办", 0)
        with pytest.raises(Invalid):
            ops.issue_notice(w.sup_a, w.a, "督办", date(2025, 3, 2))  # yesterday
        with pytest.raises(Invalid):
            ops.issue_notice(w.sup_a, w.a, "字" * 2001, 2)


def test_deadline_as_working_days_or_local_date(w):
    with at(MONDAY):
        by_days = issue(w.sup_a, w.a, 2)
        by_date = issue(w.sup_a, w.a, date(2025, 3, 10))
        friday = issue(w.sup_a, w.a, 5)
    # Mon 3 March: 2 working days later is Wed 5 March, 23:59:59 in Shanghai.
    assert by_days.deadline == utc(2025, 3, 5, 15, 59, 59)
    assert by_date.deadline == utc(2025, 3, 10, 15, 59, 59)
    # 5 working days skip the weekend: Mon 10 March.
    assert friday.deadline == utc(2025, 3, 10, 15, 59, 59)


@pytest.mark.parametrize("who", ["staff_b", "sup_a", "admin", "resident"])
def test_only_staff_of_the_department_acknowledge(w, who):
    with at(MONDAY):
        notice = issue(w.sup_a, w.a)
        with pytest.raises(Forbidden):
            ops.acknowledge_notice(getattr(w, who), notice, "收到")


def test_acknowledge_once_with_a_response(w):
    with at(MONDAY):
        notice = issue(w.sup_a, w.a)
        with pytest.raises(Invalid):
            ops.acknowledge_notice(w.staff_a, notice, "  ")
        ops.acknowledge_notice(w.staff_a, notice, "已安排专人办理")
        db.session.commit()
        with pytest.raises(Conflict):
            ops.acknowledge_notice(w.head_a, notice, "再次签收")
    assert notice.response == "已安排专人办理" and notice.acknowledged_by_id == w.staff_a.id


@pytest.mark.parametrize("who", ["sup_b", "staff_a", "resident"])
def test_only_the_overseeing_side_closes(w, who):
    with at(MONDAY):
        notice = issue(w.sup_a, w.a)
        with pytest.raises(Forbidden):
            ops.close_notice(getattr(w, who), notice)


def test_close_once_and_no_acknowledging_after(w):
    with at(MONDAY):
        notice = issue(w.sup_a, w.a)
        ops.close_notice(w.sup_all, notice)
        db.session.commit()
        with pytest.raises(Conflict):
            ops.close_notice(w.sup_a, notice)
        with pytest.raises(Conflict):
            ops.acknowledge_notice(w.staff_a, notice, "收到")


# --- states on a moved clock -------------------------------------------------------

def test_states_follow_the_clock(w):
    with at(MONDAY):
        notice = issue(w.sup_a, w.a, 2)  # deadline Wed 5 March 15:59:59 UTC
    assert notice.state_at(utc(2025, 3, 5, 15, 59, 59)) == "open"
    assert notice.state_at(utc(2025, 3, 5, 16, 0)) == "overdue"
    with at(utc(2025, 3, 6, 1, 0)):
        ops.acknowledge_notice(w.staff_a, notice, "迟到的签收")
        db.session.commit()
    assert notice.state_at(utc(2025, 3, 6, 2, 0)) == "acknowledged"
    with at(utc(2025, 3, 7, 1, 0)):
        ops.close_notice(w.sup_a, notice)
        db.session.commit()
    assert notice.state_at(utc(2025, 3, 7, 2, 0)) == "closed"
    late = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "notice.acknowledge"))
    assert late.details == {"late": True}


def test_the_sql_state_agrees_with_the_python_state(w):
    with at(MONDAY):
        fresh = issue(w.sup_a, w.a, date(2025, 3, 20))
        late = issue(w.sup_a, w.a, 1)  # Tue 4 March 15:59:59 UTC
        acked = issue(w.sup_a, w.a, 1)
        shut = issue(w.sup_b, w.b, 1)
        ops.acknowledge_notice(w.staff_a, acked, "收到")
        ops.close_notice(w.sup_b, shut)
        db.session.commit()
    now = utc(2025, 3, 6, 0, 0)
    assert [n.state_at(now) for n in (fresh, late, acked, shut)] == ["open", "overdue", "acknowledged", "closed"]
    assert counts_by_state(None, now) == {"open": 1, "overdue": 1, "acknowledged": 1, "closed": 1}
    assert counts_by_state(w.a, now) == {"open": 1, "overdue": 1, "acknowledged": 1, "closed": 0}
    assert counts_by_state(w.b, now) == {"open": 0, "overdue": 0, "acknowledged": 0, "closed": 1}
    # Before the deadline the late one is still open.
    assert counts_by_state(w.a, utc(2025, 3, 4, 0, 0)) == {"open": 2, "overdue": 0, "acknowledged": 1, "closed": 0}
    assert [n.id for n in pending_notices(None, now)] == [late.id, fresh.id]
    assert [n.id for n in pending_notices(w.b, now)] == []
    # The department's own list: unacknowledged first (by deadline), then acknowledged; closed ones left out.
    assert [n.id for n in department_notices(w.a.id)] == [late.id, fresh.id, acked.id]


# --- notifications and audit --------------------------------------------------------

def _notes(kind):
    return list(db.session.scalars(sa.select(Notification).where(Notification.kind == kind).order_by(Notification.user_id)))


def test_notifications_and_audit_rows(app, w):
    with at(MONDAY):
        notice = issue(w.sup_a, w.a, 2)  # a notice on the department (a thread must be overdue first)
    issued = _notes("notice_issued")
    assert sorted(n.user_id for n in issued) == sorted([w.staff_a.id, w.head_a.id])
    assert issued[0].data["notice_id"] == notice.id
    with app.test_request_context():
        assert describe("notice_issued", issued[0].data) == f"本部门收到一张督办单（第{notice.id}号），请按期签收办理。"
        assert target_url("notice_issued", issued[0].data) == f"/notices/{notice.id}"
    with at(utc(2025, 3, 4, 1, 0)):
        ops.acknowledge_notice(w.head_a, notice, "收到")
        db.session.commit()
    acked = _notes("notice_acknowledged")
    assert [n.user_id for n in acked] == [w.sup_a.id]
    with app.test_request_context():
        assert describe("notice_acknowledged", acked[0].data) == f"教育局已签收第{notice.id}号督办单。"
    with at(utc(2025, 3, 5, 1, 0)):
        ops.close_notice(w.admin, notice)
        db.session.commit()
    assert sorted(n.user_id for n in _notes("notice_closed")) == sorted([w.staff_a.id, w.head_a.id])

    rows = db.session.execute(
        sa.select(AuditLog.action, AuditLog.actor_id, AuditLog.target_id, AuditLog.department_id)
        .where(AuditLog.target_type == "supervision_notice").order_by(AuditLog.id)
    ).all()
    assert [tuple(r) for r in rows] == [
        ("notice.issue", w.sup_a.id, notice.id, w.a.id),
        ("notice.acknowledge", w.head_a.id, notice.id, w.a.id),
        ("notice.close", w.admin.id, notice.id, w.a.id),
    ]


# --- the pages ----------------------------------------------------------------------

def _count():
    return db.session.scalar(sa.select(sa.func.count(SupervisionNotice.id)))


@pytest.mark.parametrize(("who", "status"), [("sup_a", 303), ("admin", 303), ("sup_b", 403),
                                             ("staff_a", 403), ("resident", 403)])
def test_issue_page(w, client, login, who, status):
    with at(MONDAY):
        login(getattr(w, who))
        resp = client.post("/notices/new", data={"department": "bureau-a", "body": "请尽快答复群众留言", "working_days": "3"})
    assert resp.status_code == status
    assert _count() == (1 if status == 303 else 0)
    if status == 303:
        notice = db.session.scalar(sa.select(SupervisionNotice))
        assert resp.headers["Location"].endswith(f"/notices/{notice.id}")
        assert notice.deadline == utc(2025, 3, 6, 15, 59, 59)


def test_issue_page_needs_a_deadline_and_takes_a_date(w, client, login):
    with at(MONDAY):
        login(w.sup_a)
        page = client.get("/notices/new?department=bureau-a")
        assert page.status_code == 200 and 'selected value="bureau-a"' in page.get_data(as_text=True)
        resp = client.post("/notices/new", data={"department": "bureau-a", "body": "督办"})
        assert resp.status_code == 422 and "请填写办理期限" in resp.get_data(as_text=True)
        resp = client.post("/notices/new", data={"department": "bureau-a", "body": "督办", "deadline_date": "2025-03-12"})
    assert resp.status_code == 303
    assert db.session.scalar(sa.select(SupervisionNotice.deadline)) == utc(2025, 3, 12, 15, 59, 59)


def test_the_department_list_is_the_supervisors_scope(w, client, login):
    login(w.sup_a)
    page = client.get("/notices/new").get_data(as_text=True)
    assert 'value="bureau-a"' in page and 'value="bureau-b"' not in page and 'value="county"' not in page


def test_issue_from_an_overdue_thread(w, client, login):
    # Opened Mon 3 March (consultation, 3 working days): due Thu 6 March 23:59:59; overdue on Friday.
    friday = utc(2025, 3, 7, 2, 0)
    with at(friday):
        login(w.sup_a)
        detail = client.get(f"/t/{w.thread_a.id}").get_data(as_text=True)
        assert f"/notices/new?thread={w.thread_a.id}" in detail
        form = client.get(f"/notices/new?thread={w.thread_a.id}").get_data(as_text=True)
        assert 'selected value="bureau-a"' in form and f'value="{w.thread_a.id}"' in form
        resp = client.post("/notices/new", data={"department": "bureau-a", "thread": str(w.thread_a.id),
                                                 "body": "该留言已超期", "working_days": "1"})
    assert resp.status_code == 303
    assert db.session.scalar(sa.select(SupervisionNotice.thread_id)) == w.thread_a.id
    with at(MONDAY):  # not overdue yet: no link
        login(w.sup_a)
        assert "/notices/new?thread=" not in client.get(f"/t/{w.thread_a.id}").get_data(as_text=True)
    with at(friday):  # not theirs: no link
        login(w.sup_b)
        assert "/notices/new?thread=" not in client.get(f"/t/{w.thread_a.id}").get_data(as_text=True)


@pytest.mark.parametrize(("who", "status"), [("staff_a", 303), ("head_a", 303), ("staff_b", 403),
                                             ("sup_a", 403), ("resident", 403)])
def test_acknowledge_page(w, client, login, who, status):
    with at(MONDAY):
        notice = issue(w.sup_a, w.a)
    login(getattr(w, who))
    resp = client.post(f"/notices/{notice.id}/acknowledge", data={"response": "已转交承办科室"})
    assert resp.status_code == status
    db.session.expire_all()
    assert (db.session.get(SupervisionNotice, notice.id).acknowledged_at is not None) == (status == 303)


def test_acknowledge_twice_shows_the_reason(w, client, login):
    with at(MONDAY):
        notice = issue(w.sup_a, w.a)
    login(w.staff_a)
    assert client.post(f"/notices/{notice.id}/acknowledge", data={"response": "收到"}).status_code == 303
    resp = client.post(f"/notices/{notice.id}/acknowledge", data={"response": "又收到"})
    assert resp.status_code == 422 and "督办单已签收" in resp.get_data(as_text=True)


@pytest.mark.parametrize(("who", "status"), [("sup_a", 303), ("admin", 303), ("sup_b", 403),
                                             ("staff_a", 403), ("resident", 403)])
def test_close_page(w, client, login, who, status):
    with at(MONDAY):
        notice = issue(w.sup_a, w.a)
    login(getattr(w, who))
    assert client.post(f"/notices/{notice.id}/close").status_code == status


def test_detail_page_shows_the_right_forms(w, client, login):
    with at(MONDAY):
        notice = issue(w.sup_a, w.a, body="请核查<b>留言</b>")
    login(w.staff_a)
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert f"/notices/{notice.id}/acknowledge" in page and f"/notices/{notice.id}/close" not in page
    assert "请核查&lt;b&gt;留言&lt;/b&gt;" in page
    login(w.sup_a)
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert f"/notices/{notice.id}/acknowledge" not in page and f"/notices/{notice.id}/close" in page
    login(w.staff_b)
    assert client.get(f"/notices/{notice.id}").status_code == 403
    login(w.resident)
    assert client.get(f"/notices/{notice.id}").status_code == 403
    assert client.get("/notices/999999").status_code == 404


def test_inbox_lists_the_departments_notices_unacknowledged_first(w, client, login):
    with at(MONDAY):
        acked = issue(w.sup_a, w.a, 1, body="第一张")
        ops.acknowledge_notice(w.staff_a, acked, "收到")
        later = issue(w.sup_a, w.a, 5, body="第二张")
        sooner = issue(w.sup_a, w.a, 2, body="第三张")
        shut = issue(w.sup_a, w.a, 2, body="第四张")
        ops.close_notice(w.sup_a, shut)
        other = issue(w.sup_b, w.b, 2, body="别的部门")
        db.session.commit()
    with at(utc(2025, 3, 4, 2, 0)):
        login(w.staff_a)
        page = client.get("/inbox").get_data(as_text=True)
    assert "别的部门" not in page and "第四张" not in page
    assert page.index("第三张") < page.index("第二张") < page.index("第一张") < page.index("待回复留言")
    assert f"/notices/{other.id}" not in page and f"/notices/{sooner.id}" in page and f"/notices/{later.id}" in page
    assert "待签收" in page and "已签收" in page


def test_notices_page_for_overseers_only(w, client, login):
    with at(MONDAY):
        mine = issue(w.sup_a, w.a, body="教育局的")
        theirs = issue(w.sup_b, w.b, body="交通局的")
    login(w.sup_a)
    page = client.get("/notices").get_data(as_text=True)
    assert f"/notices/{mine.id}" in page and f"/notices/{theirs.id}" not in page
    login(w.admin)
    page = client.get("/notices").get_data(as_text=True)
    assert f"/notices/{mine.id}" in page and f"/notices/{theirs.id}" in page
    login(w.staff_a)
    assert client.get("/notices").status_code == 403
