"""Rate limits: hit, refused with 429 and Retry-After, and recovered once the clock moves."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from weibo_app.models import Role

T0 = datetime(2025, 6, 10, 2, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Shanghai


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_LOGIN_ADDRESS": "3 per minute",
        "RATELIMIT_API": "5 per minute",
    }


def _retry_after(resp) -> int:
    value = int(resp.headers["Retry-After"])
    assert value >= 1
    return value


def test_login_limit_per_address_hits_and_recovers(client, make):
    make.user(username="alice")
    with time_machine.travel(T0, tick=False) as traveller:
        for n in range(3):
            resp = client.post("/auth/login", data={"username": f"nobody{n}", "password": "wrong-pass-1"})
            assert resp.status_code == 422
        resp = client.post("/auth/login", data={"username": "alice", "password": "test-pass-123"})
        assert resp.status_code == 429
        assert 1 <= _retry_after(resp) <= 61
        assert "操作太频繁" in resp.get_data(as_text=True)
        # Reading the page is not an attempt.
        assert client.get("/auth/login").status_code == 200

        traveller.shift(timedelta(seconds=61))
        resp = client.post("/auth/login", data={"username": "alice", "password": "test-pass-123"})
        assert resp.status_code == 302


def test_login_limit_per_named_account_spans_addresses(app, client, make):
    app.config["RATELIMIT_LOGIN_ACCOUNT"] = "2 per minute"
    app.config["RATELIMIT_LOGIN_ADDRESS"] = "100 per minute"
    make.user(username="bob")
    with time_machine.travel(T0, tick=False):
        for addr in ("10.0.0.1", "10.0.0.2"):
            resp = client.post("/auth/login", data={"username": "BOB", "password": "x-wrong-1"},
                               environ_base={"REMOTE_ADDR": addr})
            assert resp.status_code == 422
        resp = client.post("/auth/login", data={"username": "bob", "password": "x-wrong-1"},
                           environ_base={"REMOTE_ADDR": "10.0.0.3"})
        assert resp.status_code == 429
        # Another account from the same address is not affected.
        resp = client.post("/auth/login", data={"username": "carol", "password": "x-wrong-1"},
                           environ_base={"REMOTE_ADDR": "10.0.0.3"})
        assert resp.status_code == 422


def test_api_default_limit_is_json_with_retry_after(client, make):
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(5):
            assert client.get("/api/v1/departments").status_code == 200
        resp = client.get("/api/v1/posts")
        assert resp.status_code == 429
        assert resp.get_json()["error"]["code"] == "rate_limited"
        assert 1 <= _retry_after(resp) <= 61
        traveller.shift(timedelta(seconds=60))
        assert client.get("/api/v1/departments").status_code == 200


def test_api_limit_counts_per_account_not_per_address(app, client, make, api_headers):
    app.config["RATELIMIT_API"] = "3 per minute"
    app.config["RATELIMIT_LOGIN_ADDRESS"] = "100 per minute"
    one, two = make.user(), make.user()
    with time_machine.travel(T0, tick=False):
        h1, h2 = api_headers(one), api_headers(two)  # the token calls count for the address
        for _ in range(3):
            assert client.get("/api/v1/departments", headers=h1).status_code == 200
        assert client.get("/api/v1/departments", headers=h1).status_code == 429
        assert client.get("/api/v1/departments", headers=h2).status_code == 200


def test_new_account_opens_fewer_threads_on_its_first_day(app, client, make, api_headers, login):
    app.config["RATELIMIT_API"] = "1000 per minute"
    app.config["RATELIMIT_LOGIN_ADDRESS"] = "100 per minute"
    dept = make.department()
    with time_machine.travel(T0, tick=False) as traveller:
        resident = make.user()
        headers = api_headers(resident)
        ask = {"body": "请问办证要带什么材料？", "kind": "consultation"}
        for _ in range(3):  # THREAD_NEW: 3 per hour
            assert client.post(f"/api/v1/departments/{dept.slug}/threads", json=ask, headers=headers).status_code == 201
        resp = client.post(f"/api/v1/departments/{dept.slug}/threads", json=ask, headers=headers)
        assert resp.status_code == 429
        assert 1 <= _retry_after(resp) <= 3601
        # The page draws on the same counter as the API.
        resp = login(resident).post(f"/d/{dept.slug}/threads", data=ask)
        assert resp.status_code == 429

        traveller.shift(timedelta(days=1, minutes=1))  # a day old now: THREAD is 10 per hour
        headers = api_headers(resident)
        for _ in range(10):
            assert client.post(f"/api/v1/departments/{dept.slug}/threads", json=ask, headers=headers).status_code == 201
        assert client.post(f"/api/v1/departments/{dept.slug}/threads", json=ask,
                           headers=headers).status_code == 429


def test_thread_limit_per_address_across_accounts(app, client, make, login):
    app.config["RATELIMIT_THREAD_ADDRESS"] = "2 per hour"
    dept = make.department()
    with time_machine.travel(T0, tick=False) as traveller:
        for expected in (303, 303, 429):
            login(make.user())
            resp = client.post(f"/d/{dept.slug}/threads", data={"body": "路灯坏了", "kind": "complaint"})
            assert resp.status_code == expected
        traveller.shift(timedelta(hours=1, seconds=1))
        login(make.user())
        resp = client.post(f"/d/{dept.slug}/threads", data={"body": "路灯坏了", "kind": "complaint"})
        assert resp.status_code == 303


def test_reply_limit_applies_to_staff_too(app, client, make, login):
    app.config["RATELIMIT_REPLY"] = "2 per hour"
    dept = make.department()
    with time_machine.travel(T0 - timedelta(days=3), tick=False):
        clerk = make.staff(dept, Role.STAFF)
    with time_machine.travel(T0, tick=False):
        thread = make.thread(department=dept)
        login(clerk)
        for expected in (303, 303, 429):
            resp = client.post(f"/t/{thread.id}/reply", data={"body": "已收到，正在办理。"})
            assert resp.status_code == expected


def test_register_limit(app, client):
    app.config["RATELIMIT_REGISTER"] = "2 per hour"
    with time_machine.travel(T0, tick=False):
        for n, expected in enumerate((302, 302, 429)):
            client.post("/auth/logout")
            with client.session_transaction() as sess:
                sess.clear()
            resp = client.post("/auth/register", data={
                "username": f"newbie{n}", "password": "abc12345", "password2": "abc12345"})
            assert resp.status_code == expected, resp.get_data(as_text=True)[:300]


def test_flag_limit_is_lower_on_the_first_day_and_shared_by_page_and_api(app, client, make, api_headers, login):
    app.config["RATELIMIT_FLAG_NEW"] = "2 per hour"
    app.config["RATELIMIT_FLAG"] = "3 per hour"
    dept = make.department()
    with time_machine.travel(T0, tick=False) as traveller:
        posts = [make.post(department=dept, body=f"通知{n}") for n in range(6)]
        reporter = make.user()
        headers = api_headers(reporter)

        def flag(post):
            return client.post("/api/v1/flags", json={"target_type": "post", "target_id": post.id, "reason": "spam"},
                               headers=headers)

        assert [flag(p).status_code for p in posts[:3]] == [201, 201, 429]
        login(reporter)
        assert client.post(f"/flag/post/{posts[3].id}", data={"reason": "spam"}).status_code == 429

        traveller.shift(timedelta(days=1, hours=1))  # an older account: 3 per hour
        headers = api_headers(reporter)
        assert [flag(p).status_code for p in posts[2:]] == [201, 201, 201, 429]


def test_limits_live_in_redis_when_redis_url_is_set():
    from weibo_app import create_app
    from weibo_app.core.extensions import limiter

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x",
                      "REDIS_URL": "redis://127.0.0.1:6399/0"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6399/0"
    assert type(limiter._storage).__name__ == "RedisStorage"  # no connection is made until a limit is checked
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert type(limiter._storage).__name__ == "MemoryStorage"
