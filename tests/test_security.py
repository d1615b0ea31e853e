"""Lockout, cookies, security headers, bad input and error pages."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from weibo_app import create_app
from weibo_app.auth.operations import LOCK_AFTER, authenticate
from weibo_app.core.extensions import db
from weibo_app.models import AuditLog, Role, User
from weibo_app.security.headers import CSP
from weibo_app.threads.operations import reply_to_thread

T0 = datetime(2025, 6, 10, 2, 0, tzinfo=UTC)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PASSWORD = "test-pass-123"
WRONG = "wrong-pass-9"


def _login(client, username, password):
    return client.post("/auth/login", data={"username": username, "password": password})


# ----- lockout ----------------------------------------------------------------

def test_five_failures_lock_the_account_for_fifteen_minutes(client, make):
    user = make.user(username="wang")
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(LOCK_AFTER):
            resp = _login(client, "wang", WRONG)
            assert resp.status_code == 422
        locked = _login(client, "wang", PASSWORD)
        unknown = _login(client, "nobody-here", WRONG)
        # The same answer as for a wrong password or an unknown name: nothing leaks.
        for resp in (locked, unknown):
            assert resp.status_code == 422
            page = resp.get_data(as_text=True)
            assert "用户名或密码错误" in page and "锁定" not in page
        (entry,) = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "user.lock"))
        assert entry.target_id == user.id

        traveller.shift(timedelta(minutes=14, seconds=59))
        assert _login(client, "wang", PASSWORD).status_code == 422
        traveller.shift(timedelta(seconds=2))
        assert _login(client, "wang", PASSWORD).status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.failed_logins == 0 and user.locked_until is None


def test_a_success_resets_the_count(make):
    make.user(username="zhao")
    with time_machine.travel(T0, tick=False):
        for _ in range(LOCK_AFTER - 1):
            assert authenticate("zhao", WRONG) is None
        assert authenticate("zhao", PASSWORD) is not None
        for _ in range(LOCK_AFTER - 1):
            assert authenticate("zhao", WRONG) is None
        assert authenticate("zhao", PASSWORD) is not None


def test_lockout_applies_to_api_tokens(client, make):
    import base64

    make.user(username="qian")

    def token(password):
        basic = base64.b64encode(f"qian:{password}".encode()).decode()
        return client.post("/api/v1/tokens", headers={"Authorization": f"Basic {basic}"})

    with time_machine.travel(T0, tick=False):
        for _ in range(LOCK_AFTER):
            assert token(WRONG).status_code == 401
        resp = token(PASSWORD)
        assert resp.status_code == 401
        assert resp.get_json()["error"]["code"] == "invalid_credentials"


def test_admin_lifts_a_lockout(client, make, login):
    user = make.user(username="sun")
    with time_machine.travel(T0, tick=False):
        for _ in range(LOCK_AFTER):
            authenticate("sun", WRONG)
        db.session.commit()
        login(make.user(Role.ADMIN))
        assert client.post(f"/admin/users/{user.id}/unlock").status_code == 303
        assert authenticate("sun", PASSWORD) is not None


# ----- session and cookies ------------------------------------------------------

def test_login_starts_a_new_session_with_safe_cookie_flags(client, make):
    make.user(username="zhou")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    resp = _login(client, "zhou", PASSWORD)
    assert resp.status_code == 302
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with client.session_transaction() as sess:
        assert "planted" not in sess


@pytest.mark.parametrize("https, testing, secure", [(True, False, True), (False, False, False), (True, True, False)])
def test_secure_cookies_when_served_over_https(https, testing, secure):
    app = create_app({"TESTING": testing, "HTTPS": https, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SECRET_KEY": "x"})
    assert bool(app.config.get("SESSION_COOKIE_SECURE")) is secure
    assert bool(app.config.get("REMEMBER_COOKIE_SECURE")) is secure
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


# ----- headers -------------------------------------------------------------------

def _get_pages(app, make, login, client):
    """Every GET page without arguments, plus one of each kind with arguments."""
    dept = make.department(slug="water")
    clerk = make.staff(dept)
    post = make.post(author=clerk)
    thread = make.thread(post=post)
    login(make.user(Role.ADMIN))
    paths = ["/", f"/p/{post.id}", f"/t/{thread.id}", f"/d/{dept.slug}", "/api/v1/departments",
             f"/api/v1/posts/{post.id}", "/no-such-page", "/static/css/site.css"]
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/static"):
            paths.append(rule.rule)
    return sorted(set(paths))


def test_security_headers_on_every_page(app, client, make, login):
    for path in _get_pages(app, make, login, client):
        resp = client.get(path)
        resp.close()
        assert resp.status_code < 500, path
        assert resp.headers.get("Content-Security-Policy") == CSP, path
        assert resp.headers.get("X-Content-Type-Options") == "nosniff", path
        assert resp.headers.get("X-Frame-Options") == "DENY", path
        assert resp.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", path
        assert "Strict-Transport-Security" not in resp.headers, path


def test_csp_forbids_inline_script_and_style():
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


def test_hsts_only_over_https(client):
    assert "max-age=" in client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in client.get("/").headers


def _templates():
    return sorted(TEMPLATES.rglob("*.html"))


def test_no_template_uses_safe_except_the_rich_macro():
    found = []
    for path in _templates():
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.search(r"\|\s*safe\b", line) or "Markup(" in line:
                found.append((path.relative_to(TEMPLATES).as_posix(), line.strip()))
    assert found == [("_macros.html", "{% macro rich(html) %}{{ html|safe }}{% endmacro %}")]


def test_templates_have_no_inline_script_style_or_handlers():
    bad = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        # A JSON data block is never executed; it may hold nothing but one value through |tojson.
        text = re.sub(r'<script type="application/json" id="[\w-]+">\{\{ [\w.]+\|tojson \}\}</script>', "", text)
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle\s*=", r"\son[a-z]+\s*=\s*[\"']",
                        r"javascript:"):
            for match in re.finditer(pattern, text, re.IGNORECASE):
                bad.append((path.relative_to(TEMPLATES).as_posix(), match.group(0)))
    assert bad == []


# ----- bad input ---------------------------------------------------------------------

def test_oversized_bodies_get_413(app, client, make, api_headers):
    headers = api_headers(make.staff(make.department()))
    app.config["MAX_CONTENT_LENGTH"] = 2000
    big = "长" * 2000
    resp = client.post("/api/v1/posts", json={"body": big, "category": "work"}, headers=headers)
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "too_large"
    resp = client.post("/auth/login", data={"username": "x", "password": big})
    assert resp.status_code == 413
    assert "提交的内容太大" in resp.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/?cursor=%FF%FE", "/d/%C3%28", "/api/v1/posts?department=%ED%A0%80"])
def test_invalid_utf8_in_the_address_is_a_400(client, path):
    resp = client.get(path)
    assert resp.status_code == 400
    text = resp.get_data(as_text=True)
    assert "UTF-8" in text and "Traceback" not in text
    if path.startswith("/api/"):
        assert resp.get_json()["error"]["code"] == "invalid_encoding"


def test_invalid_utf8_in_bodies_is_a_400(client, make, api_headers):
    resp = client.post("/auth/login", data=b"username=%FF%FE&password=x",
                       content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 400 and "UTF-8" in resp.get_data(as_text=True)
    headers = api_headers(make.staff(make.department()))
    resp = client.post("/api/v1/posts", data=b'{"body": "\xff\xfe", "category": "work"}',
                       content_type="application/json", headers=headers)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "invalid_encoding"


def test_valid_utf8_and_invisible_characters_pass_and_are_cleaned(client, make, api_headers):
    dept = make.department()
    headers = api_headers(make.user())
    resp = client.post(f"/api/v1/departments/{dept.slug}/threads",
                       json={"body": "路灯\u200b坏了\u202e\x07", "kind": "complaint"}, headers=headers)
    assert resp.status_code == 201
    assert resp.get_json()["body"] == "路灯坏了"


@pytest.mark.parametrize("field, payload", [
    ("kind", {"body": "你好", "kind": "gossip"}),
    ("kind", {"body": "你好", "kind": 3}),
    ("body", {"body": "长" * 5000, "kind": "consultation"}),
])
def test_unknown_values_and_overlong_fields_are_422(client, make, api_headers, field, payload):
    dept = make.department()
    resp = client.post(f"/api/v1/departments/{dept.slug}/threads", json=payload, headers=api_headers(make.user()))
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] in {"invalid_kind", "invalid_type", "too_long", "body_too_long"}


def test_unknown_rating_and_category_are_422(client, make, api_headers):
    dept = make.department()
    clerk = make.staff(dept)
    resident = make.user()
    thread = make.thread(author=resident, department=dept)
    reply_to_thread(clerk, thread, "已办理。")
    db.session.commit()
    resp = client.post(f"/api/v1/threads/{thread.id}/rate", json={"rating": "great"}, headers=api_headers(resident))
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "invalid_rating"
    resp = client.post("/api/v1/posts", json={"body": "通知", "category": "gossip"}, headers=api_headers(clerk))
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "invalid_category"


def test_errors_never_show_a_stack_trace(app, client):
    def boom():
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/v1/boom", "api_boom", boom)
    page = client.get("/boom")
    assert page.status_code == 500
    body = page.get_data(as_text=True)
    assert "Traceback" not in body and "secret internals" not in body and "RuntimeError" not in body
    api = client.get("/api/v1/boom")
    assert api.status_code == 500 and api.get_json()["error"]["code"] == "server_error"
    assert "secret internals" not in api.get_data(as_text=True)


@pytest.mark.parametrize("field", ["body", "kind"])
def test_lone_surrogates_in_json_are_a_400_not_a_500(client, make, api_headers, field):
    dept = make.department()
    payload = {"body": '"路灯"', "kind": '"complaint"'}
    payload[field] = '"x\\ud800y"'
    raw = "{" + ", ".join(f'"{k}": {v}' for k, v in payload.items()) + "}"
    resp = client.post(f"/api/v1/departments/{dept.slug}/threads", data=raw, content_type="application/json",
                       headers=api_headers(make.user()))
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "invalid_encoding"


def test_surrogate_pairs_in_json_are_fine(client, make, api_headers):
    dept = make.department()
    raw = '{"body": "\\ud83d\\ude00 好", "kind": "comment"}'
    resp = client.post(f"/api/v1/departments/{dept.slug}/threads", data=raw, content_type="application/json",
                       headers=api_headers(make.user()))
    assert resp.status_code == 201
    assert resp.get_json()["body"] == "\U0001f600 好"


def _form_classes():
    from flask_wtf import FlaskForm

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    return sorted(set(walk(FlaskForm)), key=lambda c: (c.__module__, c.__name__))


def test_every_text_field_of_every_form_has_a_length_limit(app):
    from wtforms import PasswordField, StringField, TextAreaField
    from wtforms.fields.core import UnboundField
    from wtforms.validators import EqualTo, Length

    forms = _form_classes()
    assert len(forms) > 10  # the app's modules are imported: the scan sees them
    unbounded = []
    for form in forms:
        for name in dir(form):
            field = getattr(form, name)
            if not (isinstance(field, UnboundField)
                    and issubclass(field.field_class, StringField | TextAreaField | PasswordField)):
                continue
            validators = field.kwargs.get("validators") or (field.args[1] if len(field.args) > 1 else [])
            # EqualTo another field (password confirmation) is bounded by that field's limit.
            if not any(isinstance(v, Length) and v.max > 0 or isinstance(v, EqualTo) for v in validators):
                unbounded.append(f"{form.__module__}.{form.__name__}.{name}")
    assert unbounded == []


def test_invalid_utf8_in_multipart_fields_is_a_400(client):
    boundary = "XyZ"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\n").encode() + b"\xff\xfeab" + (
        f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nx\r\n--{boundary}--\r\n"
    ).encode()
    resp = client.post("/auth/login", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert resp.status_code == 400 and "UTF-8" in resp.get_data(as_text=True)
