"""CSRF left ON for supervision notices: without the token nothing changes; with the form's token it goes through."""

from __future__ import annotations

import pytest

from tests.test_core_csrf import token_in
from weibo_app.core.extensions import db
from weibo_app.models import Role, SupervisionNotice
from weibo_app.supervision import operations as ops


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def test_acknowledge_and_issue_need_the_token(app, client, make, login):
    dept = make.department(slug="bureau-a")
    staff = make.staff(dept)
    sup = make.user(Role.SUPERVISOR, dept)
    notice = ops.issue_notice(sup, dept, "请按期答复", 3)
    db.session.commit()

    login(staff)
    action = f"/notices/{notice.id}/acknowledge"
    assert client.post(action, data={"response": "收到"}).status_code == 400
    assert client.post(action, data={"response": "收到", "csrf_token": "forged"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(SupervisionNotice, notice.id).acknowledged_at is None
    token = token_in(client.get(f"/notices/{notice.id}").get_data(as_text=True), action)
    assert client.post(action, data={"response": "收到", "csrf_token": token}).status_code == 303
    db.session.expire_all()
    assert db.session.get(SupervisionNotice, notice.id).response == "收到"

    login(sup)
    data = {"department": "bureau-a", "body": "第二张", "working_days": "2"}
    assert client.post("/notices/new", data=data).status_code == 400
    token = token_in(client.get("/notices/new").get_data(as_text=True), "/notices/new")
    assert client.post("/notices/new", data={**data, "csrf_token": token}).status_code == 303
    assert db.session.scalar(db.select(db.func.count(SupervisionNotice.id))) == 2
