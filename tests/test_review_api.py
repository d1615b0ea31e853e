"""The workflow through /api/v1: the same services, JSON errors with the right statuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from weibo_app.core.extensions import db
from weibo_app.models import Post

from .review_world import build_world, use_quick_password_hashes


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch):
    use_quick_password_hashes(monkeypatch)


@pytest.fixture
def world(make):
    return build_world(make)


def test_major_post_through_the_api(world, client, api_headers):
    author, reviewer, head = (api_headers(u) for u in (world.author, world.reviewer, world.head))
    resp = client.post("/api/v1/posts", json={"body": "县十四五规划中期评估", "category": "plans", "major": True},
                       headers=author)
    assert resp.status_code == 201 and resp.get_json()["state"] == "draft"
    pid = resp.get_json()["id"]

    assert client.post(f"/api/v1/posts/{pid}/submit", headers=reviewer).get_json()["error"]["code"] == "author_only"
    assert client.post(f"/api/v1/posts/{pid}/submit", headers=author).get_json()["state"] == "pending"
    assert [p["id"] for p in client.get("/api/v1/review", headers=reviewer).get_json()["posts"]] == [pid]
    assert client.get("/api/v1/review", headers=author).get_json()["posts"] == []

    resp = client.post(f"/api/v1/posts/{pid}/approve", json={"secrecy_checked": False}, headers=reviewer)
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "secrecy_check_required"
    resp = client.post(f"/api/v1/posts/{pid}/approve", json={"secrecy_checked": True}, headers=reviewer)
    assert resp.status_code == 200 and resp.get_json()["state"] == "pending_final"
    assert client.get("/api/v1/review", headers=reviewer).get_json()["posts"] == []
    assert [p["id"] for p in client.get("/api/v1/review", headers=head).get_json()["posts"]] == [pid]

    resp = client.post(f"/api/v1/posts/{pid}/approve", json={"secrecy_checked": True}, headers=head)
    body = resp.get_json()
    assert (resp.status_code, body["state"], body["major"]) == (200, "published", True)
    assert client.get(f"/api/v1/posts/{pid}").status_code == 200

    resp = client.post(f"/api/v1/posts/{pid}/corrections", json={"body": "更正：评估报告第5页数据"}, headers=author)
    assert resp.status_code == 201 and resp.get_json()["body"] == "更正：评估报告第5页数据"
    assert client.post(f"/api/v1/posts/{pid}/withdraw", json={"reason": "x"}, headers=author).status_code == 403
    resp = client.post(f"/api/v1/posts/{pid}/withdraw", json={"reason": "数据待核实"}, headers=head)
    assert resp.get_json()["state"] == "withdrawn" and resp.get_json()["withdraw_reason"] == "数据待核实"


def test_return_and_schedule_through_the_api(world, client, api_headers):
    author, reviewer = api_headers(world.author), api_headers(world.reviewer)
    pid = client.post("/api/v1/posts", json={"body": "春季招聘公告", "category": "personnel"},
                      headers=author).get_json()["id"]
    client.post(f"/api/v1/posts/{pid}/submit", headers=author)
    resp = client.post(f"/api/v1/posts/{pid}/return", json={}, headers=reviewer)
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "missing_field"
    resp = client.post(f"/api/v1/posts/{pid}/return", json={"comment": "补充报名方式"}, headers=reviewer)
    assert resp.get_json()["state"] == "draft"

    resp = client.post(f"/api/v1/posts/{pid}/schedule", json={"at": "2030-01-01T09:00:00"}, headers=author)
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "invalid_time"
    resp = client.post(f"/api/v1/posts/{pid}/schedule", json={"at": "2030-01-01T09:00:00+08:00"}, headers=author)
    assert resp.get_json()["scheduled_at"] == "2030-01-01T09:00:00+08:00"
    client.post(f"/api/v1/posts/{pid}/submit", headers=author)
    resp = client.post(f"/api/v1/posts/{pid}/approve", json={"secrecy_checked": True}, headers=reviewer)
    body = resp.get_json()
    assert (body["state"], body["published_at"]) == ("scheduled", "2030-01-01T09:00:00+08:00")
    assert client.get(f"/api/v1/posts/{pid}").status_code == 404
    resp = client.post(f"/api/v1/posts/{pid}/schedule", json={"at": "2030-01-02T09:00:00+08:00"}, headers=reviewer)
    assert resp.get_json()["published_at"] == "2030-01-02T09:00:00+08:00"


@pytest.mark.parametrize("who", ["resident", "supervisor", "admin", "reviewer_b", "head_b", "staff2"])
def test_outsiders_are_refused_with_json_403(world, client, api_headers, who):
    post = world.post("pending")
    headers = api_headers(getattr(world, who))
    for path, payload in (("approve", {"secrecy_checked": True}), ("return", {"comment": "不行"}),
                          ("schedule", {"at": "2030-01-01T09:00:00+08:00"})):
        resp = client.post(f"/api/v1/posts/{post.id}/{path}", json=payload, headers=headers)
        assert resp.status_code == 403, (who, path)
        assert set(resp.get_json()["error"]) == {"code", "message"}
    db.session.refresh(post)
    assert (post.state, post.scheduled_at) == ("pending", None)


def test_wrong_state_is_a_409_and_missing_post_a_404(world, client, api_headers):
    post = world.post("published")
    headers = api_headers(world.reviewer)
    resp = client.post(f"/api/v1/posts/{post.id}/approve", json={"secrecy_checked": True}, headers=headers)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "invalid_state"
    assert client.post("/api/v1/posts/99999/approve", json={"secrecy_checked": True}, headers=headers).status_code == 404
    assert client.post(f"/api/v1/posts/{post.id}/approve", json={"secrecy_checked": True}).status_code == 401


def test_fast_track_through_the_api_pins_the_timeline(world, client, api_headers):
    t0 = datetime(2026, 7, 1, 2, 0, tzinfo=UTC)
    with time_machine.travel(t0, tick=False):
        post = world.post("pending", category="emergency", body="暴雨红色预警：全县停课")
        resp = client.post(f"/api/v1/posts/{post.id}/fast-track",
                           json={"secrecy_checked": True, "pin_until": "2026-07-01T16:00:00+08:00"},
                           headers=api_headers(world.head))
        body = resp.get_json()
        assert (resp.status_code, body["state"], body["fast_track"]) == (200, "published", True)
    assert db.session.get(Post, post.id).timeline_pinned_until == t0 + timedelta(hours=6)
