"""Post lists (posts/queries.timeline): statements built once per shape, with the viewer, the
time, the cursor and the departments as parameters. Each call must get its own rows, counts,
likes and images, whatever ran before it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_login import login_user

from weibo_app.core.extensions import db
from weibo_app.media.operations import attach_images
from weibo_app.models import Image
from weibo_app.posts import queries
from weibo_app.social.operations import like_post, repost_post

from .test_media import image_bytes, upload


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "UPLOAD_DIR": str(tmp_path / "uploads")}


def _listed(app, viewer=None, **kwargs) -> queries.TimelinePage:
    # A context of its own, as each request has (the signed-in user is kept on it).
    with app.app_context(), app.test_request_context("/"):
        if viewer is not None:
            login_user(viewer)
        return queries.timeline(**kwargs)


def _ids(result: queries.TimelinePage) -> list[int]:
    return [post.id for post in result.pinned + result.page.items]


def test_each_viewer_gets_the_same_counts_and_only_their_own_likes(app, make):
    staff = make.staff(make.department())
    first, second, third = (make.post(author=staff, body=f"列表第{i}条") for i in range(3))
    alice, bob = make.user(), make.user()
    like_post(alice, first)
    like_post(bob, second)
    like_post(bob, first)
    repost_post(alice, third)
    make.thread(post=third)
    db.session.commit()
    expected = {first.id: (0, 2, 0), second.id: (0, 1, 0), third.id: (1, 0, 1)}
    # Alice after Bob after Alice: the like of one viewer must never be the next one's.
    for viewer, liked in ((None, set()), (alice, {first.id}), (bob, {first.id, second.id}),
                          (alice, {first.id}), (None, set())):
        result = _listed(app, viewer, limit=20, pins="timeline")
        assert set(_ids(result)) == set(expected)
        assert {pid: (c.threads, c.likes, c.reposts) for pid, c in result.counts.items()} == expected
        assert {pid for pid, c in result.counts.items() if c.liked} == liked
        with app.app_context(), app.test_request_context("/"):
            if viewer is not None:
                login_user(viewer)
            assert result.counts == queries.count_for_posts(_ids(result))  # the counts query alone


def test_each_page_and_department_lists_its_own_posts_with_their_images(app, make):
    here, there = make.department(), make.department()
    staff, other = make.staff(here), make.staff(there)
    posts = [make.post(author=staff, body=f"本部门第{i}条") for i in range(3)]
    elsewhere = make.post(author=other, body="别的部门")
    for post, count in ((posts[0], 2), (posts[2], 1), (elsewhere, 1)):
        attach_images(post.author, [upload(image_bytes("PNG"), f"{i}.png") for i in range(count)], post=post)
    db.session.commit()
    stored = {post.id: [(i.key, i.thumb_key) for i in db.session.scalars(
        sa.select(Image).where(Image.post_id == post.id).order_by(Image.position, Image.id))]
        for post in [*posts, elsewhere]}
    assert [len(stored[p.id]) for p in posts] == [2, 0, 1]

    def images(result) -> dict[int, list[tuple[str, str]]]:
        return {p.id: [(i.key, i.thumb_key) for i in p.images] for p in result.pinned + result.page.items}

    everything = _listed(app, limit=20)
    assert images(everything) == stored
    first = _listed(app, limit=2, department_ids=[here.id], pins="department")
    assert _ids(first) == [posts[2].id, posts[1].id] and first.page.next_cursor
    rest = _listed(app, cursor=first.page.next_cursor, limit=2, department_ids=[here.id], pins="department")
    assert _ids(rest) == [posts[0].id] and rest.page.next_cursor is None
    assert images(rest) == {posts[0].id: stored[posts[0].id]}
    theirs = _listed(app, limit=2, department_ids=[there.id], pins="department")
    assert _ids(theirs) == [elsewhere.id] and images(theirs) == {elsewhere.id: stored[elsewhere.id]}


def test_images_are_read_only_when_a_listed_post_has_some(app, make, count_queries):
    staff = make.staff(make.department())
    plain = make.post(author=staff, body="没有配图")
    with count_queries() as without:
        result = _listed(app, limit=20)
    assert [(p.id, list(p.images)) for p in result.page.items] == [(plain.id, [])]
    assert without.count == 1  # the list and its counts, and no images query
    pictured = make.post(author=staff, body="有两张配图")
    keys = [(i.key, i.thumb_key) for i in attach_images(
        staff, [upload(image_bytes("PNG"), f"{i}.png") for i in range(2)], post=pictured)]
    db.session.commit()
    with count_queries() as with_images:
        result = _listed(app, limit=20)
    assert {p.id: [(i.key, i.thumb_key) for i in p.images] for p in result.page.items} == {
        pictured.id: keys, plain.id: []}
    assert with_images.count == without.count + 1
