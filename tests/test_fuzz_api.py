"""The whole JSON API fuzzed from its OpenAPI document: no input may cause a server error.

Runs against the Flask app through WSGI, on SQLite with seeded data. Three of
schemathesis's phases run: the schema's examples, the coverage phase (the
boundary and just-out-of-bounds values of every parameter and body field: 0,
2^63, wrong types, missing fields ...) and a few random examples per operation,
so the whole file stays around a minute. Ids are aimed at seeded rows about
two times in three; the rest, and every out-of-range id, go as generated.
"""

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy.pool import StaticPool

from weibo_app import create_app
from weibo_app.auth.tokens import issue_token
from weibo_app.core.extensions import db
from weibo_app.models import Role
from weibo_app.supervision.operations import issue_notice
from weibo_app.threads.operations import reply_to_thread

from .factories import Factory

pytestmark = pytest.mark.slow

CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "fuzz",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}},
    "VIEWS_BACKGROUND_FLUSH": False,
}

#: Who calls each group of operations, so the fuzzer reaches past the permission checks.
HEAD_PATHS = ("/approve", "/return", "/fast-track", "/schedule", "/withdraw", "/corrections", "/review")
STAFF_PATHS = ("/replies", "/dismiss", "/transfer", "/inbox", "/submit", "/notices", "/acknowledge")


@pytest.fixture(scope="module")
def fuzz_app():
    app = create_app(CONFIG)
    with app.app_context():
        db.create_all()
        make = Factory()
        county = make.department(slug="county", name="某县")
        water = make.department(slug="water", name="县水务局", parent=county, review=True)
        make.department(slug="roads", name="县交通局", parent=county)
        clerk = make.staff(water)
        head = make.staff(water, Role.DEPT_HEAD)
        resident = make.user(username="resident1")
        for n in range(3):
            post = make.post(author=clerk if n else None, department=county, body=f"停水通知 #供水# 第{n}期 www.gov.cn")
            make.thread(author=resident, post=post, kind="complaint")
        board = make.thread(author=resident, department=water)
        reply_to_thread(clerk, board, "已安排维修。")  # an answered thread the resident can rate
        issue_notice(make.user(Role.SUPERVISOR), water, "请尽快答复群众留言。", 3)  # one the clerk can acknowledge
        tokens = {name: issue_token(user) for name, user in
                  (("resident", resident), ("staff", clerk), ("head", head))}
        db.session.commit()
        app.config["FUZZ_TOKENS"] = tokens
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)


schema = schemathesis.pytest.from_fixture("api_schema")


def _token_for(path: str, tokens: dict[str, str]) -> str:
    if path.endswith(HEAD_PATHS):
        return tokens["head"]
    if path.endswith(STAFF_PATHS) or path == "/api/v1/posts":
        return tokens["staff"]
    return tokens["resident"]


SLUGS = ("water", "county", "roads", "nowhere")


#: Seeded rows of each kind of id (post 4 does not exist, nor thread 5, nor notice 2).
SEEDED = {"post_id": 4, "thread_id": 5, "notice_id": 2}
MAX_ID = 2**63 - 1


def _aim_at_seeded_rows(case) -> None:
    """Random ids almost never exist: fold two in three onto the seeded rows (and one that
    does not). The others, and every id out of the row range (0, -1, 2^63, 10^30, a
    string), are sent as generated, so ids that do not exist are tried too."""
    params = case.path_parameters or {}
    for name, count in SEEDED.items():
        value = params.get(name)
        if type(value) is int and 1 <= value <= MAX_ID and value % 3:
            params[name] = 1 + value % count
    if isinstance(params.get("slug"), str):
        params["slug"] = SLUGS[len(params["slug"]) % len(SLUGS)]


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=timedelta(seconds=5),
    database=None,
    derandomize=True,
    # explicit: the schema's examples and the coverage phase; generate: random examples.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_never_answers_with_a_server_error(case, fuzz_app):
    _aim_at_seeded_rows(case)
    tokens = fuzz_app.config["FUZZ_TOKENS"]
    headers = None
    if case.operation.path not in ("/api/v1/tokens",):
        headers = {"Authorization": f"Bearer {_token_for(case.formatted_path, tokens)}"}
    case.call_and_validate(headers=headers, checks=[not_a_server_error])
