"""The inbox's rows (threads/inbox_rows.py) are cached by what they show: a write, the clock
moving on or the viewer's verdict on the opener's name shows at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from weibo_app.core.extensions import db
from weibo_app.threads import loop
from weibo_app.threads.operations import open_thread

from .loop_world import MON, at


@pytest.fixture
def world(app, make):
    with at(MON - timedelta(days=1)):
        dept = make.department(slug="inbox-dept", name="收件测试局")
        staff, colleague = make.staff(dept), make.staff(dept)
        colleague.display_name = "李承办"
        post = make.post(author=staff)
        opener = make.user()
        opener.display_name = "王小明"
        db.session.commit()
    with at(MON):
        thread = open_thread(opener, body="门口路灯坏了", kind="consultation", post=post, anonymous=True)
        db.session.commit()
    return {"staff": staff, "colleague": colleague, "thread": thread}


def row_of(html: str, thread_id: int) -> str:
    start = html.index(f'<th scope="row"><a href="/t/{thread_id}"')
    return html[html.rindex("<tr", 0, start):html.index("</tr>", start)]


def test_rows_are_cached_and_show_every_change_at_once(app, client, login, world):
    cache = app.extensions["fragment_cache"]
    thread = world["thread"]
    with at(MON + timedelta(hours=1)):
        login(world["staff"])
        first = client.get("/inbox").get_data(as_text=True)
        stored = len(cache)
        assert client.get("/inbox").get_data(as_text=True) == first and len(cache) == stored
        row = row_of(first, thread.id)
        # Staff read the opener of an anonymous thread by name; nobody has signed for it yet.
        assert "王小明" in row and "未签收" in row and "1小时" in row and "红灯" not in row
        loop.accept_thread(world["staff"], thread, world["colleague"].username)
        db.session.commit()
        assert "李承办" in row_of(client.get("/inbox").get_data(as_text=True), thread.id)
    with at(MON + timedelta(days=5)):  # past its due time: 红灯, and it has waited 5 days
        login(world["staff"])
        late = row_of(client.get("/inbox").get_data(as_text=True), thread.id)
        assert "红灯·超期" in late and "5天" in late and "row-overdue" in late


def test_off_renders_the_same_rows(app, client, login, world):
    with at(MON + timedelta(hours=1)):
        login(world["staff"])
        cached = client.get("/inbox").get_data(as_text=True)
        assert client.get("/inbox").get_data(as_text=True) == cached
        app.extensions["fragment_cache"].max_entries = 0
        assert client.get("/inbox").get_data(as_text=True) == cached


def test_the_clerks_department_comes_with_the_staff_list(client, count_queries, login, world):
    # The header and the page name the clerk's department: loaded with the staff list, not asked for alone.
    with at(MON + timedelta(hours=1)):
        login(world["staff"])
        assert client.get("/inbox").status_code == 200
        db.session.expunge_all()  # as in production, the request starts with an empty session
        with count_queries() as counter:
            html = client.get("/inbox").get_data(as_text=True)
    assert "收件测试局待回复的留言" in html
    alone = [s for s in counter.statements if " ".join(s.split()).startswith("SELECT departments.")]
    assert alone == [], alone


def test_totals_follow_the_moment_and_the_department_asked_each_time(app, make, world):
    # The totals' statement is built once: the department and the moments are parameters.
    from weibo_app.threads.queries import inbox_totals

    thread = world["thread"]
    with at(MON):
        elsewhere = make.department(slug="inbox-other")
        open_thread(make.user(), body="别处的留言", kind="consultation", department=elsewhere)
        db.session.commit()
    due, hour, dept = thread.due_at, timedelta(hours=1), thread.department_id
    assert inbox_totals(dept, due - hour, due + hour) == (1, 0, 1)  # due soon (黄灯)
    assert inbox_totals(dept, due + hour, due + 2 * hour) == (1, 1, 0)  # past due (红灯)
    assert inbox_totals(dept, due - 3 * hour, due - 2 * hour) == (1, 0, 0)  # neither yet
    assert inbox_totals(dept, due + hour) == (1, 1)
    assert inbox_totals(elsewhere.id, due - 3 * hour) == (1, 0)  # opened the same moment: due alike
