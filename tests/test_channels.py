"""Requests from other channels: staff record them, the contact stays private, external_ref is idempotent."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from weibo_app.core.extensions import db
from weibo_app.models import AuditLog, Notification, Role, Thread
from weibo_app.threads.operations import reply_to_thread

PAYLOAD = {
    "body": "来电反映：小区门口路灯坏了一周。",
    "kind": "help",
    "channel": "phone",
    "contact": {"name": "张三丰", "phone": "13812345678"},
}


@pytest.fixture
def desk(app, make):
    county = make.department(slug="county", name="清河县")
    bureau = make.department(slug="bureau", name="县教育局", parent=county)
    other = make.department(slug="other", name="县民政局")
    return {
        "county": county, "bureau": bureau, "other": other,
        "clerk": make.staff(bureau), "stranger": make.staff(other),
        "supervisor": make.user(Role.SUPERVISOR, county),
        "outsider_supervisor": make.user(Role.SUPERVISOR, other),
        "resident": make.user(),
    }


def post_record(client, headers, slug="bureau", **changes):
    return client.post(f"/api/v1/departments/{slug}/threads", json={**PAYLOAD, **changes}, headers=headers)


def test_staff_record_a_phone_call_for_their_department(desk, client, api_headers):
    resp = post_record(client, api_headers(desk["clerk"]))
    assert resp.status_code == 201, resp.get_json()
    data = resp.get_json()
    assert data["channel"] == "phone" and data["state"] == "awaiting" and data["kind"] == "help"
    assert data["contact"] == {"name": "张三丰", "phone": "13812345678"}
    thread = db.session.get(Thread, data["id"])
    assert thread.author_id is None and thread.recorded_by_id == desk["clerk"].id
    assert thread.due_at == thread.first_due_at and thread.due_at > thread.opened_at
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "thread.record")).target_id == thread.id
    # The department hears of it like any new thread; nobody gets a notification for the absent author.
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(sa.select(Notification))}
    assert kinds == {(desk["clerk"].id, "thread_new")}


def test_supervisor_records_in_their_subtree_only(desk, client, api_headers):
    headers = api_headers(desk["supervisor"])
    assert post_record(client, headers, slug="bureau").status_code == 201
    assert post_record(client, headers, slug="other").status_code == 403
    assert post_record(client, api_headers(desk["outsider_supervisor"]), slug="bureau").status_code == 403


def test_staff_of_another_department_and_residents_cannot_record(desk, client, api_headers):
    resp = post_record(client, api_headers(desk["stranger"]))
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "not_department_staff"
    assert post_record(client, api_headers(desk["resident"])).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 0


def test_staff_without_channel_still_get_residents_only(desk, client, api_headers):
    resp = client.post("/api/v1/departments/bureau/threads", json={"body": "x", "kind": "help"},
                       headers=api_headers(desk["clerk"]))
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "residents_only"


@pytest.mark.parametrize("changes, code", [
    ({"channel": "web"}, "invalid_channel"),
    ({"channel": "pigeon"}, "invalid_channel"),
    ({"contact": {"name": "", "phone": "1"}}, "contact_name_required"),
    ({"contact": {"name": "李四", "phone": "not a phone"}}, "invalid_phone"),
    ({"contact": "李四"}, "missing_field"),
    ({"external_ref": "bad ref with spaces"}, "invalid_external_ref"),
    ({"kind": "nonsense"}, "invalid_kind"),
    ({"body": ""}, "empty_body"),
])
def test_bad_input_is_refused_and_changes_nothing(desk, client, api_headers, changes, code):
    resp = post_record(client, api_headers(desk["clerk"]), **changes)
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["code"] == code
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 0


def test_same_external_ref_returns_the_same_thread(desk, client, api_headers):
    headers = api_headers(desk["clerk"])
    first = post_record(client, headers, external_ref="12345-2026-0001")
    again = post_record(client, headers, external_ref="12345-2026-0001", body="重复推送")
    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json()["id"] == again.get_json()["id"]
    assert again.get_json()["external_ref"] == "12345-2026-0001"
    # The reference is unique per department: another department may use the same one.
    other = post_record(client, api_headers(desk["stranger"]), slug="other", external_ref="12345-2026-0001")
    assert other.status_code == 201 and other.get_json()["id"] != first.get_json()["id"]


def test_public_sees_channel_and_masked_name_never_the_contact(desk, client, api_headers, login, make):
    data = post_record(client, api_headers(desk["clerk"]), external_ref="ref-9").get_json()
    public = client.get(f"/api/v1/threads/{data['id']}").get_json()
    assert public["channel"] == "phone" and public["contact"] is None and public["external_ref"] is None
    assert "13812345678" not in str(public) and "张三丰" not in str(public)
    for path in (f"/t/{data['id']}", "/d/bureau?tab=board", "/d/bureau"):
        html = client.get(path).get_data(as_text=True)
        assert "13812345678" not in html and "张三丰" not in html and "ref-9" not in html, path
    html = client.get(f"/t/{data['id']}").get_data(as_text=True)
    assert "来电" in html and "张**" in html
    feed = client.get("/d/bureau/feed.atom").get_data(as_text=True)
    assert "13812345678" not in feed and "张三丰" not in feed
    search = client.get("/search?q=路灯").get_data(as_text=True)
    assert "13812345678" not in search and "张三丰" not in search
    # Insiders: the department's staff and the supervisor over it see the contact.
    for who in ("clerk", "supervisor"):
        login(desk[who])
        html = client.get(f"/t/{data['id']}").get_data(as_text=True)
        assert "13812345678" in html and "张三丰" in html, who
        api = client.get(f"/api/v1/threads/{data['id']}", headers=api_headers(desk[who])).get_json()
        assert api["contact"]["phone"] == "13812345678"
    login(desk["stranger"])
    assert "13812345678" not in client.get(f"/t/{data['id']}").get_data(as_text=True)
    other = client.get(f"/api/v1/threads/{data['id']}", headers=api_headers(desk["stranger"])).get_json()
    assert other["contact"] is None


def test_recorded_thread_is_answered_and_listed_without_an_author(desk, client, login, api_headers):
    data = post_record(client, api_headers(desk["clerk"])).get_json()
    thread = db.session.get(Thread, data["id"])
    reply_to_thread(desk["clerk"], thread, "已安排维修。")
    db.session.commit()
    assert thread.state == "answered"
    login(desk["clerk"])
    for path in ("/inbox", f"/t/{thread.id}", "/d/bureau?tab=board", "/me/threads"):
        assert client.get(path).status_code == 200, path
    login(desk["supervisor"])
    for path in ("/dashboard/rows?figure=answered&department=county", "/dashboard"):
        assert client.get(path).status_code == 200, path


def test_record_form_from_the_inbox(desk, client, login):
    login(desk["clerk"])
    assert "/d/bureau/record" in client.get("/inbox").get_data(as_text=True)
    assert client.get("/d/bureau/record").status_code == 200
    resp = client.post("/d/bureau/record", data={
        "channel": "letter", "kind": "complaint", "contact_name": "王五", "contact_phone": "",
        "external_ref": "", "body": "来信投诉噪音。",
    })
    assert resp.status_code == 303
    thread = db.session.scalar(sa.select(Thread))
    assert thread.channel == "letter" and thread.contact_name == "王五" and thread.contact_phone is None
    bad = client.post("/d/bureau/record", data={"channel": "letter", "kind": "complaint",
                                                 "contact_name": "王五", "contact_phone": "abc", "body": "x"})
    assert bad.status_code == 422 and "联系电话格式不正确" in bad.get_data(as_text=True)
    login(desk["stranger"])
    assert client.get("/d/bureau/record").status_code == 403
    assert client.post("/d/bureau/record", data={"channel": "letter", "kind": "complaint",
                                                  "contact_name": "王五", "body": "x"}).status_code == 403
    login(desk["resident"])
    assert client.get("/d/bureau/record").status_code == 403
