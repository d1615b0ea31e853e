"""When a post goes public: index its #话题#, link its @部门名 and tell the departments it mentions.

``connect()`` (a step of create_app) subscribes it to ``signals.post_published``,
so the post services need not know.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..core import signals
from ..core.extensions import db
from ..core.text import extract_topics, match_mentions, mention_candidates
from ..departments.mentions import department_slugs, render_post_body
from ..models import Post, PostTopic


def index_post(post: Post) -> list[str]:
    """Store the post's topics, re-render its HTML with links; return the department names mentioned."""
    db.session.execute(sa.delete(PostTopic).where(PostTopic.post_id == post.id))
    db.session.add_all(PostTopic(post_id=post.id, name=name) for name in extract_topics(post.body))
    known = department_slugs(mention_candidates(post.body))
    post.body_html = render_post_body(post.body, known)
    db.session.flush()
    return match_mentions(post.body, known)


def _on_published(post: Post, **_extra) -> None:
    from ..notifications.operations import notify_mentioned

    mentioned = index_post(post)
    if mentioned:
        notify_mentioned(post, mentioned)


def connect() -> None:
    signals.post_published.connect(_on_published)
