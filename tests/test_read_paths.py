"""Every read path agrees with the one read rule (weibo_app/access/read.py).

One world holds an item of every kind of visibility; every role walks every read
path, and each answer is compared with ``can_read(role, item)``:

- paths that address one item (post page, thread page, the API's post and
  thread, the flag page and API flag, an image URL) show it exactly when
  ``can_read`` says so;
- lists (timeline, department page and board, search, feeds, the API's post
  list, my questions) never show what ``can_read`` refuses, and always show
  what the public may read.

All disagreements are gathered and compared at once, so one run shows them all.
"""

from __future__ import annotations

import io
from datetime import timedelta
from functools import partial

import pytest
from PIL import Image as PILImage
from werkzeug.datastructures import FileStorage

from weibo_app.access.read import can_read
from weibo_app.core.clock import utcnow
from weibo_app.core.extensions import db
from weibo_app.media.operations import attach_images
from weibo_app.models import PostState, Role
from weibo_app.moderation.operations import add_sensitive_word, hide_item
from weibo_app.posts.lifecycle import create_post
from weibo_app.threads.operations import open_thread, reply_to_thread

ROLES = ("visitor", "opener", "resident", "staff_a", "staff_b", "reviewer_a",
         "sup_over", "sup_out", "moderator", "admin")


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "UPLOAD_DIR": str(tmp_path / "uploads")}


def _photo() -> list[FileStorage]:
    out = io.BytesIO()
    PILImage.new("RGB", (40, 30)).save(out, "PNG")
    return [FileStorage(io.BytesIO(out.getvalue()), filename="p.png", content_type="image/png")]


def marker(n: int, held: bool = False) -> str:
    """A text found nowhere else (no marker is a prefix of another); ``held``: with the sensitive word."""
    return f"RPX{n:02d}Q" + ("违禁词" if held else "")


def build_world(make):
    county = make.department(slug="county", name="县政府")
    a = make.department(slug="dept-a", name="甲局", parent=county, review=True)
    b = make.department(slug="dept-b", name="乙局", parent=county)
    p = {
        "visitor": None,
        "opener": make.user(),
        "resident": make.user(),
        "staff_a": make.staff(a),
        "staff_b": make.staff(b),
        "reviewer_a": make.staff(a, Role.REVIEWER),
        "sup_over": make.user(Role.SUPERVISOR, a),
        "sup_out": make.user(Role.SUPERVISOR, b),
        "moderator": make.user(Role.SUPERVISOR),  # over every department: the site's moderator
        "admin": make.user(Role.ADMIN),
    }
    staff, opener, admin = p["staff_a"], p["opener"], p["admin"]
    add_sensitive_word(admin, "违禁词")
    posts = {
        "public post": make.post(author=staff, body=marker(1)),
        "hidden post": make.post(author=staff, body=marker(2)),
        "held post": make.post(author=staff, body=marker(3, held=True)),
        "withdrawn post": make.post(author=staff, body=marker(4)),
        "draft post": create_post(staff, body=marker(5), category="work"),
        "scheduled post": make.post(author=staff, body=marker(6)),
    }
    public = posts["public post"]
    images = {"public post": attach_images(staff, _photo(), post=public)[0]}
    threads = {
        "public thread": make.thread(author=opener, post=public, body=marker(10)),
        "hidden thread": make.thread(author=opener, post=public, body=marker(11)),
        "held thread": make.thread(author=opener, post=public, body=marker(12, held=True)),
        "private thread": open_thread(opener, body=marker(13), kind="consultation", department=a, private=True),
        "report": open_thread(opener, body=marker(14), kind="report", post=public),
        "thread on a withdrawn post": make.thread(author=opener, post=posts["withdrawn post"], body=marker(15)),
        "board thread": make.thread(author=opener, department=a, body=marker(16)),
    }
    for name in ("public thread", "hidden thread", "private thread"):
        images[name] = attach_images(opener, _photo(), thread=threads[name])[0]
    reply_to_thread(staff, threads["hidden thread"], "已收到，正在办理。")  # a follow-up comes after an answer
    replies = {
        "official reply": reply_to_thread(staff, threads["public thread"], marker(20)),
        "reply inside a held thread": reply_to_thread(staff, threads["held thread"], marker(21)),
        "follow-up of a hidden thread": reply_to_thread(opener, threads["hidden thread"], marker(22)),
        "reply inside a private thread": reply_to_thread(staff, threads["private thread"], marker(23)),
    }
    hide_item(admin, posts["hidden post"], "泄露个人信息")
    hide_item(admin, threads["hidden thread"], "人身攻击")
    withdrawn = posts["withdrawn post"]
    withdrawn.state, withdrawn.withdrawn_at, withdrawn.withdraw_reason = PostState.WITHDRAWN, utcnow(), "信息有误"
    scheduled = posts["scheduled post"]
    scheduled.state, scheduled.published_at = PostState.SCHEDULED, utcnow() + timedelta(days=1)
    db.session.commit()
    assert posts["held post"].held_at and threads["held thread"].held_at and posts["draft post"].state == "draft"
    return p, posts, threads, replies, images


def _text(resp) -> str:
    return resp.get_data(as_text=True) if resp.status_code == 200 else ""


