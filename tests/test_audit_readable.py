"""The audit log reads in words: labelled actions, local times, key: value details, links to targets."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from weibo_app.audit.labels import ACTION_LABELS, action_label
from weibo_app.audit.log import record
from weibo_app.core.extensions import db
from weibo_app.core.i18n import COOKIE
from weibo_app.models import AuditLog, Role

ROOT = Path(__file__).resolve().parent.parent / "weibo_app"
WHEN = datetime(2025, 6, 10, 2, 5, tzinfo=UTC)  # 10:05 in Shanghai


@pytest.fixture
def admin(make):
    return make.user(Role.ADMIN)


def _fresh_log():
    db.session.execute(sa.delete(AuditLog.__table__))  # the factories' own rows; raw SQL, not the ORM
    db.session.commit()


def _rows(page: str) -> list[str]:
    return re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", page, re.S)


def test_every_recorded_action_code_has_a_label():
    source = "\n".join(p.read_text(encoding="utf-8") for p in ROOT.rglob("*.py"))
    codes = set(re.findall(r"\brecord\(\s*[^,]+,\s*\"([a-z_]+\.[a-z_]+)\"", source))
    codes |= set(re.findall(r"\"([a-z_]+\.[a-z_]+)\" if [^\n]+ else \"([a-z_]+\.[a-z_]+)\"", source)[0])
    codes |= set(re.findall(r"action=\"(thread\.[a-z_]+)\"", source))
    codes |= set(re.findall(r"action = \"(thread\.[a-z_]+)\"", source))
    # Information requests record "request.<step>": every step the disclosure services take.
    disclosure = (ROOT / "disclosure" / "operations.py").read_text(encoding="utf-8")
    steps = set(re.findall(r"_step\(req, actor, \"([a-z_]+)\"", disclosure)) | {"answered", "closed"}
    codes |= {f"request.{step}" for step in steps}
    assert len(codes) > 60
    assert sorted(codes - set(ACTION_LABELS)) == []


def test_labels_local_time_details_and_links(app, client, make, login, admin):
    dept = make.department(slug="water", name="水务局")
    thread = make.thread(department=dept)
    post = make.post(department=dept)
    clerk = make.staff(dept)
    _fresh_log()
    with time_machine.travel(WHEN, tick=False):
        record(clerk, "thread.dismiss", "thread", thread.id, department_id=dept.id, reason="重复留言")
        record(admin, "user.role", "user", clerk.id, department_id=dept.id, role="reviewer", resolved=True)
        record(clerk, "post.pin", "post", post.id, department_id=dept.id)
        record(admin, "department.update", "department", dept.id, department_id=dept.id)
        record(admin, "thread.dismiss", "thread", 999999, department_id=dept.id)  # gone: no link
        record(admin, "custom.thing", "gadget", 7, department_id=dept.id, colour="red")
    db.session.commit()
    login(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    rows = _rows(page)
    assert len(rows) == 6
    assert "驳回留言" in page and "变更角色" in page and "置顶微博" in page
    # The UTC instant in the machine-readable attribute, the local time in the text.
    assert '<time datetime="2025-06-10T02:05:00Z"' in page
    assert "2025-06-10 10:05</time>" in page
    assert "Asia/Shanghai" in page
    # Details as key: value, in words, never as raw JSON.
    assert "<dt>角色</dt><dd>reviewer</dd>" in page and "<dt>是否解决</dt><dd>是</dd>" in page
    assert '{"role"' not in page
    # Links to the targets that exist.
    assert f'href="/t/{thread.id}"' in page
    assert f'href="/p/{post.id}"' in page
    assert f'href="/admin/users/{clerk.id}"' in page
    assert 'href="/d/water"' in page
    assert 'href="/t/999999"' not in page
    # An unknown code is shown as the code; its unknown target kind and detail key as they are.
    unknown = next(r for r in rows if "custom.thing" in r)
    assert '<span class="audit-action">custom.thing</span>' in unknown
    assert "gadget #7" in unknown and "<dt>colour</dt><dd>red</dd>" in unknown


def test_no_link_to_what_the_viewer_cannot_open(client, make, login):
    county = make.department(slug="county")
    water = make.department(slug="water", parent=county)
    supervisor = make.user(Role.SUPERVISOR, county)
    resident = make.user()
    private = make.thread(department=water)
    private.private = True
    private.held_at = None
    db.session.commit()
    _fresh_log()
    with time_machine.travel(WHEN, tick=False):
        record(supervisor, "thread.urge", "thread", private.id, department_id=water.id)
        record(supervisor, "user.role", "user", resident.id, department_id=water.id)
    db.session.commit()
    login(supervisor)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert len(_rows(page)) == 2
    # The supervisor oversees water: the private thread is theirs to read ...
    assert f'href="/t/{private.id}"' in page
    # ... but account pages belong to admins: the row names the account without a link.
    assert f'href="/admin/users/{resident.id}"' not in page
    assert f"账号 #{resident.id}" in page


def test_private_thread_of_another_subtree_is_not_linked(make):
    from weibo_app.audit.targets import target_links

    water = make.department(slug="water")
    other = make.department(slug="other")
    supervisor = make.user(Role.SUPERVISOR, other)
    private = make.thread(department=water)
    private.private = True
    db.session.commit()
    entry = AuditLog(action="thread.urge", target_type="thread", target_id=private.id)
    with make_request_context():
        assert target_links(supervisor, [entry]) == {}


def make_request_context():
    from flask import current_app

    return current_app.test_request_context("/admin/audit")


def test_english_labels(client, make, login, admin):
    dept = make.department()
    thread = make.thread(department=dept)
    _fresh_log()
    record(admin, "thread.dismiss", "thread", thread.id, department_id=dept.id)
    db.session.commit()
    login(admin)
    client.set_cookie(COOKIE, "en")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Dismissed a thread" in page
    assert action_label("no.such") == "no.such"
