"""With CSRF protection on, a review decision without the token changes nothing."""

from __future__ import annotations

import re

import pytest

from weibo_app.core.extensions import db

from .review_world import build_world, use_quick_password_hashes


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch):
    use_quick_password_hashes(monkeypatch)


def test_approve_needs_the_csrf_token(make, client, login):
    world = build_world(make)
    post = world.post("pending")
    login(world.reviewer)
    resp = client.post(f"/review/{post.id}/approve", data={"secrecy_checked": "y"})
    assert resp.status_code == 400
    db.session.refresh(post)
    assert post.state == "pending"

    html = client.get(f"/review/{post.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    resp = client.post(f"/review/{post.id}/approve", data={"secrecy_checked": "y", "csrf_token": token.group(1)})
    assert resp.status_code == 303
    db.session.refresh(post)
    assert post.state == "published"
