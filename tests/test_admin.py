"""Administration: accounts, roles, departments, settings, the audit log viewer."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import time_machine

from weibo_app.audit.log import record
from weibo_app.auth.operations import authenticate
from weibo_app.core.extensions import db
from weibo_app.core.settings import get_setting
from weibo_app.models import AppendOnlyError, AuditLog, Department, Post, Role, User


def _audit(action: str) -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


@pytest.fixture
def admin(make):
    return make.user(Role.ADMIN)


ADMIN_ONLY = ["/admin/users", "/admin/departments", "/admin/settings", "/admin/site"]


@pytest.mark.parametrize("path", ADMIN_ONLY + ["/admin/audit"])
@pytest.mark.parametrize("role, expected", [
    (Role.ADMIN, 200), (Role.SUPERVISOR, "audit"), (Role.STAFF, 403), (Role.RESIDENT, 403), (None, 302),
])
def test_who_may_open_the_admin_pages(client, make, login, path, role, expected):
    if role is not None:
        dept = make.department()
        login(make.user(role, dept if role == Role.STAFF else None))
    if expected == "audit":  # supervisors read the audit log, nothing else here
        expected = 200 if path == "/admin/audit" else 403
    resp = client.get(path)
    assert resp.status_code == expected
    if expected == 302:
        assert "/auth/login" in resp.headers["Location"]


def test_admin_makes_a_resident_staff_and_it_is_audited(client, make, login, admin):
    dept = make.department()
    someone = make.user()
    login(admin)
    resp = client.post(f"/admin/users/{someone.id}/role", data={"role": "reviewer", "department": dept.slug})
    assert resp.status_code == 303
    db.session.expire_all()
    user = db.session.get(User, someone.id)
    assert user.role == Role.REVIEWER and user.department_id == dept.id and user.can_review
    (entry,) = _audit("user.role")
    assert entry.actor_id == admin.id and entry.target_id == someone.id and entry.department_id == dept.id
    assert entry.details["before"]["role"] == "resident" and entry.details["after"]["role"] == "reviewer"


def test_staff_role_needs_a_department_and_unknown_roles_are_refused(client, make, login, admin):
    someone = make.user()
    login(admin)
    assert client.post(f"/admin/users/{someone.id}/role", data={"role": "staff", "department": ""}).status_code == 422
    assert client.post(f"/admin/users/{someone.id}/role", data={"role": "emperor"}).status_code == 422
    db.session.expire_all()
    assert db.session.get(User, someone.id).role == Role.RESIDENT
    assert _audit("user.role") == []


def test_admin_cannot_demote_or_deactivate_themself(client, login, admin):
    login(admin)
    assert client.post(f"/admin/users/{admin.id}/role", data={"role": "resident"}).status_code == 422
    assert client.post(f"/admin/users/{admin.id}/active", data={"reason": ""}).status_code == 422
    db.session.expire_all()
    assert db.session.get(User, admin.id).active and db.session.get(User, admin.id).is_admin


def test_deactivated_staff_keeps_history_but_cannot_log_in_or_use_the_api(client, make, login, admin, api_headers):
    dept = make.department()
    clerk = make.staff(dept)
    post = make.post(author=clerk)
    headers = api_headers(clerk)
    assert client.get("/api/v1/inbox", headers=headers).status_code == 200

    login(admin)
    resp = client.post(f"/admin/users/{clerk.id}/active", data={"reason": "调离岗位"})
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, clerk.id).active is False
    assert db.session.get(Post, post.id).author_id == clerk.id  # history stays
    (entry,) = _audit("user.deactivate")
    assert entry.reason == "调离岗位" and entry.department_id == dept.id

    assert client.get("/api/v1/inbox", headers=headers).status_code == 401
    assert authenticate(clerk.username, "test-pass-123") is None
    # Their session ends too: the user loader refuses inactive accounts.
    login(clerk)
    assert client.get("/inbox").status_code == 302

    login(admin)
    assert client.post(f"/admin/users/{clerk.id}/active", data={}).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, clerk.id).active is True
    assert len(_audit("user.activate")) == 1


def test_user_list_filters_and_pages(client, make, login, admin):
    for n in range(3):
        make.user(username=f"zhang{n}")
    make.user(Role.SUPERVISOR, username="li_super")
    login(admin)
    page = client.get("/admin/users?q=zhang").get_data(as_text=True)
    assert all(f"zhang{n}" in page for n in range(3)) and "li_super" not in page
    page = client.get("/admin/users?role=supervisor").get_data(as_text=True)
    assert "li_super" in page and "zhang0" not in page
    assert client.get(f"/admin/users/{admin.id}").status_code == 200
    assert client.get("/admin/users/999999").status_code == 404


def test_departments_created_and_edited_with_audit(client, make, login, admin):
    county = make.department(slug="county", name="某县")
    login(admin)
    resp = client.post("/admin/departments", data={
        "slug": "county-water", "name": "县水务局", "parent": "county", "review_required": "y"})
    assert resp.status_code == 303
    dept = db.session.scalar(sa.select(Department).where(Department.slug == "county-water"))
    assert dept.parent_id == county.id and dept.review_required and dept.path == f"{county.path}{dept.id}/"
    assert _audit("department.create")[-1].actor_id == admin.id

    assert client.post("/admin/departments", data={"slug": "Bad Slug!", "name": "x"}).status_code == 422

    resp = client.post("/admin/departments/county-water", data={"name": "县水利局", "description": "管水"})
    assert resp.status_code == 303
    db.session.expire_all()
    dept = db.session.get(Department, dept.id)
    assert dept.name == "县水利局" and dept.review_required is False
    (entry,) = _audit("department.update")
    assert entry.details["changes"]["name"] == ["县水务局", "县水利局"]
    assert entry.details["changes"]["review_required"] == [True, False]
    assert "县水利局" in client.get("/admin/departments").get_data(as_text=True)


def test_settings_change_is_applied_and_audited(app, client, login, admin):
    login(admin)
    assert "140" in client.get("/admin/settings").get_data(as_text=True)
    resp = client.post("/admin/settings", data={
        "POST_MAX_LENGTH": "120", "AUTO_CLOSE_DAYS": "7", "DUE_WORKING_DAYS-consultation": "4"})
    assert resp.status_code == 303
    db.session.expire_all()
    assert get_setting("POST_MAX_LENGTH") == 120
    assert get_setting("DUE_WORKING_DAYS")["consultation"] == 4
    assert get_setting("DUE_WORKING_DAYS")["complaint"] == 5
    changes = {e.details["name"]: e.details for e in _audit("setting.change")}
    assert set(changes) == {"POST_MAX_LENGTH", "DUE_WORKING_DAYS"}  # unchanged AUTO_CLOSE_DAYS: no row
    assert changes["POST_MAX_LENGTH"]["before"] == 140 and changes["POST_MAX_LENGTH"]["after"] == 120


@pytest.mark.parametrize("value", ["abc", "0", "-5", "99999999999"])
def test_settings_refuse_bad_values(client, login, admin, value):
    login(admin)
    resp = client.post("/admin/settings", data={"POST_MAX_LENGTH": value, "AUTO_CLOSE_DAYS": "3"})
    assert resp.status_code == 422
    db.session.expire_all()
    assert get_setting("POST_MAX_LENGTH") == 140
    assert get_setting("AUTO_CLOSE_DAYS") == 7  # nothing saved when one field is wrong
    assert _audit("setting.change") == []


# ----- the audit log viewer -------------------------------------------------

def _entries(actor, department, n, action="thread.dismiss", when=None):
    with time_machine.travel(when or datetime(2025, 6, 10, 2, tzinfo=UTC), tick=True):
        for i in range(n):
            record(actor, action, "thread", i + 1, department_id=department.id if department else None,
                   reason=f"第{i}条")
            db.session.flush()  # created_at is stamped at flush time
    db.session.commit()


def test_audit_viewer_filters_by_actor_action_department_and_date(client, make, login, admin):
    county = make.department(slug="county")
    water = make.department(slug="water", parent=county)
    other = make.department(slug="other")
    clerk = make.staff(water)
    db.session.execute(sa.delete(AuditLog.__table__))  # the factories' own rows; raw SQL, not the ORM
    db.session.commit()
    _entries(clerk, water, 2, when=datetime(2025, 6, 10, 2, tzinfo=UTC))
    _entries(admin, other, 1, action="user.role", when=datetime(2025, 6, 12, 2, tzinfo=UTC))
    _entries(admin, None, 1, action="setting.change", when=datetime(2025, 6, 12, 2, tzinfo=UTC))
    login(admin)

    def rows(query: str) -> int:
        resp = client.get("/admin/audit" + query)
        assert resp.status_code == 200
        return resp.get_data(as_text=True).count("<code>") - resp.get_data(as_text=True).count("<code>{")

    assert rows("") == 4
    assert rows(f"?actor={clerk.username.upper()}") == 2
    assert rows("?action=user.") == 1
    assert rows("?department=county") == 2  # the subtree
    assert rows("?department=nowhere") == 0
    assert rows("?start=2025-06-11") == 2
    assert rows("?end=2025-06-10") == 2
    assert rows("?start=2025-06-10&end=2025-06-10&action=thread.dismiss") == 2
    assert client.get("/admin/audit?start=not-a-date").status_code == 422


def test_audit_viewer_keyset_pages(client, make, login, admin):
    dept = make.department()
    db.session.execute(sa.delete(AuditLog.__table__))
    db.session.commit()
    _entries(admin, dept, 55)
    login(admin)
    first = client.get("/admin/audit").get_data(as_text=True)
    assert first.count("<code>thread.dismiss</code>") == 50
    assert "第54条" in first and "第4条" not in first
    import re

    cursor = re.search(r'href="/admin/audit\?cursor=([^"]+)"', first).group(1)
    second = client.get(f"/admin/audit?cursor={cursor}").get_data(as_text=True)
    assert second.count("<code>thread.dismiss</code>") == 5 and "第4条" in second and "第5条" not in second


def test_supervisor_sees_only_their_subtree(client, make, login):
    county = make.department(slug="county")
    water = make.department(slug="water", parent=county)
    other = make.department(slug="other")
    supervisor = make.user(Role.SUPERVISOR, county)
    db.session.execute(sa.delete(AuditLog.__table__))
    db.session.commit()
    _entries(None, water, 2, action="thread.transfer")
    _entries(None, other, 3, action="thread.dismiss")
    login(supervisor)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert page.count("<code>thread.transfer</code>") == 2 and "<code>thread.dismiss" not in page
    assert "<code>thread.dismiss" not in client.get("/admin/audit?department=other").get_data(as_text=True)


def test_audit_log_is_append_only(make, admin):
    record(admin, "setting.change", "setting", None, name="X")
    db.session.commit()
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "setting.change"))
    entry.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditLog, entry.id))
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditLog, entry.id).reason is None


def test_admin_start_page_and_navigation_link_the_new_pages(client, make, login, admin):
    login(admin)
    page = client.get("/admin/").get_data(as_text=True)
    for href in ("/admin/users", "/admin/departments", "/admin/settings", "/admin/audit"):
        assert f'href="{href}"' in page
    login(make.user(Role.SUPERVISOR))
    assert 'href="/admin/audit"' in client.get("/").get_data(as_text=True)


def test_admin_lists_run_a_fixed_number_of_queries(client, make, login, admin, count_queries):
    dept = make.department()
    login(admin)

    def queries(path: str) -> int:
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    make.staff(dept)
    _entries(admin, dept, 1)
    few_users, few_entries = queries("/admin/users"), queries("/admin/audit")
    for _ in range(6):
        make.staff(dept)
    _entries(admin, dept, 12)
    assert queries("/admin/users") == few_users
    assert queries("/admin/audit") == few_entries
