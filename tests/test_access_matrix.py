"""Role × route: who gets 200, a login redirect, 401, 403 or 404, on the pages and in the API.

Each test covers one route for every role (a fresh thread per role, so one role's
action never changes what the next one sees) and compares the whole table at once.
"""

from __future__ import annotations

import pytest

from weibo_app.models import Role

ROLES = ("visitor", "resident", "staff_a", "staff_b", "reviewer_a", "supervisor", "admin")


@pytest.fixture
def people(app, make):
    a = make.department(slug="dept-a", name="甲局")
    b = make.department(slug="dept-b", name="乙局")
    c = make.department(slug="dept-c", name="丙局")
    post = make.post(author=make.staff(a))
    return {
        "a": a, "b": b, "c": c, "post": post,
        "opener": make.user(),
        "visitor": None,
        "resident": make.user(),
        "staff_a": make.staff(a),
        "staff_b": make.staff(b),
        "reviewer_a": make.staff(a, Role.REVIEWER),
        "supervisor": make.user(Role.SUPERVISOR),
        "admin": make.user(Role.ADMIN),
    }


def as_role(client, login, people, role):
    with client.session_transaction() as sess:
        sess.clear()
    if people[role] is not None:
        login(people[role])
    return client


def status_of(resp) -> int | str:
    """The status, with a login redirect told apart from any other redirect."""
    if resp.status_code == 302 and "/auth/login" in resp.headers.get("Location", ""):
        return "login"
    return resp.status_code


UI_PAGES = {
    #                     visitor  resident staff_a staff_b reviewer supervisor admin
    "/inbox":            ("login", 403, 200, 200, 200, 403, 403),
    "/dashboard":        ("login", 403, 403, 403, 403, 200, 200),
    "/dashboard/rows?figure=overdue": ("login", 403, 403, 403, 403, 200, 200),
    "/dispatch":         ("login", 403, 403, 403, 403, 200, 403),  # the dispatcher's page
    "/admin/":           ("login", 403, 403, 403, 403, 403, 200),
    "/admin/holidays":   ("login", 403, 403, 403, 403, 403, 200),
    "/posts/new":        ("login", 403, 200, 200, 200, 403, 403),
    "/me/threads":       ("login", 200, 200, 200, 200, 200, 200),
    "/":                 (200,) * 7,
    "/departments":      (200,) * 7,
    "/d/dept-a":         (200,) * 7,
    "/scoreboard":       (200,) * 7,
}


@pytest.mark.parametrize("path", list(UI_PAGES))
def test_ui_pages(people, client, login, path):
    got = {}
    for role in ROLES:
        got[role] = status_of(as_role(client, login, people, role).get(path))
    assert got == dict(zip(ROLES, UI_PAGES[path], strict=True))


def test_public_post_and_thread_pages(people, client, make):
    thread = make.thread(author=people["opener"], post=people["post"])
    assert client.get(f"/p/{people['post'].id}").status_code == 200
    assert client.get(f"/t/{thread.id}").status_code == 200


@pytest.mark.parametrize("path", ["/p/99999", "/t/99999", "/d/no-such-dept"])
def test_ui_unknown_ids_are_404(people, client, path):
    assert client.get(path).status_code == 404


UI_ACTIONS = {
    #            visitor  resident staff_a staff_b reviewer supervisor admin
    "reply":    ("login", 403, 303, 403, 303, 403, 403),
    "dismiss":  ("login", 403, 303, 403, 303, 403, 403),
    "transfer": ("login", 403, 303, 403, 303, 303, 403),  # staff ask the dispatcher; a supervisor dispatches
    "rate":     ("login", 403, 403, 403, 403, 403, 403),  # only the opener rates
}
UI_DATA = {
    "reply": {"body": "答复内容"},
    "dismiss": {"reason": "重复留言"},
    "transfer": {"department": "dept-c", "reason": "转丙局"},
    "rate": {"rating": "satisfied"},
}


@pytest.mark.parametrize("action", list(UI_ACTIONS))
def test_ui_thread_actions(people, client, login, make, action):
    got = {}
    for role in ROLES:
        thread = make.thread(author=people["opener"], post=people["post"])
        got[role] = status_of(as_role(client, login, people, role).post(f"/t/{thread.id}/{action}",
                                                                         data=UI_DATA[action]))
    assert got == dict(zip(ROLES, UI_ACTIONS[action], strict=True))


def test_ui_opener_follows_up_and_overturn_is_for_supervisors(people, client, login, make):
    thread = make.thread(author=people["opener"], post=people["post"])
    login(people["opener"])
    # 追问 follows an answer: before one, the form comes back with the reason.
    assert client.post(f"/t/{thread.id}/reply", data={"body": "补充说明"}).status_code == 422
    as_role(client, login, people, "staff_a").post(f"/t/{thread.id}/reply", data={"body": "已答复"})
    as_role(client, login, people, "opener")
    assert client.post(f"/t/{thread.id}/reply", data={"body": "补充说明"}).status_code == 303
    assert client.post(f"/t/{thread.id}/dismiss", data={"reason": "自己撤"}).status_code == 403
    assert client.post(f"/t/{thread.id}/overturn", data={"reason": "x"}).status_code == 403
    assert client.post("/t/99999/reply", data={"body": "x"}).status_code == 404


