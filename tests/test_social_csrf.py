"""Like, follow and notification buttons with CSRF protection switched on, as in production."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from weibo_app.core.extensions import db
from weibo_app.models import Follow, Like


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def token_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_like_and_follow_need_the_token(app, make, client, login):
    dept = make.department()
    post = make.post(department=dept)
    login(make.user())
    assert client.post(f"/p/{post.id}/like").status_code == 400
    assert client.post(f"/d/{dept.slug}/follow").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Like)) == 0

    token = token_from(client.get(f"/p/{post.id}").get_data(as_text=True))
    assert client.post(f"/p/{post.id}/like", data={"csrf_token": token}).status_code == 303
    token = token_from(client.get(f"/d/{dept.slug}").get_data(as_text=True))
    assert client.post(f"/d/{dept.slug}/follow", data={"csrf_token": token}).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Like)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Follow)) == 1


def test_repost_form_needs_the_token(app, make, client, login):
    post = make.post()
    login(make.user())
    assert client.post(f"/p/{post.id}/repost", data={"comment": "转"}).status_code == 400
    page = client.get(f"/p/{post.id}/repost").get_data(as_text=True)
    resp = client.post(f"/p/{post.id}/repost", data={"comment": "转", "csrf_token": token_from(page)})
    assert resp.status_code == 303


def like_form(html: str, post_id: int) -> tuple[str, str]:
    """The token and return path in the like form of this post's card."""
    found = re.search(rf'action="/p/{post_id}/like">\s*<input type="hidden" name="csrf_token" value="([^"]+)">'
                      r'\s*<input type="hidden" name="next" value="([^"]+)">', html)
    return found.group(1), found.group(2)


def test_a_cached_card_footer_carries_each_requests_token_and_return_path(app, make, client, login):
    dept = make.department()
    post = make.post(department=dept)
    for n, path in enumerate(["/", f"/d/{dept.slug}", "/?all=1"], start=1):
        login(make.user())  # another resident each time; after the first, the footer comes from the cache
        token, back = like_form(client.get(path).get_data(as_text=True), post.id)
        assert back == path.replace("&", "&amp;")
        resp = client.post(f"/p/{post.id}/like", data={"csrf_token": token, "next": path})
        assert resp.status_code == 303 and resp.headers["Location"].endswith(path)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Like)) == n
