"""Named API tokens: many per account, listed without their secret, revoked one by one,
refused once expired or revoked; only a digest is stored."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import time_machine

from weibo_app.admin.operations import set_active
from weibo_app.core.extensions import db
from weibo_app.models import ApiToken, Role

from .factories import Factory


def _basic(user, password=Factory.PASSWORD):
    return {"Authorization": "Basic " + base64.b64encode(f"{user.username}:{password}".encode()).decode()}


def _new(client, user, body=None):
    resp = client.post("/api/v1/tokens", headers=_basic(user), json=body) if body is not None else \
        client.post("/api/v1/tokens", headers=_basic(user))
    return resp


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _me(client, token):
    """A call that needs a token: the caller's token list."""
    return client.get("/api/v1/tokens", headers=_bearer(token))


def test_a_new_token_is_named_and_leaves_the_old_one_working(client, make):
    user = make.user()
    first = _new(client, user)
    assert first.status_code == 201
    body = first.get_json()
    assert set(body) == {"token", "id", "name", "expires_at"}
    second = _new(client, user, {"name": "12345热线", "days": 7}).get_json()
    assert second["name"] == "12345热线"
    assert _me(client, body["token"]).status_code == 200
    assert _me(client, second["token"]).status_code == 200
    stored = db.session.get(ApiToken, second["id"])
    assert stored.token_hash == hashlib.sha256(second["token"].encode()).hexdigest()
    assert second["token"] not in {stored.token_hash, stored.name}
    assert timedelta(days=6, hours=23) < stored.expires_at - stored.created_at <= timedelta(days=7)
    default = db.session.get(ApiToken, body["id"])
    assert default.expires_at - default.created_at == timedelta(days=90)


def test_bad_token_requests_are_refused_and_make_nothing(client, make):
    user = make.user()
    for body, status, code in [({"days": 0}, 422, "invalid_days"), ({"days": "7"}, 422, "invalid_days"),
                               ({"days": 366}, 422, "invalid_days"), ({"name": "x" * 61}, 422, "invalid_name"),
                               ({"name": 5}, 422, "invalid_name"), ([1], 400, "invalid_json")]:
        resp = _new(client, user, body)
        assert resp.status_code == status, body
        assert resp.get_json()["error"]["code"] == code, body
    resp = client.post("/api/v1/tokens", headers={**_basic(user), "Content-Type": "application/json"}, data="{")
    assert resp.status_code == 400
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_listing_shows_the_callers_tokens_never_the_secret(client, make):
    user, other = make.user(), make.user()
    mine = _new(client, user, {"name": "one"}).get_json()
    _new(client, other, {"name": "someone else"})
    resp = _me(client, mine["token"])
    tokens = resp.get_json()["tokens"]
    assert [t["name"] for t in tokens] == ["one"]
    assert set(tokens[0]) == {"id", "name", "created_at", "last_used_at", "expires_at", "revoked_at", "active"}
    assert mine["token"] not in resp.get_data(as_text=True)
    assert hashlib.sha256(mine["token"].encode()).hexdigest() not in resp.get_data(as_text=True)
    assert tokens[0]["last_used_at"] is not None  # this very call used it


def test_revoking_one_token_keeps_the_others(client, make):
    user, other = make.user(), make.user()
    keep = _new(client, user, {"name": "keep"}).get_json()
    drop = _new(client, user, {"name": "drop"}).get_json()
    theirs = _new(client, other).get_json()
    assert client.delete(f"/api/v1/tokens/{theirs['id']}", headers=_bearer(keep["token"])).status_code == 404
    assert client.delete("/api/v1/tokens/99999", headers=_bearer(keep["token"])).status_code == 404
    assert _me(client, theirs["token"]).status_code == 200
    resp = client.delete(f"/api/v1/tokens/{drop['id']}", headers=_bearer(keep["token"]))
    assert resp.status_code == 200 and resp.get_json()["revoked_at"] is not None
    refused = _me(client, drop["token"])
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_token"
    assert _me(client, keep["token"]).status_code == 200


def test_an_expired_token_is_refused(client, make):
    user = make.user()
    start = datetime(2026, 3, 2, 1, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        token = _new(client, user, {"days": 1}).get_json()["token"]
        assert _me(client, token).status_code == 200
    with time_machine.travel(start + timedelta(days=1, seconds=1), tick=False):
        resp = _me(client, token)
        assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "invalid_token"


def test_a_bad_token_is_a_401_even_where_none_is_needed(client, make):
    resp = client.get("/api/v1/departments", headers=_bearer("not-a-token"))
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "invalid_token"


def test_deactivation_revokes_every_token(client, make):
    admin, user = make.user(Role.ADMIN), make.user()
    token = _new(client, user).get_json()["token"]
    set_active(admin, user, False)
    db.session.commit()
    set_active(admin, user, True)
    db.session.commit()
    assert _me(client, token).status_code == 401


# ----- the account page ------------------------------------------------------

def test_the_tokens_page_creates_lists_and_revokes(client, make, login):
    user, other = make.user(), make.user()
    theirs = _new(client, other).get_json()
    login(user)
    resp = client.post("/auth/tokens", data={"name": "网页创建", "days": "30"})
    assert resp.status_code == 201 and resp.headers["Cache-Control"] == "no-store"
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == user.id))
    page = resp.get_data(as_text=True)
    secret = page.split('<code class="token-secret">')[1].split("</code>")[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == row.token_hash
    listing = client.get("/auth/tokens").get_data(as_text=True)
    assert "网页创建" in listing and secret not in listing
    assert client.post(f"/auth/tokens/{theirs['id']}/revoke").status_code == 302
    assert db.session.get(ApiToken, theirs["id"]).revoked_at is None
    assert client.post(f"/auth/tokens/{row.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).revoked_at is not None
    assert _me(client, secret).status_code == 401


def test_the_tokens_page_refuses_bad_input(client, make, login):
    login(make.user())
    assert client.post("/auth/tokens", data={"name": "x", "days": "0"}).status_code == 422
    assert client.post("/auth/tokens", data={"name": "x" * 61}).status_code == 422
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_the_tokens_page_needs_a_login(client):
    resp = client.get("/auth/tokens")
    assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]


def test_a_bearer_token_does_not_open_the_account_pages(client, make):
    user = make.user()
    token = _new(client, user).get_json()["token"]
    resp = client.get("/auth/tokens", headers=_bearer(token))
    assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]
    resp = client.post("/auth/tokens", data={"name": "outlives the first"}, headers=_bearer(token))
    assert resp.status_code == 302
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 1
