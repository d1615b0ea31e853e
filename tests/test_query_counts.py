"""Each main page sends as many queries with 30 rows as with 3: no N+1 anywhere."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from weibo_app.core.clock import to_local
from weibo_app.core.extensions import db
from weibo_app.models import Follow, Like, Role
from weibo_app.threads import operations as ops
from weibo_app.threads import queries as thread_queries
from weibo_app.threads import routing


class World:
    """A department with staff, residents, a supervisor; ``grow(n)`` adds rows of every kind."""

    def __init__(self, make):
        self.make = make
        self.dept = make.department(slug="main-dept", name="主部门")
        self.staff = make.staff(self.dept)
        self.resident = make.user()
        self.supervisor = make.user(Role.SUPERVISOR)
        self.post = make.post(author=self.staff, body="有很多留言的微博 #话题#")
        self.n = 0

    def grow(self, upto: int) -> None:
        make = self.make
        while self.n < upto:
            self.n += 1
            resident = make.user()
            other = make.department()
            make.staff(other)
            post = make.post(author=self.staff, body=f"第{self.n}条微博 https://www.gov.cn/{self.n}")
            make.post(department=other, body=f"其他部门第{self.n}条")
            on_post = make.thread(author=resident, post=self.post, body=f"留言{self.n}")
            ops.reply_to_thread(self.staff, on_post, f"答复{self.n}")
            ops.reply_to_thread(resident, on_post, f"追问{self.n}")
            board = make.thread(author=resident, department=self.dept, body=f"留言板{self.n}")
            ops.reply_to_thread(self.staff, board, f"答复{self.n}")
            waiting = make.thread(author=resident, post=post, kind="complaint", body=f"待回复{self.n}")
            # Requests for the dispatcher (/dispatch): the thread stays where it is meanwhile.
            routing.request_transfer(self.staff, waiting, other, f"转办理由{self.n}")
            routing.request_extension(self.staff, waiting, to_local(waiting.due_at).date() + timedelta(days=1),
                                      f"延期理由{self.n}")
            make.thread(author=resident, department=other, body=f"别处{self.n}")
            db.session.add(Like(user_id=resident.id, post_id=post.id))
            db.session.add(Follow(user_id=resident.id, department_id=self.dept.id))
            db.session.commit()


@pytest.fixture
def world(app, make):
    return World(make)


PAGES = {
    "/": None,
    "/p/{post}": None,
    "/d/main-dept": None,
    "/d/main-dept?tab=board": None,
    "/scoreboard": None,
    "/departments": None,
    "/inbox": "staff",
    "/dashboard": "supervisor",
    "/me/threads": "resident",
    "/dispatch": "supervisor",
}


def measure(client, count_queries, path: str) -> int:
    assert client.get(path).status_code == 200  # warm-up
    with count_queries() as counter:
        resp = client.get(path)
    assert resp.status_code == 200
    return counter.count


def test_same_query_count_with_3_and_30_rows(world, client, login, count_queries, subtests):
    """Every page is measured with 3 rows, then all again with 30 (one world grown once, not
    one a page: building it is most of the time)."""

    def counted() -> dict[str, int]:
        found = {}
        for page, who in PAGES.items():
            if who:
                login(getattr(world, who))
            else:
                with client.session_transaction() as sess:
                    sess.clear()
            found[page] = measure(client, count_queries, page.format(post=world.post.id))
        return found

    world.grow(3)
    small = counted()
    world.grow(30)
    large = counted()
    for page in PAGES:
        with subtests.test(page=page):
            assert small[page] > 0
            assert small[page] == large[page], f"{page}: {small[page]} queries with 3 rows, {large[page]} with 30"


def test_the_rows_are_really_on_the_pages(world, client, login):
    """Guard for the test above: the pages do list 30 rows (the timeline pages by 20)."""
    world.grow(30)
    post_page = client.get(f"/p/{world.post.id}").get_data(as_text=True)
    assert all(f"留言{i}" in post_page and f"追问{i}" in post_page for i in (1, 15, 30))
    login(world.staff)
    inbox = client.get("/inbox").get_data(as_text=True)
    # 60 await an answer (30 new complaints, 30 follow-ups): one full page of the inbox, then the next.
    listed = set(re.findall(r'<th scope="row"><a href="/t/(\d+)"', inbox))
    assert len(listed) == thread_queries.INBOX_PAGE and 'rel="next"' in inbox
    login(world.supervisor)
    dispatch = client.get("/dispatch").get_data(as_text=True)
    assert all(f"转办理由{i}" in dispatch and f"延期理由{i}" in dispatch for i in (1, 15, 30))
    board = client.get("/d/main-dept?tab=board").get_data(as_text=True)
    assert "留言板30" in board and "留言板11" in board  # the newest 20
