"""Reads for posts: eager-loaded, counted in SQL, a fixed number of queries per page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, raiseload
from sqlalchemy.orm.attributes import set_committed_value

from ..access.read import shown_posts_clause, shows, thread_public_by_itself
from ..core.clock import utcnow
from ..core.exceptions import NotFound
from ..core.extensions import db
from ..core.pagination import Page, keyset_desc_params, keyset_desc_shape, page_of
from ..models import Correction, Follow, Image, Like, Post, PostViewDaily, Repost, Thread


@dataclass
class PostCounts:
    threads: int = 0
    likes: int = 0
    reposts: int = 0
    views: int = 0  # flushed views (see views_counter.py)
    liked: bool = False  # by the current user


@dataclass
class TimelinePage:
    page: Page[Post]
    counts: dict[int, PostCounts] = field(default_factory=dict)
    pinned: list[Post] = field(default_factory=list)  # shown above the page, first page only


def _count_of(model, column=None, *conditions) -> sa.ScalarSelect:
    """A correlated count (or sum) of ``model`` rows of the outer post."""
    value = sa.func.count() if column is None else sa.func.coalesce(sa.func.sum(column), 0)
    return sa.select(value).where(model.post_id == Post.id, *conditions).scalar_subquery()


def _count_columns(signed_in: bool) -> tuple[sa.ColumnElement, ...]:
    """The outer post's counts as columns (``_counts_of_row`` reads them): threads, likes,
    reposts, views and whether the viewer (parameter ``viewer_id``) liked it.

    Public counts: a thread counts when the public may read it (not held, hidden
    or private), whoever is looking; the figures of DESIGN.md count them all."""
    # The viewer's own like in the same query (an EXISTS on the like's key), not a second one.
    liked = (sa.exists().where(Like.post_id == Post.id, Like.user_id == sa.bindparam("viewer_id"))
             if signed_in else sa.false())
    return (_count_of(Thread, None, thread_public_by_itself()), _count_of(Like), _count_of(Repost),
            _count_of(PostViewDaily, PostViewDaily.views), liked)


def _counts_of_row(threads, likes, reposts, views, by_viewer) -> PostCounts:
    return PostCounts(threads, likes, reposts, int(views or 0), bool(by_viewer))


def _viewer_id() -> int | None:
    return current_user.id if has_request_context() and current_user.is_authenticated else None


@cache
def _counts_statement(signed_in: bool) -> sa.Select:
    """The counts query, built once (it runs on every page of cards; building the expression
    cost more than running it): the post ids and the viewer are parameters."""
    return sa.select(Post.id, *_count_columns(signed_in)).where(Post.id.in_(sa.bindparam("post_ids", expanding=True)))


def count_for_posts(post_ids: list[int]) -> dict[int, PostCounts]:
    """Threads, likes, reposts and views of these posts in one query (indexed
    correlated counts, ``_count_columns``); plus, for a logged-in viewer, which of them they liked."""
    counts = {pid: PostCounts() for pid in post_ids}
    if not post_ids:
        return counts
    viewer_id = _viewer_id()
    rows = db.session.execute(_counts_statement(viewer_id is not None),
                              {"post_ids": post_ids, "viewer_id": viewer_id})
    for post_id, *figures in rows:
        counts[post_id] = _counts_of_row(*figures)
    return counts


@cache
def _listing_statement(pins: str | None, pinned_part: bool, after: bool, by_department: bool,
                       signed_in: bool) -> sa.Select:
    """A list of posts with their counts (``_count_columns``: one statement, not a second for
    the counts), built once per shape (building and keying the expression cost more than
    running it): the time, the page's cursor and limit, the departments and the viewer are
    parameters. ``pinned_part``: the pinned posts above the first page, else the stream below."""
    now = sa.bindparam("now")
    # Images are read for the whole page by ``_attach_images``, never one query per card, and
    # only for the posts this last column says have some (most have none: no query at all).
    stmt = (
        sa.select(Post, *_count_columns(signed_in), _count_of(Image))
        .options(joinedload(Post.department), raiseload(Post.images))
        .where(shown_posts_clause(None, now))  # the public list, whoever looks
    )
    if by_department:
        stmt = stmt.where(Post.department_id.in_(sa.bindparam("department_ids", expanding=True)))
    if pins == "timeline":
        # As a set of ids, so the planners start from the few pinned posts (their index)
        # rather than walk the whole list newest first looking for them.
        is_pinned = Post.id.in_(sa.select(Post.id).where(Post.timeline_pinned_until > now))
        not_pinned = sa.or_(Post.timeline_pinned_until.is_(None), Post.timeline_pinned_until <= now)
    elif pins:
        is_pinned, not_pinned = Post.dept_pinned_at.is_not(None), Post.dept_pinned_at.is_(None)
    if pinned_part:
        return (stmt.where(is_pinned).order_by(Post.published_at.desc(), Post.id.desc())
                .limit(sa.bindparam("pinned_limit")))
    if pins:
        stmt = stmt.where(not_pinned)
    return keyset_desc_shape(stmt, Post.published_at, Post.id, after)


@cache
def _images_statement() -> sa.Select:
    return (sa.select(Image).where(Image.post_id.in_(sa.bindparam("post_ids", expanding=True)))
            .order_by(Image.position, Image.id))


def _attach_images(posts: list[Post], with_images: set[int]) -> None:
    """Every post's ``images``, in their order: those of the posts in ``with_images`` read in
    one query for the whole list, none for the others."""
    found: dict[int, list[Image]] = {post.id: [] for post in posts}
    if with_images:
        for image in db.session.scalars(_images_statement(), {"post_ids": sorted(with_images)}):
            found[image.post_id].append(image)
    for post in posts:
        set_committed_value(post, "images", found[post.id])


def timeline(
    cursor: str | None = None,
    limit: int = 20,
    department_ids: list[int] | None = None,
    pins: str | None = None,
) -> TimelinePage:
    """Public posts newest first (withdrawn ones stay, shown as their notice).

    With ``pins`` the pinned posts come first on the first page and stay out of
    the stream below: ``"timeline"``, the fast-track posts pinned until a time
    still ahead; ``"department"``, a department page's one pinned post.
    """
    params = keyset_desc_params(cursor, limit)
    params["now"], params["viewer_id"] = utcnow(), _viewer_id()
    by_department, signed_in = department_ids is not None, params["viewer_id"] is not None
    if by_department:
        params["department_ids"] = department_ids
    counts: dict[int, PostCounts] = {}
    with_images: set[int] = set()

    def listed(stmt: sa.Select, values: dict) -> list[Post]:
        posts = []
        for post, *figures, images in db.session.execute(stmt, values):
            posts.append(post)
            counts[post.id] = _counts_of_row(*figures)
            if images:
                with_images.add(post.id)
        return posts

    pinned: list[Post] = []
    if pins and not cursor:
        pinned = listed(_listing_statement(pins, True, False, by_department, signed_in),
                        {**params, "pinned_limit": limit})
    rows = listed(_listing_statement(pins, False, "after_time" in params, by_department, signed_in), params)
    # The row past the page too: no post of this session is left whose images would raise.
    _attach_images(pinned + rows, with_images)
    page = page_of(rows, limit, lambda p: (p.published_at, p.id))
    return TimelinePage(page, {post.id: counts[post.id] for post in pinned + page.items}, pinned)


@cache
def _post_statement() -> sa.Select:
    """The post page's reads are built once, with the post as a parameter (as the counts are):
    each runs on every post page, and building the statement cost more than running it."""
    return sa.select(Post).options(joinedload(Post.department)).where(Post.id == sa.bindparam("post_id"))


@cache
def _corrections_statement() -> sa.Select:
    return (
        sa.select(Correction).where(Correction.post_id.in_(sa.bindparam("post_ids", expanding=True)))
        .order_by(Correction.created_at, Correction.id)
    )


@cache
def _reposts_statement() -> sa.Select:
    return (
        sa.select(Repost).options(joinedload(Repost.user))
        .where(Repost.post_id == sa.bindparam("post_id"))
        .order_by(Repost.created_at.desc(), Repost.id.desc())
        .limit(sa.bindparam("limit"))
    )


def get_public_post(post_id: int) -> Post:
    """A post the current viewer may open (``access.read.shows``): a public one, a withdrawn
    one as its notice, a hidden one as its placeholder; insiders open any state of theirs."""
    from ..access.viewer import current_viewer

    post = db.session.scalar(_post_statement(), {"post_id": post_id})
    if post is None or not shows(current_viewer(), post):
        raise NotFound(_("没有这条微博。"), "post_not_found")
    return post


def corrections_for(post_ids: list[int]) -> dict[int, list[Correction]]:
    """Corrections under these posts, oldest first: one query."""
    found: dict[int, list[Correction]] = defaultdict(list)
    if post_ids:
        for row in db.session.scalars(_corrections_statement(), {"post_ids": post_ids}):
            found[row.post_id].append(row)
    return found


def reposts_of_post(post_id: int, limit: int = 50) -> list[Repost]:
    """The latest reposts of a post, newest first (shown under it)."""
    return list(db.session.scalars(_reposts_statement(), {"post_id": post_id, "limit": limit}))


#: Built once: a resident's home page runs it on every request.
_FOLLOWED = sa.select(Follow.department_id).where(Follow.user_id == sa.bindparam("user_id"))


def followed_department_ids(user_id: int) -> list[int]:
    """The departments a resident follows: their timeline."""
    return list(db.session.scalars(_FOLLOWED, {"user_id": user_id}))

