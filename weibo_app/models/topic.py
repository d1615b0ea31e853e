"""Topics (#话题#) of published posts: one row per post and topic, so /topic/<name> is an index lookup."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.extensions import db
from ..core.text import TOPIC_MAX_CHARS


class PostTopic(db.Model):
    __tablename__ = "post_topics"

    # (name, post_id) first: the topic page reads "posts with this name".
    name: Mapped[str] = mapped_column(sa.String(TOPIC_MAX_CHARS), primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id"), primary_key=True, index=True)
