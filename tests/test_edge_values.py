"""Every route, found by walking ``app.url_map``, fed the values at the edge of each type.

Ids of 0, -1, 2^63 and 10^30; cursors for year 1 and 9999, a huge id and
garbage base64; dates in year 1 and 9999; CR/LF and control characters; a
JSON body nested 5,000 deep. Nothing may answer with a 5xx, for an anonymous
visitor, a resident, staff or an admin. A route added later is covered
without touching this file.
"""

from __future__ import annotations

import base64
import re
from urllib.parse import quote

import pytest
from sqlalchemy.pool import StaticPool

from weibo_app import create_app
from weibo_app.core.extensions import db
from weibo_app.models import Role

from .factories import Factory

pytestmark = pytest.mark.slow

CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "edge",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "PAGE_CACHE_SECONDS": 10,  # an error must never be cached either
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}},
    "VIEWS_BACKGROUND_FLUSH": False,
    "SERVER_NAME": "localhost",
}


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


EDGE_IDS = ["0", "-1", str(2**63), str(2**64), str(10**30), "1"]
EDGE_STRINGS = ["%01", "%0D%0Aevil", "%00", "a" * 300, "%E2%80%AE", "..%2F..", "1"]
EDGE_CURSORS = [
    _b64("0001-01-01T00:00:00+00:00|1"), _b64("9999-12-31T23:59:59+00:00|1"),
    _b64("0001-01-01T00:00:00+14:00|1"), _b64("2026-01-01T00:00:00+00:00|" + "9" * 30),
    _b64("2026-01-01T00:00:00+00:00|0"), "!!garbage!!", "QUJD", "%0D%0A",
]
EDGE_DATES = ["0001-01-01", "9999-12-31", "0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30", "%0D%0A", "x" * 100]
DATE_PARAMS = ["from", "to", "start", "end", "day", "at", "month"]
OTHER_PARAMS = ["limit", "subtree", "tab", "figure", "department", "thread", "category", "q", "lang", "next", "all"]
OTHER_VALUES = ["0", "-1", str(2**63), "%0D%0A", "/\t/evil.example", "//evil", "\\\\evil"]
DEEP_JSON = "[" * 5000 + "]" * 5000

_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _rules():
    app = create_app(CONFIG)
    return sorted(
        ((rule.rule, tuple(sorted(rule.methods - {"HEAD", "OPTIONS"}))) for rule in app.url_map.iter_rules()
         if rule.endpoint != "static"),
    )


RULES = _rules()


def _path(rule: str, index: int = -1, value: str = "") -> str:
    """``rule`` with parameter number ``index`` set to ``value`` and every other one sane
    (1 for an id, "x" for a string: the seeded department's slug)."""
    position = iter(range(len(rule)))

    def sub(match: re.Match) -> str:
        if next(position) == index:
            return value
        return "1" if match.group(1) == "int" else "x"

    return _PARAM.sub(sub, rule)


def _fill(rule: str, value_for) -> list[str]:
    """Paths for ``rule``: every parameter at each of its edge values in turn."""
    params = _PARAM.findall(rule)
    return [_path(rule, i, value) for i, (conv, _name) in enumerate(params) for value in value_for(conv)] or [rule]


def _values(conv: str) -> list[str]:
    return EDGE_IDS if conv == "int" else EDGE_STRINGS


@pytest.fixture(scope="module")
def edge_app():
    app = create_app(CONFIG)
    with app.app_context():
        db.create_all()
        make = Factory()
        dept = make.department(slug="x", name="某局", review=True)
        make.staff(dept)
        users = {
            "anonymous": None,
            "resident": make.user(),
            "reviewer": make.staff(dept, Role.REVIEWER),
            "admin": make.user(Role.ADMIN),
        }
        post = make.post(department=dept, body="#话题# 第一条")
        make.thread(post=post)
        db.session.commit()
        app.config["EDGE_USERS"] = {name: (user.id if user else None) for name, user in users.items()}
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _client(app, who: str):
    client = app.test_client()
    user_id = app.config["EDGE_USERS"][who]
    if user_id is not None:
        from flask_login.utils import _create_identifier

        with app.test_request_context(environ_base=client.environ_base):
            ident = _create_identifier()
        with client.session_transaction() as sess:
            sess["_user_id"] = str(user_id)
            sess["_fresh"] = True
            sess["_id"] = ident
    return client


def _check(client, method: str, url: str, **kwargs) -> None:
    resp = client.open(url, method=method, **kwargs)
    assert resp.status_code < 500, f"{method} {url} -> {resp.status_code}"


def _query_urls(path: str) -> list[str]:
    """The cursors one by one; each edge date in every date parameter at once; each other
    edge value in every other parameter at once."""
    urls = [f"{path}?cursor={c}" for c in EDGE_CURSORS]
    for values, names in ((EDGE_DATES, DATE_PARAMS), (OTHER_VALUES, OTHER_PARAMS)):
        for v in values:
            urls.append(path + "?" + "&".join(f"{name}={quote(v, safe='%')}" for name in names))
    return urls


@pytest.mark.parametrize("who", ["anonymous", "resident", "reviewer", "admin"])
@pytest.mark.parametrize("rule, methods", RULES, ids=[f"{' '.join(m)} {r}" for r, m in RULES])
def test_no_edge_value_gives_a_server_error(edge_app, rule, methods, who):
    client = _client(edge_app, who)
    with edge_app.app_context():
        for method in methods:
            for path in _fill(rule, _values):
                _check(client, method, path)
            sane = _path(rule)
            if method == "GET":
                for url in _query_urls(sane):
                    _check(client, "GET", url)
            else:
                _check(client, method, sane, data=DEEP_JSON, content_type="application/json")
                _check(client, method, sane, json={"target_id": 2**64, "ids": [2**63], "at": "9999-12-31T20:00:00+00:00",
                                                   "pin_until": "0001-01-01T00:00:00+00:00", "all": "yes"})
                _check(client, method, sane, data={name: v for name, v in zip(
                    DATE_PARAMS + ["scheduled_at", "deadline_date", "next", "name", "reason", "body"],
                    EDGE_DATES * 3, strict=False)})
        # A 4xx is never kept in the page cache.
        cache = edge_app.extensions["page_cache"]
        assert all(entry.status == 200 for entry in cache._entries.values())
