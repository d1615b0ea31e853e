"""Pages built from more than one view."""

from __future__ import annotations

from flask import render_template

from ..core.clock import utcnow
from ..threads.cards import post_thread_cards
from ..threads.page_forms import thread_forms
from . import queries


def render_post_page(post, thread_form, status: int = 200):
    """The post page: shared by the page itself and by a refused question shown again."""
    return render_template(
        "posts/detail.html", post=post, cards=post_thread_cards(post.id, utcnow()),
        counts=queries.count_for_posts([post.id])[post.id],
        thread_form=thread_form, forms=thread_forms(), reposts=queries.reposts_of_post(post.id, 20),
        corrections=queries.corrections_for([post.id])[post.id],
    ), status
