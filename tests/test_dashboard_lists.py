"""The dashboard below the metrics table: overdue threads, unanswered posts and supervision notices,
exactly the rows computed by hand, within the supervisor's scope, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine

from tests.conftest import utc
from weibo_app.core.extensions import db
from weibo_app.metrics.queries import make_period
from weibo_app.metrics.rows import rows_behind
from weibo_app.models import Role
from weibo_app.supervision import operations as notices
from weibo_app.threads import operations as ops


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


AS_OF = utc(2025, 3, 12, 2, 0)  # Wednesday 10:00 in Shanghai


class Scene:
    def __init__(self, make):
        with at(utc(2025, 3, 3, 0, 0)):
            county = make.department(slug="county", name="清河县")
            self.a = make.department(slug="bureau-a", name="教育局", parent=county)
            self.b = make.department(slug="bureau-b", name="交通局", parent=county)
            sa_, sb = make.staff(self.a), make.staff(self.b)
            r = make.user()
            self.sup_a = make.user(Role.SUPERVISOR, self.a)
            self.sup_b = make.user(Role.SUPERVISOR, self.b)
            self.admin = make.user(Role.ADMIN)
        with at(utc(2025, 3, 3, 1, 0)):
            self.pA1 = make.post(author=sa_, body="教育局微博一")
            self.pB1 = make.post(author=sb, body="交通局微博一")
        with at(utc(2025, 3, 3, 1, 30)):
            self.pA2 = make.post(author=sa_, body="教育局微博二")
        # Consultation: 3 working days; complaint: 5 (Mon 3 March → Thu 6 / Mon 10 March, 23:59:59 local).
        with at(utc(2025, 3, 3, 2, 0)):
            self.x1 = make.thread(author=r, post=self.pA1)
        with at(utc(2025, 3, 3, 3, 0)):
            self.x2 = make.thread(author=r, post=self.pA1, kind="complaint")
        with at(utc(2025, 3, 3, 4, 0)):
            self.x3 = make.thread(author=r, post=self.pA2)
        with at(utc(2025, 3, 3, 5, 0)):
            self.x6 = make.thread(author=r, post=self.pB1)
        with at(utc(2025, 3, 4, 2, 0)):
            ops.reply_to_thread(sa_, self.x3, "已答复")
            db.session.commit()
            self.x5 = make.thread(author=r, department=self.a)  # message board, due Fri 7 March
        with at(utc(2025, 3, 11, 2, 0)):
            self.x4 = make.thread(author=r, post=self.pA2)  # due Fri 14 March: awaiting, not overdue


@pytest.fixture
def scene(app, make):
    return Scene(make)


def _section(page: str, start: str, end: str | None) -> str:
    begin = page.index(f'id="{start}"')
    return page[begin:page.index(f'id="{end}"')] if end else page[begin:]


def _dashboard(client, login, user) -> str:
    with at(AS_OF):
        login(user)
        resp = client.get("/dashboard")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_overdue_and_unanswered_for_an_admin(scene, client, login):
    page = _dashboard(client, login, scene.admin)
    overdue = _section(page, "overdue-title", "unanswered-title")
    # Oldest due first: x1 and x6 both due 6 March 15:59:59 UTC (x1 first by id), x5 7 March, x2 10 March.
    ids = [int(i) for i in re.findall(r'href="/t/(\d+)"', overdue)]
    assert ids == [scene.x1.id, scene.x6.id, scene.x5.id, scene.x2.id]
    assert "交通局" in overdue and "投诉" in overdue
    # x1 was due 6 March 23:59:59 local: 5 days 10 hours before 12 March 10:00 local.
    assert "5天" in overdue
    assert "figure=overdue" in overdue and "department=" not in overdue

    unanswered = _section(page, "unanswered-title", "notices-title")
    rows = re.findall(r'href="/p/(\d+)".*?<td class="num">(\d+)</td>', unanswered, re.S)
    # Newest published first (pA1 and pB1 at the same moment: the later id first);
    # awaiting threads: pA2 has x4, pB1 has x6, pA1 has x1 and x2.
    assert [(int(p), int(n)) for p, n in rows] == [(scene.pA2.id, 1), (scene.pB1.id, 1), (scene.pA1.id, 2)]


def test_a_scoped_supervisor_sees_their_subtree_only(scene, client, login):
    page = _dashboard(client, login, scene.sup_a)
    overdue = _section(page, "overdue-title", "unanswered-title")
    assert [int(i) for i in re.findall(r'href="/t/(\d+)"', overdue)] == [scene.x1.id, scene.x5.id, scene.x2.id]
    assert "department=bureau-a" in overdue
    unanswered = _section(page, "unanswered-title", "notices-title")
    assert [int(p) for p in re.findall(r'href="/p/(\d+)"', unanswered)] == [scene.pA2.id, scene.pA1.id]

    page = _dashboard(client, login, scene.sup_b)
    overdue = _section(page, "overdue-title", "unanswered-title")
    assert [int(i) for i in re.findall(r'href="/t/(\d+)"', overdue)] == [scene.x6.id]


def test_the_see_all_link_works_for_the_scope(scene, client, login):
    with at(AS_OF):
        login(scene.sup_a)
        page = client.get("/dashboard/rows?figure=overdue&department=bureau-a&subtree=1")
    assert page.status_code == 200
    ids = [int(i) for i in re.findall(r'href="/t/(\d+)"', page.get_data(as_text=True))]
    assert set(ids) == {scene.x1.id, scene.x5.id, scene.x2.id}


def test_rows_behind_takes_a_limit(scene):
    period = make_period(date(2025, 2, 1), date(2025, 3, 13), AS_OF)
    assert [t.id for t in rows_behind("overdue", period, None, True, limit=2)] == [scene.x1.id, scene.x6.id]
    assert len(rows_behind("overdue", period, None, True)) == 4


def test_no_overdue_shows_an_empty_message(app, make, client, login):
    with at(AS_OF):
        sup = make.user(Role.SUPERVISOR)
        login(sup)
        page = client.get("/dashboard").get_data(as_text=True)
    assert "没有超期的留言。" in page and "没有未回复的微博。" in page


def test_notices_section_counts_and_lists_within_scope(scene, client, login):
    with at(utc(2025, 3, 10, 2, 0)):
        due_soon = notices.issue_notice(scene.sup_a, scene.a, "请答复x1", 3, thread=scene.x1)  # Thu 13 March
        late = notices.issue_notice(scene.sup_a, scene.a, "请答复x2", 1)  # Tue 11 March: overdue at AS_OF
        acked = notices.issue_notice(scene.sup_a, scene.a, "已签收的", 1)
        b_notice = notices.issue_notice(scene.sup_b, scene.b, "交通局的", 1)
        db.session.commit()
    with at(utc(2025, 3, 10, 3, 0)):
        from weibo_app.models import User
        staff_a = db.session.scalars(db.select(User).where(User.department_id == scene.a.id)).first()
        notices.acknowledge_notice(staff_a, acked, "收到")
        db.session.commit()

    page = _dashboard(client, login, scene.sup_a)
    section = _section(page, "notices-title", None)
    counts = dict(re.findall(r'notice-count-(\w+)">(\d+)<', section))
    assert counts == {"open": "1", "overdue": "1", "acknowledged": "1", "closed": "0"}
    listed = [int(i) for i in re.findall(r'href="/notices/(\d+)"', section)]
    assert listed == [late.id, due_soon.id]  # open and overdue only, nearest deadline first
    assert "逾期未签收" in section and f'href="/t/{scene.x1.id}"' in section

    page = _dashboard(client, login, scene.admin)
    counts = dict(re.findall(r'notice-count-(\w+)">(\d+)<', _section(page, "notices-title", None)))
    assert counts == {"open": "1", "overdue": "2", "acknowledged": "1", "closed": "0"}
    assert b_notice.id in [int(i) for i in re.findall(r'href="/notices/(\d+)"', page)]


def test_query_count_is_the_same_with_3_and_30_rows(app, make, client, login, count_queries):
    with at(utc(2025, 3, 3, 0, 0)):
        dept = make.department(slug="main", name="主部门")
        staff = make.staff(dept)
        sup = make.user(Role.SUPERVISOR, dept)
        resident = make.user()
    made = 0

    def grow(n: int) -> int:
        nonlocal made
        while made < n:
            made += 1
            with at(utc(2025, 3, 3, 1, made)):
                post = make.post(author=staff, body=f"微博{made}")
                thread = make.thread(author=resident, post=post, body=f"超期{made}")
            with at(utc(2025, 3, 7, 1, made)):  # a notice on a thread once it is overdue
                notices.issue_notice(sup, dept, f"督办{made}", 2 + made % 3, thread=thread)
                db.session.commit()
        with at(AS_OF):
            login(sup)
            assert client.get("/dashboard").status_code == 200
            with count_queries() as counter:
                page = client.get("/dashboard").get_data(as_text=True)
        assert f"超期{made}" not in page  # bodies are not shown, but the rows are:
        assert page.count('href="/t/') >= min(made, 20)
        return counter.count

    small = grow(3)
    large = grow(30)
    assert small == large
