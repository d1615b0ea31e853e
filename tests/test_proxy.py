"""Behind a trusted reverse proxy the client's address comes from X-Forwarded-For."""

import pytest
from flask import request

from weibo_app import create_app


@pytest.mark.parametrize(("hops", "expected"), [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_trusted_proxies_decide_the_client_address(hops, expected):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True, "TRUSTED_PROXIES": hops,
                      "SECRET_KEY": "test-secret"})

    @app.get("/whoami")
    def whoami():
        return request.remote_addr or ""

    resp = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"},
                                 environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert resp.get_data(as_text=True) == expected


def test_a_site_refuses_the_once_published_development_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "HTTPS": True, "SECRET_KEY": "dev-only-change-me"})
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "HTTPS": True, "SECRET_KEY": "a-real-secret"})
    assert app.config["SECRET_KEY"] == "a-real-secret"
