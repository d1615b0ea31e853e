"""Without a configured SECRET_KEY the first start makes a random key, keeps it in
``instance/secret_key`` (0600) and uses it from then on; the once-published value signs nothing."""

from __future__ import annotations

import hashlib
import hmac
import stat
import threading

import pytest
from sqlalchemy.pool import StaticPool

from weibo_app import create_app
from weibo_app.core import config as config_module
from weibo_app.core import secretkey
from weibo_app.core.extensions import db
from weibo_app.models import Role

from .conftest import FreshRequestClient

PUBLISHED = "dev-only-change-me"


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """A fresh instance folder, and no key from the environment."""
    folder = tmp_path / "instance"
    monkeypatch.setattr(config_module, "INSTANCE", folder)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("WEIBO_SECRET_KEY", raising=False)
    return folder


def _app(**extra):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", **extra})


def test_first_start_writes_a_private_key_and_restarts_reuse_it(instance):
    first = _app()
    key_file = instance / "secret_key"
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first.config["SECRET_KEY"]) >= 32 and first.config["SECRET_KEY"] != PUBLISHED
    assert _app().config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_a_configured_key_wins_and_no_file_is_written(instance):
    assert _app(SECRET_KEY="configured-" * 4).config["SECRET_KEY"] == "configured-" * 4
    assert not (instance / "secret_key").exists()


def test_starts_racing_each_other_agree_on_one_key(tmp_path):
    path = tmp_path / "inst" / "secret_key"
    barrier = threading.Barrier(8)
    keys = []

    def start():
        barrier.wait()
        keys.append(secretkey.load_or_create(path))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary file left


def test_an_unusable_key_file_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("short\n")
    with pytest.raises(RuntimeError, match="no usable key"):
        secretkey.load_or_create(path)


def _remember_cookie(key: str, identity: str) -> str:
    """A remember cookie as Flask-Login signs one: "<identity>|HMAC-SHA512(key, identity)"."""
    return f"{identity}|{hmac.new(key.encode('latin1'), identity.encode(), hashlib.sha512).hexdigest()}"


def test_a_remember_cookie_forged_with_the_published_key_is_refused(instance):
    app = _app(SQLALCHEMY_ENGINE_OPTIONS={"poolclass": StaticPool, "connect_args": {"check_same_thread": False}},
               RATELIMIT_ENABLED=False)
    app.test_client_class = FreshRequestClient  # no user cached in g from one request to the next
    with app.app_context():
        db.create_all()
        from weibo_app.auth.operations import create_user

        admin = create_user("root_admin", "Passw0rd!x", Role.ADMIN)
        db.session.commit()
        identity = admin.get_id()
        for forged_identity in (str(admin.id), identity):
            client = app.test_client()
            client.set_cookie("remember_token", _remember_cookie(PUBLISHED, forged_identity))
            resp = client.get("/admin/users")
            assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]
        # The same cookie signed with the site's real key does get in: the refusal is the key's doing.
        client = app.test_client()
        client.set_cookie("remember_token", _remember_cookie(app.config["SECRET_KEY"], identity))
        assert client.get("/admin/users").status_code == 200
        db.session.remove()
