"""Sessions end on the server: logout, a password change, deactivation and "log out
everywhere" move the account's session epoch on, and every session and remember
cookie made before stops working. Login and logout say so in a flash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from weibo_app import create_app
from weibo_app.admin.operations import set_active
from weibo_app.auth import operations as auth_ops
from weibo_app.auth.operations import LOCK_AFTER, authenticate
from weibo_app.core.extensions import db
from weibo_app.models import Role

from .factories import Factory

PASSWORD = Factory.PASSWORD
NEW_PASSWORD = "brand-new-pass-42"
PRIVATE = "/auth/password"  # any page that needs a login


def _login(client, username, remember=False):
    data = {"username": username, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    resp = client.post("/auth/login", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return resp


def _other_client(app, **cookies):
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value, domain="localhost")
    return other


def _signed_in(client) -> bool:
    return client.get(PRIVATE).status_code == 200


def test_a_copied_session_cookie_stops_working_after_logout(app, client, make):
    user = make.user(username="copy_me")
    _login(client, user.username)
    thief = _other_client(app, session=client.get_cookie("session").value)
    assert _signed_in(thief)
    client.post("/auth/logout")
    assert not _signed_in(client)
    assert not _signed_in(thief)


def test_a_remember_cookie_stops_working_after_logout(app, client, make):
    user = make.user(username="remember_me")
    _login(client, user.username, remember=True)
    cookie = client.get_cookie("remember_token").value
    assert _signed_in(_other_client(app, remember_token=cookie))  # a new browser session on the cookie alone
    client.post("/auth/logout")
    assert client.get_cookie("remember_token") is None  # the browser is told to drop it...
    assert not _signed_in(_other_client(app, remember_token=cookie))  # ...and a kept copy is refused


def test_logging_out_on_another_client_ends_the_remember_cookie(app, client, make, login):
    user = make.user(username="two_devices")
    _login(client, user.username, remember=True)
    cookie = client.get_cookie("remember_token").value
    laptop = _other_client(app)
    _login(laptop, user.username)
    laptop.post("/auth/logout")
    assert not _signed_in(_other_client(app, remember_token=cookie))
    assert not _signed_in(client)


def test_a_session_from_before_session_epochs_is_refused(client, make):
    user = make.user()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)  # the bare id older sessions carried
    assert not _signed_in(client)


def test_remember_cookie_lasts_thirty_days_at_most(app, client, make):
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    longer = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                         "REMEMBER_COOKIE_DURATION": timedelta(days=365)})
    assert longer.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    user = make.user()
    resp = _login(client, user.username, remember=True)
    remember = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0]
    expires = parsedate_to_datetime(remember[0].split("Expires=")[1].split(";")[0])
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30, minutes=1)


def test_login_and_logout_say_so(client, make):
    user = make.user()
    _login(client, user.username)
    page = client.get("/").get_data(as_text=True)
    assert "已登录" in page
    client.post("/auth/logout")
    assert "已退出登录" in client.get("/").get_data(as_text=True)


# ----- password change ------------------------------------------------------

def _change(client, current, new, again=None):
    return client.post("/auth/password", data={"current": current, "password": new, "password2": again or new})


def test_the_account_menu_links_the_password_page(client, make, login):
    login(make.user())
    page = client.get("/").get_data(as_text=True)
    assert 'href="/auth/password"' in page


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, make):
    user = make.user(username="changer")
    _login(client, user.username, remember=True)
    other = _other_client(app)
    _login(other, user.username, remember=True)
    old_cookie = other.get_cookie("remember_token").value

    resp = _change(client, PASSWORD, NEW_PASSWORD)
    assert resp.status_code == 302
    with client.session_transaction() as sess:
        assert any("其他设备上的登录已退出" in m for _, m in sess.get("_flashes", []))
    assert _signed_in(client)
    assert not _signed_in(other)
    assert not _signed_in(_other_client(app, remember_token=old_cookie))
    # This browser's own remember cookie was issued again with the new identity.
    assert _signed_in(_other_client(app, remember_token=client.get_cookie("remember_token").value))
    assert authenticate("changer", PASSWORD) is None
    assert authenticate("changer", NEW_PASSWORD) is not None


@pytest.mark.parametrize(("current", "new", "again", "message"), [
    ("wrong-pass-1", NEW_PASSWORD, None, "当前密码不正确"),
    (PASSWORD, "short1", None, "8到128"),
    (PASSWORD, "onlyletters", None, "字母和数字"),
    (PASSWORD, NEW_PASSWORD, "something-else-1", "两次输入的密码不一致"),
    (PASSWORD, PASSWORD, None, "不能与当前密码相同"),
])
def test_a_refused_password_change_changes_nothing(app, client, make, current, new, again, message):
    user = make.user(username="keeper")
    _login(client, user.username)
    other = _other_client(app)
    _login(other, user.username)
    resp = _change(client, current, new, again)
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert _signed_in(client) and _signed_in(other)
    assert authenticate("keeper", PASSWORD) is not None


def test_log_out_everywhere_ends_every_session(app, client, make):
    user = make.user()
    _login(client, user.username, remember=True)
    cookie = client.get_cookie("remember_token").value
    other = _other_client(app)
    _login(other, user.username)
    assert client.post("/auth/logout-everywhere").status_code == 302
    assert not _signed_in(client) and not _signed_in(other)
    assert not _signed_in(_other_client(app, remember_token=cookie))


def test_deactivation_ends_sessions_and_they_stay_ended_after_reactivation(app, client, make):
    admin = make.user(Role.ADMIN)
    user = make.user()
    _login(client, user.username, remember=True)
    cookie = client.get_cookie("remember_token").value
    set_active(admin, user, False)
    db.session.commit()
    assert not _signed_in(client)
    set_active(admin, user, True)
    db.session.commit()
    assert not _signed_in(_other_client(app, remember_token=cookie))


def test_the_api_ignores_session_and_remember_cookies(app, client, make, api_headers):
    dept = make.department()
    post = make.post(department=dept)
    user = make.user()
    _login(client, user.username, remember=True)
    assert _signed_in(client)
    resp = client.post(f"/api/v1/posts/{post.id}/like")
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "token_required"
    only_cookie = _other_client(app, remember_token=client.get_cookie("remember_token").value)
    assert only_cookie.post(f"/api/v1/posts/{post.id}/like").status_code == 401
    # With a bearer token the same client gets in, cookie or no cookie.
    assert client.post(f"/api/v1/posts/{post.id}/like", headers=api_headers(user)).status_code in (200, 201)


# ----- equal work for every failed login ------------------------------------

@pytest.fixture
def hash_calls(monkeypatch):
    calls = []
    real = auth_ops.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(auth_ops, "check_password_hash", counting)
    return calls


@pytest.mark.real_password_hashing  # the accounts' hashes are compared with the one for no account
def test_every_login_attempt_runs_the_password_hash_once(app, make, hash_calls):
    admin = make.user(Role.ADMIN)
    make.user(username="good")
    make.user(username="locked")
    gone = make.user(username="gone")
    set_active(admin, gone, False)
    for _ in range(LOCK_AFTER):
        authenticate("locked", "wrong-pass-1")
    db.session.commit()
    cases = [("nobody", PASSWORD), ("good", "wrong-pass-1"), ("good", PASSWORD),
             ("locked", PASSWORD), ("locked", "wrong-pass-1"), ("gone", PASSWORD)]
    for username, password in cases:
        hash_calls.clear()
        authenticate(username, password)
        assert len(hash_calls) == 1, username
    # A locked account runs the same kind of hash as every other (not a cheap shortcut).
    hash_calls.clear()
    authenticate("locked", PASSWORD)
    authenticate("nobody", PASSWORD)
    assert hash_calls[0].split("$")[0] == hash_calls[1].split("$")[0]


@pytest.mark.real_password_hashing
def test_a_password_is_stored_with_a_slow_salted_hash(app, client, make):
    """As in production (the rest of the suite swaps in a cheap hash): scrypt, salted, and the
    account signs in with it."""
    user = make.user()
    method, salt, _digest = user.password_hash.split("$")
    assert method.startswith("scrypt:") and len(salt) >= 16
    assert make.user().password_hash.split("$")[1] != salt
    assert authenticate(user.username, Factory.PASSWORD) is not None
