"""常用回复: who manages and uses them (UI and API), placeholders, and the answer box."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from weibo_app.core.extensions import db
from weibo_app.models import AuditLog, ReplyTemplate, Role
from weibo_app.replies.operations import create_template

ROLES = ("visitor", "resident", "staff_a", "head_a", "head_b", "supervisor", "admin")


@pytest.fixture
def people(app, make):
    a = make.department(slug="dept-a", name="甲局")
    b = make.department(slug="dept-b", name="乙局")
    return {
        "a": a, "b": b, "visitor": None, "resident": make.user(), "staff_a": make.staff(a),
        "head_a": make.staff(a, Role.DEPT_HEAD), "head_b": make.staff(b, Role.DEPT_HEAD),
        "supervisor": make.user(Role.SUPERVISOR), "admin": make.user(Role.ADMIN),
    }


def _as(client, login, people, role):
    with client.session_transaction() as sess:
        sess.clear()
    if people[role] is not None:
        login(people[role])
    return client


def _status(resp):
    if resp.status_code == 302 and "/auth/login" in resp.headers.get("Location", ""):
        return "login"
    return resp.status_code


def test_ui_role_matrix(people, client, login):
    expected = {
        #                                   visitor resident staff_a head_a head_b supervisor admin
        ("get", "/d/dept-a/templates"):      ("login", 403, 200, 200, 403, 403, 200),
        ("post", "/d/dept-a/templates"):     ("login", 403, 403, 303, 403, 403, 403),
        ("get", "/admin/templates"):         ("login", 403, 403, 403, 403, 403, 200),
        ("post", "/admin/templates"):        ("login", 403, 403, 403, 403, 403, 303),
    }
    for (method, path), want in expected.items():
        got = {}
        for role in ROLES:
            c = _as(client, login, people, role)
            resp = c.get(path) if method == "get" else c.post(path, data={"title": f"t-{role}", "body": "您好"})
            got[role] = _status(resp)
        assert got == dict(zip(ROLES, want, strict=True)), (method, path)
    rows = db.session.scalars(sa.select(ReplyTemplate).order_by(ReplyTemplate.id)).all()
    assert [(r.title, r.department_id) for r in rows] == [("t-head_a", people["a"].id), ("t-admin", None)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "template.create")) == 2


def test_head_edits_and_deletes_only_their_own(people, client, login):
    own = create_template(people["head_a"], people["a"], "致谢", "感谢您的建议。")
    other = create_template(people["head_b"], people["b"], "乙", "乙局")
    db.session.commit()
    login(people["head_a"])
    assert client.post(f"/d/dept-a/templates/{own.id}", data={"title": "致谢", "body": "感谢！"}).status_code == 303
    assert client.post(f"/d/dept-b/templates/{other.id}", data={"title": "x", "body": "y"}).status_code == 403
    assert client.post(f"/d/dept-a/templates/{other.id}", data={"title": "x", "body": "y"}).status_code == 404
    assert client.post(f"/d/dept-a/templates/{own.id}", data={"title": "", "body": "y"}).status_code == 422
    assert client.post(f"/d/dept-a/templates/{own.id}/delete").status_code == 303
    db.session.expire_all()
    assert db.session.get(ReplyTemplate, own.id) is None and db.session.get(ReplyTemplate, other.id).body == "乙局"
    login(people["staff_a"])
    assert client.post(f"/d/dept-b/templates/{other.id}/delete").status_code == 403


def test_api_role_matrix(people, client, api_headers):
    site = create_template(people["admin"], None, "全站", "{姓名}您好")
    own = create_template(people["head_a"], people["a"], "甲", "甲局")
    theirs = create_template(people["head_b"], people["b"], "乙", "乙局")
    db.session.commit()
    headers = {role: api_headers(people[role]) for role in ROLES if people[role] is not None}
    listed = client.get("/api/v1/templates", headers=headers["staff_a"]).get_json()["templates"]
    assert {t["id"] for t in listed} == {site.id, own.id}
    assert len(client.get("/api/v1/templates", headers=headers["admin"]).get_json()["templates"]) == 3
    assert client.get("/api/v1/templates", headers=headers["resident"]).status_code == 403
    assert client.get("/api/v1/templates").status_code == 401

    made = client.post("/api/v1/templates", json={"title": "新", "body": "内容"}, headers=headers["head_a"])
    assert made.status_code == 201 and made.get_json()["department"] == "dept-a"
    for role in ("staff_a", "supervisor", "resident"):
        resp = client.post("/api/v1/templates", json={"title": "新", "body": "内容"}, headers=headers[role])
        assert resp.status_code == 403, role
    assert client.post("/api/v1/templates", json={"title": "x", "body": "y", "department": "dept-b"},
                       headers=headers["head_a"]).status_code == 403
    assert client.post("/api/v1/templates", json={"title": "全站2", "body": "y"},
                       headers=headers["admin"]).get_json()["department"] is None
    assert client.post("/api/v1/templates", json={"title": "", "body": "y"},
                       headers=headers["head_a"]).status_code == 422

    assert client.patch(f"/api/v1/templates/{own.id}", json={"body": "改"}, headers=headers["head_a"]).get_json()["body"] == "改"
    assert client.patch(f"/api/v1/templates/{theirs.id}", json={"body": "改"}, headers=headers["head_a"]).status_code == 403
    assert client.patch(f"/api/v1/templates/{site.id}", json={"body": "改"}, headers=headers["head_a"]).status_code == 403
    assert client.delete(f"/api/v1/templates/{site.id}", headers=headers["staff_a"]).status_code == 403
    assert client.delete(f"/api/v1/templates/{site.id}", headers=headers["admin"]).status_code == 200
    assert client.delete("/api/v1/templates/99999", headers=headers["admin"]).status_code == 404


def test_answer_box_offers_filled_templates_and_a_list_without_js(people, client, login, make):
    create_template(people["head_a"], people["a"], "受理", "{姓名}您好，第{编号}号留言已由{部门}受理。")
    create_template(people["admin"], None, "全站致谢", "感谢{姓名}。")
    create_template(people["head_b"], people["b"], "乙局的", "不该出现")
    db.session.commit()
    resident = make.user()
    resident.display_name = "王小明"
    db.session.commit()
    thread = make.thread(author=resident, department=people["a"])
    login(people["staff_a"])
    html = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert f"王**您好，第{thread.id}号留言已由甲局受理。" in html and "感谢王**。" in html
    assert "不该出现" not in html and "js/reply-templates.js" in html
    login(resident)
    assert "受理" not in client.get(f"/t/{thread.id}").get_data(as_text=True)
