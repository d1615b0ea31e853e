"""API writes with an Idempotency-Key header happen once, whatever the client retries."""

from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa
import time_machine

from weibo_app.core.clock import utcnow
from weibo_app.core.extensions import db
from weibo_app.models import IdempotencyKey, Thread

ASK = {"body": "小区路灯坏了，什么时候修？", "kind": "help"}


def threads() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count(Thread.id)))


def ask(client, dept, headers, key=None, body=ASK):
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(f"/api/v1/departments/{dept.slug}/threads", json=body, headers={**headers, **extra})


def test_a_repeat_returns_the_first_answer_and_writes_nothing(app, make, client, api_headers):
    dept, resident = make.department(), make.user()
    headers = api_headers(resident)
    first = ask(client, dept, headers, "k-1")
    assert first.status_code == 201 and threads() == 1
    again = ask(client, dept, headers, "k-1")
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert threads() == 1
    assert ask(client, dept, headers, "k-2").status_code == 201  # another key: another thread
    assert ask(client, dept, headers).status_code == 201  # no key: as before
    assert threads() == 3


def test_keys_belong_to_one_account(app, make, client, api_headers):
    dept = make.department()
    one, two = api_headers(make.user()), api_headers(make.user())
    assert ask(client, dept, one, "same").status_code == 201
    assert ask(client, dept, two, "same").status_code == 201
    assert threads() == 2


def test_a_key_reused_for_another_request_is_refused(app, make, client, api_headers):
    dept, resident = make.department(), make.user()
    headers = api_headers(resident)
    assert ask(client, dept, headers, "k").status_code == 201
    other = ask(client, dept, headers, "k", {**ASK, "body": "另一个问题"})
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    elsewhere = client.post(f"/api/v1/departments/{make.department().slug}/threads", json=ASK,
                            headers={**headers, "Idempotency-Key": "k"})
    assert elsewhere.status_code == 422
    assert threads() == 1


def test_a_bad_key_is_refused_and_changes_nothing(app, make, client, api_headers):
    dept, resident = make.department(), make.user()
    headers = api_headers(resident)
    for bad in ("x" * 256, "with space", "中文"):
        resp = client.post(f"/api/v1/departments/{dept.slug}/threads", json=ASK,
                           headers={**headers, "Idempotency-Key": bad.encode().decode("latin-1")})
        assert resp.status_code == 422
        assert resp.get_json()["error"]["code"] == "invalid_idempotency_key"
    assert threads() == 0


def test_an_error_answer_is_replayed_too(app, make, client, api_headers):
    dept, resident = make.department(), make.user()
    headers = api_headers(resident)
    bad = {"body": "", "kind": "no-such-kind"}
    first = ask(client, dept, headers, "e", bad)
    assert first.status_code == 422
    again = ask(client, dept, headers, "e", bad)
    assert (again.status_code, again.get_json()) == (422, first.get_json())
    assert again.headers["Idempotent-Replayed"] == "true"


def test_the_key_is_kept_24_hours_then_purged(app, make, client, api_headers, runner):
    dept, resident = make.department(), make.user()
    headers = api_headers(resident)
    assert ask(client, dept, headers, "day").status_code == 201
    with time_machine.travel(utcnow() + timedelta(hours=23), tick=False):
        assert ask(client, dept, headers, "day").headers.get("Idempotent-Replayed") == "true"
    assert threads() == 1
    with time_machine.travel(utcnow() + timedelta(hours=25), tick=False):
        headers = api_headers(resident)  # the token has expired by now
        assert ask(client, dept, headers, "other").status_code == 201  # claiming purges the account's old rows
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotencyKey)) == 1
        assert ask(client, dept, headers, "day").headers.get("Idempotent-Replayed") is None
    assert threads() == 3
    with time_machine.travel(utcnow() + timedelta(hours=50), tick=False):
        result = runner.invoke(args=["purge-idempotency-keys"])
    assert result.exit_code == 0 and "2 idempotency keys purged" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotencyKey)) == 0


def test_a_request_that_died_after_committing_is_not_done_again(app, make, client, api_headers, monkeypatch):
    dept, resident = make.department(), make.user()
    headers = api_headers(resident)
    monkeypatch.setattr("weibo_app.api.idempotency.store_answer.__code__",
                        (lambda response: response).__code__)  # the process dies before storing the answer
    assert ask(client, dept, headers, "lost").status_code == 201
    monkeypatch.undo()
    again = ask(client, dept, headers, "lost")
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "idempotency_result_lost"
    assert threads() == 1


def test_a_failed_first_attempt_releases_the_key(app, make, client, api_headers, monkeypatch):
    dept, resident = make.department(), make.user()
    headers = api_headers(resident)

    def broken(*args, **kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr("weibo_app.threads.operations.open_thread", broken)
    assert ask(client, dept, headers, "retry-me").status_code == 500
    monkeypatch.undo()
    assert ask(client, dept, headers, "retry-me").status_code == 201
    assert threads() == 1


def test_concurrent_duplicates_write_once(app_config, backend, make, tmp_path):
    """Two requests with one key at the same moment, each on a connection of its own."""
    from weibo_app import create_app

    config = dict(app_config)
    if backend == "sqlite":  # threads need a file database and a pool of real connections
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'idem.sqlite3'}"
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"check_same_thread": False}}
    app = create_app(config)
    with app.app_context():
        if backend == "sqlite":
            db.create_all()
        else:
            from tests.conftest import _truncate_all

            _truncate_all()
        dept, resident = make.department(), make.user()
        import base64

        basic = base64.b64encode(f"{resident.username}:{make.PASSWORD}".encode()).decode()
        token = app.test_client().post("/api/v1/tokens", headers={"Authorization": f"Basic {basic}"}).get_json()
        headers = {"Authorization": f"Bearer {token['token']}", "Idempotency-Key": "twice"}
        slug = dept.slug
        db.session.remove()
    barrier, answers = threading.Barrier(4), []

    def send():
        with app.test_client() as c:
            barrier.wait()
            answers.append(c.post(f"/api/v1/departments/{slug}/threads", json=ASK, headers=headers).status_code)

    workers = [threading.Thread(target=send) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 1
        db.session.remove()
        db.engine.dispose()
    assert answers.count(201) >= 1 and set(answers) <= {201, 409}, answers


def test_reads_ignore_the_header(app, make, client):
    resp = client.get("/api/v1/departments", headers={"Idempotency-Key": "with space"})
    assert resp.status_code == 200


