"""Posts in the API: list, read, create. The review workflow lives beside it."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..core.exceptions import Invalid
from ..core.extensions import db
from ..departments.operations import get_department
from ..posts import queries
from ..posts.lifecycle import create_post
from ..threads.queries import threads_of_post
from . import bp
from .auth import token_required
from .payload import bool_field, json_body, text_field
from .serializers import post_dict, thread_dict
from .threads import held_or_created

MAX_LIMIT = 100


@bp.get("/posts")
def list_posts():
    """Published posts, newest first, with cursor pagination."""
    slug = request.args.get("department")
    department_ids = [get_department(slug).id] if slug else None
    try:
        limit = int(request.args.get("limit", 20))
    except ValueError:
        raise Invalid(_("limit 必须是整数。"), "invalid_limit") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(_("limit 必须在1到100之间。"), "invalid_limit")
    result = queries.timeline(request.args.get("cursor"), limit, department_ids)
    return jsonify({
        "posts": [post_dict(p, result.counts[p.id]) for p in result.page.items],
        "next_cursor": result.page.next_cursor,
    })


@bp.get("/posts/<int:post_id>")
def get_post(post_id: int):
    """A post with its threads and replies."""
    post = queries.get_public_post(post_id)
    data = post_dict(post, queries.count_for_posts([post.id])[post.id])
    data["threads"] = [thread_dict(t) for t in threads_of_post(post.id)]
    return jsonify(data)


@bp.post("/posts")
@token_required
def create():
    """Staff: a draft, or a published post where the department needs no review."""
    data = json_body()
    post = create_post(
        current_user,
        body=text_field(data, "body", 2000),
        category=text_field(data, "category", 40),
        major=bool_field(data, "major"),
    )
    db.session.commit()
    return held_or_created(post_dict(post), post)
