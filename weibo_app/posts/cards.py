"""Post cards: the viewer-independent part rendered once and cached (core/fragments.py).

A card's head (department, time, badges, index number) reads the same for everyone; so do
its text and images when ``access.read.reads_alike`` says every viewer reads the post alike.
That part is keyed by everything shown in it, the language and the text size.

The footer (counts, like/repost/flag controls, the link to the post) is decided for each
request: the counts are read fresh and the like and flag rules asked for this viewer. It is
then rendered from that decision alone (``CardFoot``) and cached by it, so figures stay
current and a footer is shared only by viewers the rules answered alike; the like form's
CSRF token and return path, which belong to the request, are holes filled in afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from ..access.actions import may
from ..access.read import reads_alike
from ..access.viewer import current_viewer
from ..core import labels
from ..core.clock import utcnow
from ..core.fragments import cached_fragment, page_variant
from ..models import Post
from .queries import PostCounts

TEMPLATE = "posts/_card_main.html"
FOOT_TEMPLATE = "posts/_card_foot.html"
#: Where the request's own values go in a cached footer: markup no escaped text can contain.
CSRF_HOLE, NEXT_HOLE = Markup("<csrf-token-here>"), Markup("<next-path-here>")  # noqa: S704 - fixed markers
SENTINEL = 987654321


@dataclass(frozen=True)
class CardMain:
    html: Markup
    with_body: bool  # False: the caller renders the text for its viewer


def _everyone(_item) -> bool:
    return False


def _stored(item) -> str:
    return item.body_html


def card_main(post: Post, heading: str = "h2", pinned: bool = False) -> CardMain:
    with_body = not post.withdrawn and reads_alike(post, utcnow())
    images = tuple((i.key, i.thumb_key) for i in post.images) if with_body else ()
    dept = post.department
    parts = ("post-card", post.id, post.state, post.updated_at, post.published_at, post.department_id,
             dept.slug, dept.name, post.category, post.major, post.fast_track, with_body,
             post.body_html if with_body else None, images, *page_variant(),
             heading, bool(pinned))

    def render() -> str:
        template = current_app.jinja_env.get_template(TEMPLATE)
        # Only for a post everyone reads alike: its stored text, hidden from no one.
        return template.render(post=post, heading=heading, pinned=pinned, with_body=with_body, labels=labels,
                               body_for=_stored, hidden_for=_everyone)

    return CardMain(cached_fragment(parts, render), with_body)


def card_urls() -> dict[str, str]:
    """Per request, the card links as ``str.format`` patterns, made by one ``url_for`` each
    (not one per card): ``card_urls()['detail'].format(post.id)``."""
    found = g.get("_card_urls")
    if found is None:
        from flask import url_for

        def pattern(endpoint: str, **values) -> str:
            return url_for(endpoint, **values).replace(str(SENTINEL), "{}")

        found = g._card_urls = {
            "detail": pattern("posts.detail", post_id=SENTINEL),
            "flag": pattern("moderation.flag", target_type="post", target_id=SENTINEL),
            "like": pattern("social.like", post_id=SENTINEL),
            "unlike": pattern("social.unlike", post_id=SENTINEL),
            "repost": pattern("social.repost", post_id=SENTINEL),
        }
    return found


@dataclass(frozen=True)
class CardFoot:
    """A card's footer as decided for this viewer, now: the footer template's only input."""

    id: int
    counts: PostCounts | None  # None: a card without figures or controls
    may_like: bool
    may_flag: bool
    link: bool
    department: str | None  # named in the link to the post
    published_at: datetime | None


def card_foot(post: Post, counts: PostCounts | None = None, link: bool = True) -> Markup:
    """The footer of ``post``'s card for the current viewer and request."""
    viewer = current_viewer()
    # Both rules need a signed-in viewer: asking them for a visitor only builds refusals.
    foot = CardFoot(
        id=post.id, counts=counts, may_like=bool(counts and viewer and may(viewer, post, "like")),
        may_flag=bool(viewer and may(viewer, post, "flag")), link=link,
        department=post.department.name if link else None, published_at=post.published_at if link else None,
    )

    def render() -> str:
        template = current_app.jinja_env.get_template(FOOT_TEMPLATE)
        return template.render(foot=foot, csrf_hole=CSRF_HOLE, next_hole=NEXT_HOLE)

    html = cached_fragment(("post-card-foot", foot, *page_variant()), render)
    if foot.may_like:
        csrf, next_path = _holes()
        html = Markup(str(html).replace(CSRF_HOLE, csrf).replace(NEXT_HOLE, next_path))  # noqa: S704 - escaped below
    return html


def _holes() -> tuple[str, str]:
    """The like form's CSRF token and return path, escaped as the template would: the same for
    every card of the request, so found once."""
    found = g.get("_card_holes")
    if found is None:
        found = g._card_holes = (str(escape(generate_csrf())), str(escape(request.full_path.rstrip("?"))))
    return found
