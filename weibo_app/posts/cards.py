"""Post cards: the viewer-independent part rendered once and cached (core/fragments.py).

A card's head (department, time, badges, index number) reads the same for everyone; so do
its text and images when ``access.read.reads_alike`` says every viewer reads the post alike.
That part is keyed by everything shown in it, the language and the text size; the rest of
the card (counts, like/repost/flag controls, links that name the viewer's page) is rendered
for each request, so figures stay current and no viewer's controls reach another.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g
from flask_babel import get_locale
from markupsafe import Markup

from ..access.read import reads_alike
from ..core import labels
from ..core.clock import utcnow
from ..core.fragments import cached_fragment
from ..core.i18n import select_text_size
from ..models import Post

TEMPLATE = "posts/_card_main.html"
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
             post.body_html if with_body else None, images, str(get_locale()), select_text_size(),
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
