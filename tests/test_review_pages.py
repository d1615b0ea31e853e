"""The workflow on screen and on the command line: scheduling with a moved clock, the
withdrawal notice, corrections, pins, the review queue, the archive and the export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from weibo_app.core.extensions import db
from weibo_app.metrics.figures import compute_metrics
from weibo_app.metrics.queries import make_period
from weibo_app.models import AuditLog, Post
from weibo_app.posts import amend
from weibo_app.posts import lifecycle as ops
from weibo_app.review import queries

from .review_world import build_world, use_quick_password_hashes


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch):
    use_quick_password_hashes(monkeypatch)


@pytest.fixture
def world(make):
    return build_world(make)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def page(client, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return resp.get_data(as_text=True)


def published_at(world, moment: datetime, **kw) -> Post:
    with time_machine.travel(moment, tick=False):
        return world.post("published", **kw)


# -- scheduling ------------------------------------------------------------------------

def test_scheduled_post_is_invisible_before_its_time_and_public_after(world, client, runner):
    t0 = utc(2026, 3, 2, 1, 0)  # 09:00 in Shanghai
    due = t0 + timedelta(hours=3)
    with time_machine.travel(t0, tick=False):
        post = ops.create_post(world.author, body="明日起调整12路公交线路", category="service", scheduled_at=due,
                               submit=False)
        ops.submit_post(world.author, post)
        ops.approve_post(world.reviewer, post, secrecy_checked=True)
        db.session.commit()
        assert (post.state, post.published_at) == ("scheduled", due)
        assert client.get(f"/p/{post.id}").status_code == 404
        assert client.get(f"/api/v1/posts/{post.id}").status_code == 404
        assert "12路公交" not in page(client, "/")
        assert "12路公交" not in page(client, f"/d/{world.dept.slug}")
        assert "0 scheduled posts published" in runner.invoke(args=["publish-due"]).output

    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        # Public from its time on, before any job has run.
        assert "12路公交" in page(client, f"/p/{post.id}")
        assert "12路公交" in page(client, "/")
        listed = client.get("/api/v1/posts").get_json()["posts"]
        assert [p["id"] for p in listed] == [post.id]
        assert "1 scheduled posts published" in runner.invoke(args=["publish-due"]).output

    db.session.expire_all()
    post = db.session.get(Post, post.id)
    assert (post.state, post.published_at) == ("published", due)  # keeps its own time
    actions = db.session.execute(
        sa.select(AuditLog.action, AuditLog.actor_id).where(AuditLog.target_id == post.id,
                                                            AuditLog.target_type == "post")
        .order_by(AuditLog.id)).all()
    assert actions[-1] == ("post.publish", None)


def test_reviewer_can_move_a_scheduled_post_before_it_is_out(world, client):
    t0 = utc(2026, 3, 2, 1, 0)
    with time_machine.travel(t0, tick=False):
        post = ops.create_post(world.author, body="招聘公告", category="personnel",
                               scheduled_at=t0 + timedelta(hours=1), submit=True)
        ops.approve_post(world.reviewer, post, secrecy_checked=True)
        ops.schedule_post(world.head, post, t0 + timedelta(hours=5))
        db.session.commit()
    with time_machine.travel(t0 + timedelta(hours=2), tick=False):
        assert client.get(f"/p/{post.id}").status_code == 404
    with time_machine.travel(t0 + timedelta(hours=5), tick=False):
        assert client.get(f"/p/{post.id}").status_code == 200


# -- withdrawal and corrections ----------------------------------------------------------

def test_withdrawn_post_shows_notice_in_its_place_threads_stay_and_count(world, client, make):
    post = published_at(world, utc(2026, 3, 2, 2, 0), body="原定周六停电检修")
    with time_machine.travel(utc(2026, 3, 2, 3, 0), tick=False):
        thread = make.thread(post=post, body="几点开始停电？")
    with time_machine.travel(utc(2026, 3, 2, 6, 30), tick=False):  # 14:30 local
        amend.withdraw_post(world.reviewer, post, reason="检修计划取消")
        db.session.commit()
        html = page(client, f"/p/{post.id}")
        assert "该微博已于 2026-03-02 14:30 撤回，原因：检修计划取消" in html
        assert "原定周六停电检修" not in html
        assert "几点开始停电？" in html
        assert "检修计划取消" in page(client, "/")
        assert "几点开始停电？" in page(client, f"/t/{thread.id}")
        api = client.get(f"/api/v1/posts/{post.id}").get_json()
        assert (api["state"], api["body"], api["withdraw_reason"]) == ("withdrawn", None, "检修计划取消")
        assert [t["id"] for t in api["threads"]] == [thread.id]
        row = compute_metrics(make_period(date(2026, 3, 1), date(2026, 3, 3)), department_ids=[world.dept.id])[0]
        assert (row["threads"], row["posts_published"]) == (1, 1)


def test_correction_appears_under_the_post_with_its_time(world, client, login):
    post = published_at(world, utc(2026, 3, 2, 2, 0), body="周六上午九点开始登记")
    with time_machine.travel(utc(2026, 3, 2, 4, 5), tick=False):
        login(world.staff2)
        resp = client.post(f"/p/{post.id}/corrections", data={"body": "更正：登记时间为上午十点"})
        assert resp.status_code == 303, resp.headers.get("Location")
    html = page(client, f"/p/{post.id}")
    assert "周六上午九点开始登记" in html  # the post itself is never edited
    assert "更正：登记时间为上午十点" in html
    assert 'datetime="2026-03-02T12:05:00+08:00"' in html


def test_ui_withdraw_and_tools_only_for_the_department(world, client, login):
    post = published_at(world, utc(2026, 3, 2, 2, 0))
    login(world.reviewer_b)
    assert client.post(f"/p/{post.id}/withdraw", data={"reason": "x"}).status_code == 403
    assert "本部门操作" not in page(client, f"/p/{post.id}")
    login(world.author)
    assert "本部门操作" in page(client, f"/p/{post.id}")
    client.post(f"/p/{post.id}/withdraw", data={"reason": "作者无撤回权"})
    db.session.refresh(post)
    assert post.state == "published"
    login(world.reviewer)
    client.post(f"/p/{post.id}/withdraw", data={"reason": "内容已过时"})
    db.session.refresh(post)
    assert (post.state, post.withdraw_reason) == ("withdrawn", "内容已过时")


# -- review queue ------------------------------------------------------------------------

def test_review_queue_oldest_first_not_own_and_nav_badge(world, client, login):
    with time_machine.travel(utc(2026, 3, 2, 1, 0), tick=False):
        older = world.post("pending", body="较早送审")
    with time_machine.travel(utc(2026, 3, 2, 2, 0), tick=False):
        newer = world.post("pending", body="较晚送审")
        reviewers_own = world.post("pending", author=world.reviewer, body="审核人自己写的")
        world.post("draft", body="还没送审")
        major = world.post("pending_final", body="重大信息待终审")
    assert queries.waiting_for(world.reviewer) == [older, newer]
    assert queries.waiting_for(world.head) == [older, newer, reviewers_own, major]
    assert queries.waiting_count(world.head) == 4
    assert queries.waiting_for(world.author) == [] and queries.waiting_for(world.reviewer_b) == []
    login(world.reviewer)
    html = page(client, "/review")
    assert html.index("较早送审") < html.index("较晚送审")
    assert "审核人自己写的" in html  # listed as the reviewer's own post in progress, not to approve
    assert "（2条待审核）" in html


def test_review_queue_for_head_lists_final_approvals(world):
    major = world.post("pending_final")
    own = world.post("pending", author=world.head)
    waiting = queries.waiting_for(world.head)
    assert major in waiting and own not in waiting


def test_review_page_query_count_does_not_grow(world, client, login, count_queries):
    for _ in range(2):
        world.post("pending")
    world.post("draft", author=world.reviewer)
    login(world.reviewer)
    client.get("/review")  # warm up
    db.session.expire_all()  # as in a fresh request
    with count_queries() as few:
        page(client, "/review")
    for _ in range(5):
        world.post("pending")
        world.post("draft", author=world.reviewer)
    post = world.post("pending", author=world.reviewer)
    ops.return_post(world.head, post, comment="请修改")
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        html = page(client, "/review")
    assert "请修改" in html
    assert many.count == few.count, "\n\n".join(few.statements + ["====="] + many.statements)


def test_ui_compose_submit_approve_flow(world, client, login):
    login(world.author)
    resp = client.post("/posts/new", data={"body": "春耕补贴开始申报", "category": "policy", "submit": "1"})
    assert resp.status_code == 302
    post = db.session.scalar(sa.select(Post).where(Post.body == "春耕补贴开始申报"))
    assert post.state == "pending"
    client.post("/posts/new", data={"body": "只存草稿", "category": "work", "save": "1"})
    assert db.session.scalar(sa.select(Post.state).where(Post.body == "只存草稿")) == "draft"

    login(world.reviewer)
    html = page(client, f"/review/{post.id}")
    assert "保密审查" in html
    client.post(f"/review/{post.id}/approve", data={})
    db.session.refresh(post)
    assert post.state == "pending"  # the confidentiality check was not confirmed
    client.post(f"/review/{post.id}/approve", data={"secrecy_checked": "y"})
    db.session.refresh(post)
    assert post.state == "published"
    login(world.resident)
    assert client.get(f"/review/{post.id}").status_code == 403
    assert client.get("/review").status_code == 403


def test_ui_return_edit_resubmit(world, client, login):
    post = world.post("pending", body="初稿")
    login(world.reviewer)
    client.post(f"/review/{post.id}/return", data={"comment": "请写明地点"})
    db.session.refresh(post)
    assert post.state == "draft"
    login(world.author)
    assert "请写明地点" in page(client, "/review")
    resp = client.post(f"/posts/{post.id}/edit", data={"body": "二稿：在县政府广场", "category": "work", "submit": "1"})
    assert resp.status_code == 303
    db.session.refresh(post)
    assert (post.state, post.body) == ("pending", "二稿：在县政府广场")
    login(world.staff2)
    assert client.get(f"/posts/{post.id}/edit").status_code == 200  # same department may look
    client.post(f"/posts/{post.id}/edit", data={"body": "他人修改", "category": "work", "save": "1"})
    db.session.refresh(post)
    assert post.body == "二稿：在县政府广场"


# -- fast track and pins on the timelines ---------------------------------------------------

def test_fast_track_marked_and_pinned_on_top_of_timeline_for_its_time(world, client, login):
    t0 = utc(2026, 3, 2, 1, 0)
    with time_machine.travel(t0, tick=False):
        rumor = world.post("pending", category="rumor", body="网传自来水污染不实")
    with time_machine.travel(t0 + timedelta(minutes=10), tick=False):
        login(world.head)
        client.post(f"/review/{rumor.id}/fast-track", data={"secrecy_checked": "y", "pin_hours": "2"})
    db.session.refresh(rumor)
    assert (rumor.state, rumor.fast_track) == ("published", True)
    published_at(world, t0 + timedelta(minutes=30), body="今日工作动态")
    with time_machine.travel(t0 + timedelta(hours=1), tick=False):
        html = page(client, "/")
        assert html.index("网传自来水污染不实") < html.index("今日工作动态")
        assert "置顶" in html and "快速发布" in html
    with time_machine.travel(t0 + timedelta(hours=3), tick=False):
        html = page(client, "/")
        assert html.index("今日工作动态") < html.index("网传自来水污染不实")
        assert "badge-pinned" not in html


def test_department_page_pin_comes_first(world, client, login):
    old = published_at(world, utc(2026, 3, 1, 1, 0), body="办事指南（置顶）")
    published_at(world, utc(2026, 3, 2, 1, 0), body="最新动态")
    login(world.reviewer)
    assert client.post(f"/p/{old.id}/pin").status_code == 303
    html = page(client, f"/d/{world.dept.slug}")
    assert html.index("办事指南（置顶）") < html.index("最新动态")
    assert html.count("办事指南（置顶）") == 1


# -- archive and export ------------------------------------------------------------------

@pytest.fixture
def history(world, make):
    """Posts in February and March (local time) of one department, plus things that must not show."""
    w = world
    feb = published_at(w, utc(2026, 2, 10, 2, 0), category="policy", body="二月政策解读")
    mar1 = published_at(w, utc(2026, 2, 28, 17, 0), category="work", body="三月一日凌晨动态")  # 01:00 local, 1 March
    mar15 = published_at(w, utc(2026, 3, 15, 2, 0), category="policy", body="三月政策原文")
    with time_machine.travel(utc(2026, 3, 16, 2, 0), tick=False):
        amend.add_correction(w.author, mar15, body="更正：第三条适用范围")
        amend.withdraw_post(w.head, mar15, reason="文件已废止")
        w.post("pending", body="三月待审核")
        db.session.commit()
        other_clerk = make.staff(w.other)
        make.post(author=other_clerk, body="其他部门三月微博")
    return feb, mar1, mar15


def test_archive_by_month_and_category(world, history, client):
    feb, mar1, mar15 = history
    with time_machine.travel(utc(2026, 3, 20), tick=False):
        months = queries.archive_months(world.dept)
        assert [(m.key, m.total, m.by_category) for m in months] == [
            ("2026-03", 2, {"work": 1, "policy": 1}),
            ("2026-02", 1, {"policy": 1}),
        ]
        html = page(client, f"/d/{world.dept.slug}/archive")
        assert "三月一日凌晨动态" in html and "文件已废止" in html
        assert "三月政策原文" not in html and "二月政策解读" not in html
        assert "三月待审核" not in html and "其他部门三月微博" not in html
        html = page(client, f"/d/{world.dept.slug}/archive?month=2026-02")
        assert "二月政策解读" in html and "三月一日凌晨动态" not in html
        html = page(client, f"/d/{world.dept.slug}/archive?month=2026-03&category=work")
        assert "三月一日凌晨动态" in html and "文件已废止" not in html


def test_archive_query_count_does_not_grow(world, client, count_queries):
    for day in (1, 2):
        published_at(world, utc(2026, 3, day, 2, 0))
    url = f"/d/{world.dept.slug}/archive"
    client.get(url)
    db.session.expire_all()
    with count_queries() as few:
        page(client, url)
    for day in range(3, 9):
        published_at(world, utc(2026, 3, day, 2, 0), category="policy" if day % 2 else "work")
    published_at(world, utc(2026, 1, 5, 2, 0))
    db.session.expire_all()  # as in a fresh request
    with count_queries() as many:
        html = page(client, url)
    assert html.count("card post") == 8
    assert many.count == few.count, "\n\n".join(few.statements + ["====="] + many.statements)


def test_export_json_has_decisions_corrections_and_withdrawal(world, history, client, login):
    feb, mar1, mar15 = history
    login(world.head)
    data = client.get(f"/d/{world.dept.slug}/export.json?from=2026-03-01&to=2026-04-01").get_json()
    assert (data["department"], data["from"], data["to"]) == (world.dept.slug, "2026-03-01", "2026-04-01")
    assert [p["id"] for p in data["posts"]] == [mar1.id, mar15.id]
    rec = data["posts"][1]
    assert rec["category"] == "policy" and rec["state"] == "withdrawn"
    assert rec["published_at"] == "2026-03-15T10:00:00+08:00"
    assert rec["withdrawn_at"] == "2026-03-16T10:00:00+08:00"
    assert rec["withdraw_reason"] == "文件已废止"
    assert rec["body"] == "三月政策原文"
    assert rec["decisions"] == [{"decision": "approve", "actor": world.reviewer.username,
                                 "at": "2026-03-15T10:00:00+08:00", "secrecy_checked": True, "comment": None}]
    assert rec["corrections"] == [{"body": "更正：第三条适用范围", "at": "2026-03-16T10:00:00+08:00"}]


def test_export_csv_rows(world, history, client, login):
    feb, mar1, mar15 = history
    login(world.reviewer)
    resp = client.get(f"/d/{world.dept.slug}/export.csv?from=2026-02-01&to=2026-04-01")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert [int(r["id"]) for r in rows] == [feb.id, mar1.id, mar15.id]
    last = rows[2]
    assert (last["state"], last["withdraw_reason"], last["major"]) == ("withdrawn", "文件已废止", "0")
    assert last["decisions"] == f"2026-03-15T10:00:00+08:00 approve {world.reviewer.username} secrecy_checked"
    assert last["corrections"] == "2026-03-16T10:00:00+08:00 更正：第三条适用范围"


@pytest.mark.parametrize("who,status", [
    ("author", 403), ("staff2", 403), ("reviewer_b", 403), ("head_b", 403), ("resident", 403),
    ("reviewer", 200), ("head", 200), ("supervisor", 200), ("admin", 200),
])
def test_export_rights(world, client, login, who, status):
    login(getattr(world, who))
    assert client.get(f"/d/{world.dept.slug}/export.json").status_code == status
    assert client.get(f"/d/{world.dept.slug}/export.csv").status_code == status


def test_export_needs_login_and_a_valid_period(world, client, login):
    assert client.get(f"/d/{world.dept.slug}/export.csv").status_code == 302
    login(world.head)
    assert client.get(f"/d/{world.dept.slug}/export.json?from=2026-05-01&to=2026-04-01").status_code == 422


def test_a_refused_question_shows_the_post_page_with_its_corrections(app, client, make, login):
    from weibo_app.posts.amend import add_correction

    dept = make.department()
    clerk = make.staff(dept)
    post = make.post(author=clerk, body="原文")
    add_correction(clerk, post, body="更正：时间改为周五")
    db.session.commit()
    login(make.user())
    resp = client.post(f"/p/{post.id}/threads", data={"kind": "consultation", "body": "   "})
    assert resp.status_code == 422
    assert "更正：时间改为周五" in resp.get_data(as_text=True)
