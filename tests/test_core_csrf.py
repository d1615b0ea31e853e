"""CSRF protection left ON: a form POST without the token is refused and changes nothing;
with the token from the rendered form it goes through. The bearer-token API needs none."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from weibo_app.core.extensions import db
from weibo_app.models import Post, Thread


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def token_in(page: str, action: str) -> str:
    """The csrf_token of the form posting to ``action``."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no form for {action}"
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', form.group(1))
    assert match, f"no csrf_token in the form for {action}"
    return match.group(1) or match.group(2)


def test_dismiss_needs_the_token(app, client, make, login):
    dept = make.department()
    staff = make.staff(dept)
    thread = make.thread(post=make.post(author=staff))
    login(staff)

    resp = client.post(f"/t/{thread.id}/dismiss", data={"reason": "重复"})
    assert resp.status_code == 400
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).state == "awaiting"

    resp = client.post(f"/t/{thread.id}/dismiss", data={"reason": "重复", "csrf_token": "forged"})
    assert resp.status_code == 400

    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    token = token_in(page, f"/t/{thread.id}/dismiss")
    resp = client.post(f"/t/{thread.id}/dismiss", data={"reason": "重复", "csrf_token": token})
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).state == "dismissed"


def test_composer_needs_the_token(app, client, make, login):
    staff = make.staff(make.department())
    login(staff)
    resp = client.post("/posts/new", data={"body": "没有令牌", "category": "work"})
    assert resp.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 0

    token = token_in(client.get("/posts/new").get_data(as_text=True), "/posts/new")
    resp = client.post("/posts/new", data={"body": "带着令牌", "category": "work", "csrf_token": token})
    assert resp.status_code == 302
    assert db.session.scalar(sa.select(Post.body)) == "带着令牌"


def test_the_api_is_exempt(app, client, make, api_headers):
    staff = make.staff(make.department())
    resp = client.post("/api/v1/posts", json={"body": "接口发布", "category": "work"}, headers=api_headers(staff))
    assert resp.status_code == 201
