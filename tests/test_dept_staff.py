"""A department head manages their own department's staff, and nothing beyond it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from weibo_app.core.extensions import db
from weibo_app.models import AuditLog, Role, User


@pytest.fixture
def office(app, make):
    a, b = make.department(slug="dept-a"), make.department(slug="dept-b")
    return {"a": a, "b": b, "head": make.staff(a, Role.DEPT_HEAD), "clerk": make.staff(a),
            "other_head": make.staff(b, Role.DEPT_HEAD), "other_clerk": make.staff(b),
            "supervisor": make.user(Role.SUPERVISOR), "admin": make.user(Role.ADMIN), "resident": make.user()}


def test_only_the_head_of_the_department_sees_the_page(office, client, login):
    assert client.get("/d/dept-a/staff").status_code == 302
    for who, status in (("head", 200), ("clerk", 403), ("other_head", 403), ("supervisor", 403),
                        ("admin", 403), ("resident", 403)):
        login(office[who])
        assert client.get("/d/dept-a/staff").status_code == status, who


def test_head_adds_staff_sets_reviewer_and_deactivates(office, client, login):
    login(office["head"])
    resp = client.post("/d/dept-a/staff", data={"username": "newclerk", "display_name": "新人",
                                                "password": "abc12345"})
    assert resp.status_code == 303
    new = db.session.scalar(sa.select(User).where(User.username == "newclerk"))
    assert new.role == Role.STAFF and new.department_id == office["a"].id and new.check_password("abc12345")
    assert client.post("/d/dept-a/staff", data={"username": "newclerk", "password": "abc12345"}).status_code == 422
    assert client.post("/d/dept-a/staff", data={"username": "weakpw", "password": "short"}).status_code == 422

    clerk = office["clerk"]
    client.post(f"/d/dept-a/staff/{clerk.id}/reviewer")
    db.session.expire_all()
    assert clerk.role == Role.REVIEWER and clerk.can_review
    client.post(f"/d/dept-a/staff/{clerk.id}/unreviewer")
    client.post(f"/d/dept-a/staff/{clerk.id}/deactivate")
    db.session.expire_all()
    assert clerk.role == Role.STAFF and not clerk.active
    actions = [a for (a,) in db.session.execute(sa.select(AuditLog.action).where(AuditLog.actor_id == office["head"].id)
                                                 .order_by(AuditLog.id))]
    assert actions == ["user.create", "user.role", "user.role", "user.deactivate"]


def test_head_cannot_touch_other_departments_or_heads(office, client, login):
    login(office["head"])
    other = office["other_clerk"]
    assert client.post(f"/d/dept-b/staff/{other.id}/deactivate").status_code == 403
    assert client.post(f"/d/dept-a/staff/{other.id}/deactivate").status_code == 403
    assert client.post("/d/dept-b/staff", data={"username": "sneaky", "password": "abc12345"}).status_code == 403
    client.post(f"/d/dept-a/staff/{office['head'].id}/deactivate")
    client.post(f"/d/dept-a/staff/{office['resident'].id}/reviewer")
    db.session.expire_all()
    assert other.active and office["head"].active and office["resident"].role == Role.RESIDENT
    assert db.session.scalar(sa.select(User.id).where(User.username == "sneaky")) is None
    login(office["clerk"])
    assert client.post(f"/d/dept-a/staff/{office['head'].id}/deactivate").status_code == 403
