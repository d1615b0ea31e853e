"""CSRF left on: filing a request and answering it need the token of the rendered form."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from weibo_app.core.extensions import db
from weibo_app.models import InfoRequest

from .test_core_csrf import token_in


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


FORM = {"department": "jiaoyu", "applicant_type": "person", "name": "李四", "phone": "13900000000",
        "description": "请公开", "delivery": "email"}


def test_filing_and_answering_need_the_token(client, login, make):
    dept = make.department(slug="jiaoyu", name="教育局")
    staff, resident = make.staff(dept), make.user()
    login(resident)
    assert client.post("/requests/new", data=FORM).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(InfoRequest.id))) == 0
    token = token_in(client.get("/requests/new").get_data(as_text=True), "/requests/new")
    resp = client.post("/requests/new", data={**FORM, "csrf_token": token})
    assert resp.status_code == 303
    number = db.session.scalar(sa.select(InfoRequest.number))

    login(staff)
    answer = {"outcome": "public", "body": "已公开"}
    assert client.post(f"/requests/{number}/answer", data=answer).status_code == 400
    db.session.expire_all()
    assert db.session.scalar(sa.select(InfoRequest.state)) == "received"
    page = client.get(f"/requests/{number}").get_data(as_text=True)
    resp = client.post(f"/requests/{number}/answer", data={**answer, "csrf_token": token_in(page, f"/requests/{number}/answer")})
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(sa.select(InfoRequest.state)) == "answered"
