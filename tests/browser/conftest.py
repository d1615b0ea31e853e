"""A live server on loopback and Debian's Chromium driven by Playwright.

No browser is ever downloaded: Chromium comes from the system package
(``apt-get install -y chromium``). Where it or Playwright is missing, these
tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
import threading
from functools import partial
from unittest.mock import patch

import pytest
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from weibo_app import create_app
from weibo_app.core.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture
def live_app(tmp_path):
    """The real app (CSRF on) on a SQLite file, served by a thread on 127.0.0.1."""
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.db'}",
        "SECRET_KEY": "browser-test",
        "RATELIMIT_ENABLED": False,
    })
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    """The app on loopback with the demo county seeded once for a whole module of tests.

    For tests that read the demo's pages under every role (seeding takes seconds, so
    once per module rather than once per test). Its ~50 accounts get quick password
    hashes, as other tests do: the slow default hash is not what these tests are about.
    Yields the base URL.
    """
    from weibo_app.demo import seed_demo
    from weibo_app.models import user as user_model

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        "SECRET_KEY": "browser-test",
        "RATELIMIT_ENABLED": False,
    })
    quick = partial(generate_password_hash, method="pbkdf2:sha256:1000")
    with app.app_context(), patch.object(user_model, "generate_password_hash", quick):
        db.create_all()
        seed_demo(days=20)
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        pytest.skip(f"Playwright is not installed: {err}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