def _json_texts(value) -> str:
    """Every string in a JSON answer, joined: where a marker would be."""
    if isinstance(value, dict):
        return " ".join(_json_texts(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_json_texts(v) for v in value)
    return value if isinstance(value, str) else ""


def test_every_read_path_agrees_with_can_read(app, client, login, make, api_headers):
    people, posts, threads, replies, images = build_world(make)
    tokens = {role: api_headers(user) if user else {} for role, user in people.items()}
    problems: list[tuple] = []

    def check(path, role, name, expected, got):
        if expected != got:
            problems.append((path, role, name, "may read" if expected else "may not read", "shown" if got else "not shown"))

    def check_list(path, role, user, named, text):
        for name, item in named.items():
            shown = marker_of(item) in text
            if shown and not can_read(user, item):
                problems.append((path, role, name, "may not read", "shown"))
            if can_read(None, item) and not shown:
                problems.append((path, role, name, "public", "not shown"))

    def marker_of(item) -> str:
        return item.body.split("违禁词")[0]

    for role in ROLES:
        user = people[role]
        with client.session_transaction() as sess:
            sess.clear()
        if user is not None:
            login(user)
        api = partial(client.get, headers=tokens[role])

        # --- paths that address one item -------------------------------------------------
        for name, post in posts.items():
            mark, expected = marker_of(post), can_read(user, post)
            check("post page", role, name, expected, mark in _text(client.get(f"/p/{post.id}")))
            resp = api(f"/api/v1/posts/{post.id}")
            check("api post", role, name, expected, resp.status_code == 200 and resp.get_json()["body"] == post.body)
        for name, item in {**threads, **replies}.items():
            thread = item if name in threads else item.thread
            mark, expected = marker_of(item), can_read(user, item)
            check("thread page", role, name, expected, mark in _text(client.get(f"/t/{thread.id}")))
            if thread.post_id is not None:
                check("post page", role, name, expected, mark in _text(client.get(f"/p/{thread.post_id}")))
            resp = api(f"/api/v1/threads/{thread.id}")
            check("api thread", role, name, expected, resp.status_code == 200 and mark in _json_texts(resp.get_json()))
            if thread.post_id is not None:
                resp = api(f"/api/v1/posts/{thread.post_id}")
                check("api post's threads", role, name, expected, mark in _json_texts(resp.get_json()))
        for name, image in images.items():
            check("image", role, name, can_read(user, image), client.get(f"/media/{image.thumb_key}").status_code == 200)
        if user is not None:
            targets = [("post", n, i) for n, i in posts.items()] + [("thread", n, i) for n, i in threads.items()]
            targets += [("reply", n, i) for n, i in replies.items()]
            for target_type, name, item in targets:
                expected = can_read(user, item)
                page = client.get(f"/flag/{target_type}/{item.id}")
                check("flag page", role, name, expected, page.status_code == 200)
                # An unknown reason changes nothing: a readable item answers 422, an unreadable one 404.
                resp = client.post("/api/v1/flags", headers=tokens[role],
                                   json={"target_type": target_type, "target_id": item.id, "reason": "bogus"})
                check("api flag", role, name, expected, resp.status_code != 404)

        # --- lists ---------------------------------------------------------------------------
        post_lists = {
            "timeline": _text(client.get("/?all=1")),
            "department page": _text(client.get("/d/dept-a")),
            "feed": client.get("/d/dept-a/feed.atom").get_data(as_text=True),
            "api posts list": _json_texts(api("/api/v1/posts?department=dept-a&limit=100").get_json()),
        }
        for path, text in post_lists.items():
            check_list(path, role, user, posts, text)
        board = {n: threads[n] for n in ("private thread", "board thread")}
        check_list("message board", role, user, board, _text(client.get("/d/dept-a?tab=board")))
        # Search leaves out the discussion under a withdrawn post (readable on the post's page).
        searchable = {n: i for n, i in {**posts, **threads}.items() if n != "thread on a withdrawn post"}
        check_list("search page", role, user, searchable, _text(client.get("/search?q=RPX")))
        check_list("api search", role, user, searchable, _json_texts(api("/api/v1/search?q=RPX&limit=100").get_json()))
        if user is not None:
            mine = _text(client.get("/me/threads"))
            for name, thread in threads.items():
                check("my questions", role, name, thread.author_id == user.id, marker_of(thread) in mine)

    assert problems == [], "\n".join(map(str, problems))


def test_the_rule_itself(app, make):
    """The table the paths above are held to, spelled out for the items that matter most."""
    people, posts, threads, replies, images = build_world(make)
    readers = {role: [name for name, item in {**posts, **threads, **replies}.items() if can_read(people[role], item)]
               for role in ("visitor", "resident", "staff_b", "sup_out")}
    public = ["public post", "public thread", "thread on a withdrawn post", "board thread", "official reply"]
    assert readers == {"visitor": public, "resident": public, "staff_b": public, "sup_out": public}
    for role in ("opener", "staff_a", "reviewer_a", "sup_over", "moderator", "admin"):
        user = people[role]
        assert can_read(user, threads["private thread"]) and can_read(user, replies["reply inside a private thread"])
        assert can_read(user, threads["hidden thread"]) and can_read(user, replies["follow-up of a hidden thread"])
    for role in ("staff_a", "reviewer_a", "sup_over", "admin"):
        assert all(can_read(people[role], post) for post in posts.values()), role
    assert not can_read(people["opener"], posts["draft post"])
    assert can_read(None, images["public thread"]) and not can_read(None, images["hidden thread"])
    assert not can_read(people["resident"], images["private thread"])
    assert can_read(people["opener"], images["private thread"])