def test_ui_actions_are_post_only(people, client, login, make):
    thread = make.thread(author=people["opener"], post=people["post"])
    login(people["staff_a"])
    for action in ("reply", "dismiss", "transfer", "rate", "overturn"):
        assert client.get(f"/t/{thread.id}/{action}").status_code == 405


API_CALLS = {
    #                       visitor resident staff_a staff_b reviewer supervisor admin
    "GET inbox":           (401, 403, 200, 200, 200, 403, 403),
    "POST posts":          (401, 403, 201, 201, 201, 403, 403),
    "POST replies":        (401, 403, 201, 403, 201, 403, 403),
    "POST dismiss":        (401, 403, 200, 403, 200, 403, 403),
    "POST transfer":       (401, 403, 202, 403, 202, 200, 403),  # 202: a request for the dispatcher
    "POST rate":           (401, 403, 403, 403, 403, 403, 403),
}


def call_api(client, headers, name, thread_id):
    if name == "GET inbox":
        return client.get("/api/v1/inbox", headers=headers)
    if name == "POST posts":
        return client.post("/api/v1/posts", json={"body": "通知", "category": "work"}, headers=headers)
    action, payload = {
        "POST replies": ("replies", {"body": "答复"}),
        "POST dismiss": ("dismiss", {"reason": "重复"}),
        "POST transfer": ("transfer", {"department": "dept-c", "reason": "属丙局职责"}),
        "POST rate": ("rate", {"rating": "satisfied"}),
    }[name]
    return client.post(f"/api/v1/threads/{thread_id}/{action}", json=payload, headers=headers)


@pytest.mark.parametrize("name", list(API_CALLS))
def test_api_calls(people, client, make, api_headers, name):
    got = {}
    for role in ROLES:
        thread = make.thread(author=people["opener"], post=people["post"])
        headers = api_headers(people[role]) if people[role] is not None else {}
        resp = call_api(client, headers, name, thread.id)
        got[role] = resp.status_code
        if resp.status_code >= 400:
            error = resp.get_json()["error"]
            assert error["code"] and error["message"], (role, error)
    assert got == dict(zip(ROLES, API_CALLS[name], strict=True))


def test_api_bad_token_is_401(people, client):
    resp = client.get("/api/v1/inbox", headers={"Authorization": "Bearer not-a-token"})
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "invalid_token"


@pytest.mark.parametrize("method, path, payload", [
    ("get", "/api/v1/threads/99999", None),
    ("post", "/api/v1/threads/99999/replies", {"body": "x"}),
    ("post", "/api/v1/threads/99999/dismiss", {"reason": "x"}),
    ("post", "/api/v1/threads/99999/transfer", {"department": "dept-b"}),
    ("post", "/api/v1/threads/99999/rate", {"rating": "satisfied"}),
    ("get", "/api/v1/posts/99999", None),
    ("post", "/api/v1/posts/99999/threads", {"body": "x", "kind": "consultation"}),
    ("post", "/api/v1/departments/no-such-dept/threads", {"body": "x", "kind": "consultation"}),
    ("get", "/api/v1/posts?department=no-such-dept", None),
    ("get", "/api/v1/no-such-endpoint", None),
])
def test_api_unknown_ids_are_404_json(people, client, api_headers, method, path, payload):
    headers = api_headers(people["resident"])
    resp = getattr(client, method)(path, json=payload, headers=headers)
    assert resp.status_code == 404
    assert resp.is_json
    assert set(resp.get_json()["error"]) == {"code", "message"}


def test_api_transfer_to_unknown_department_is_404(people, client, make, api_headers):
    thread = make.thread(author=people["opener"], post=people["post"])
    resp = client.post(f"/api/v1/threads/{thread.id}/transfer", json={"department": "nowhere"},
                       headers=api_headers(people["staff_a"]))
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "department_not_found"


@pytest.mark.parametrize("data", ["{not json", "[1, 2]", '"just a string"', ""])
def test_api_bad_json_is_400_json(people, client, api_headers, data):
    resp = client.post(f"/api/v1/posts/{people['post'].id}/threads", data=data, content_type="application/json",
                       headers=api_headers(people["resident"]))
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "invalid_json"


def test_api_unknown_kind_and_missing_fields_are_422_json(people, client, api_headers):
    headers = api_headers(people["resident"])
    url = f"/api/v1/posts/{people['post'].id}/threads"
    resp = client.post(url, json={"body": "问题", "kind": "rant"}, headers=headers)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "invalid_kind"
    resp = client.post(url, json={"kind": "consultation"}, headers=headers)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "missing_field"
    resp = client.post(url, json={"body": 42, "kind": "consultation"}, headers=headers)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "invalid_type"
