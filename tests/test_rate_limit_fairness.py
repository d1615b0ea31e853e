"""Rate limits count what succeeded; the 429 says when to come back and keeps what was typed."""

import math
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from weibo_app.core.i18n import COOKIE
from weibo_app.models import Role

T0 = datetime(2025, 6, 10, 2, 0, tzinfo=UTC)
ASK = {"body": "请问办证要带什么材料？", "kind": "consultation"}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_API": "1000 per minute",
            "RATELIMIT_LOGIN_ADDRESS": "100 per minute"}


def test_invalid_thread_submissions_do_not_use_up_the_hourly_threads(client, make, login):
    dept = make.department()
    with time_machine.travel(T0, tick=False):
        resident = make.user()  # a first-day account: 3 threads an hour
        login(resident)
        for _ in range(5):  # empty body: a validation error, sent back with 422
            assert client.post(f"/d/{dept.slug}/threads", data={"body": "", "kind": "consultation"}).status_code == 422
        for _ in range(2):  # an unknown kind: refused as well
            assert client.post(f"/d/{dept.slug}/threads", data={"body": "路灯坏了", "kind": "nonsense"}).status_code == 422
        assert [client.post(f"/d/{dept.slug}/threads", data=ASK).status_code for _ in range(4)] == [303, 303, 303, 429]


def test_successful_submissions_count_and_the_api_shares_the_counter(client, make, api_headers, login):
    dept = make.department()
    with time_machine.travel(T0, tick=False):
        resident = make.user()
        headers = api_headers(resident)
        url = f"/api/v1/departments/{dept.slug}/threads"
        # Refused API calls (a missing body, a bad kind) do not count either.
        assert client.post(url, json={"kind": "consultation"}, headers=headers).status_code == 422
        assert client.post(url, json={"body": "x" * 10, "kind": "bad"}, headers=headers).status_code == 422
        assert client.post(url, json=ASK, headers=headers).status_code == 201
        assert client.post(url, json=ASK, headers=headers).status_code == 201
        login(resident)
        assert client.post(f"/d/{dept.slug}/threads", data=ASK).status_code == 303
        resp = client.post(url, json=ASK, headers=headers)
        assert resp.status_code == 429
        error = resp.get_json()["error"]
        assert error["code"] == "rate_limited"
        assert 1 <= error["retry_after"] <= 3601
        assert resp.headers["Retry-After"] == str(error["retry_after"])


def test_refused_replies_do_not_count(app, client, make, login):
    app.config["RATELIMIT_REPLY"] = "2 per hour"
    dept = make.department()
    with time_machine.travel(T0 - timedelta(days=3), tick=False):
        clerk = make.staff(dept, Role.STAFF)
    with time_machine.travel(T0, tick=False):
        thread = make.thread(department=dept)
        login(clerk)
        for _ in range(3):
            assert client.post(f"/t/{thread.id}/reply", data={"body": "  "}).status_code == 422
        codes = [client.post(f"/t/{thread.id}/reply", data={"body": "已收到，正在办理。"}).status_code for _ in range(3)]
        assert codes == [303, 303, 429]


def test_wrong_passwords_still_count_against_the_login_limit(app, client, make):
    app.config["RATELIMIT_LOGIN_ADDRESS"] = "2 per minute"
    make.user(username="alice")
    with time_machine.travel(T0, tick=False):
        for _ in range(2):
            assert client.post("/auth/login", data={"username": "alice", "password": "wrong-1"}).status_code == 422
        resp = client.post("/auth/login", data={"username": "alice", "password": "wrong-1"})
        assert resp.status_code == 429
        page = resp.get_data(as_text=True)
        assert "wrong-1" not in page  # a password is never shown back or re-posted


def test_html_429_says_when_and_keeps_the_typed_text(client, make, login):
    dept = make.department()
    typed = "小区门口的路灯已经坏了三天，<晚上>很不安全。"
    with time_machine.travel(T0, tick=False):
        resident = make.user()
        login(resident)
        for _ in range(3):
            assert client.post(f"/d/{dept.slug}/threads", data=ASK).status_code == 303
        referer = f"http://localhost/d/{dept.slug}"
        resp = client.post(f"/d/{dept.slug}/threads", data={"body": typed, "kind": "complaint"},
                           headers={"Referer": referer})
    assert resp.status_code == 429
    wait = int(resp.headers["Retry-After"])
    assert 3500 <= wait <= 3601  # the hour's window has just begun
    page = resp.get_data(as_text=True)
    assert f"请在 {math.ceil(wait / 60)} 分钟后再试" in page
    # The text comes back escaped in a read-only box, and in a form that posts it again.
    assert re.search(r"<textarea[^>]*readonly[^>]*>小区门口的路灯已经坏了三天，&lt;晚上&gt;很不安全。</textarea>", page)
    form = re.search(r'<form method="post" action="([^"]+)" class="repost-form">(.*?)</form>', page, re.S)
    assert form and form.group(1) == f"/d/{dept.slug}/threads"
    assert 'name="kind" value="complaint"' in form.group(2)
    assert 'name="csrf_token"' in form.group(2)
    # A way back to where the form was, not only the home page.
    assert f'href="/d/{dept.slug}"' in page


def test_html_429_back_link_ignores_other_sites(client, make, login):
    dept = make.department()
    with time_machine.travel(T0, tick=False):
        login(make.user())
        for _ in range(3):
            client.post(f"/d/{dept.slug}/threads", data=ASK)
        resp = client.post(f"/d/{dept.slug}/threads", data=ASK, headers={"Referer": "https://evil.example/x"})
    assert resp.status_code == 429
    page = resp.get_data(as_text=True)
    assert "evil.example" not in page
    assert "返回上一页" not in page


def test_english_429_page(client, make, login):
    dept = make.department()
    with time_machine.travel(T0, tick=False) as traveller:
        login(make.user())
        for _ in range(3):
            client.post(f"/d/{dept.slug}/threads", data=ASK)
        traveller.shift(timedelta(minutes=59, seconds=30))
        client.set_cookie(COOKIE, "en")
        resp = client.post(f"/d/{dept.slug}/threads", data=ASK)
    assert resp.status_code == 429
    wait = int(resp.headers["Retry-After"])
    assert 30 <= wait <= 31
    assert f"Try again in {wait} s." in resp.get_data(as_text=True)
