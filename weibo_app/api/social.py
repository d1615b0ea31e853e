"""Follows, likes, reposts, topics and notifications in the API."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..core.exceptions import Invalid
from ..core.extensions import db
from ..departments.operations import get_department
from ..notifications import queries as notification_queries
from ..notifications.messages import describe
from ..notifications.operations import mark_all_read, mark_read
from ..posts.queries import get_public_post
from ..social import operations as ops
from ..social import queries
from . import bp
from .auth import token_required
from .payload import id_list_field, json_body, text_field
from .serializers import iso, post_dict


def _follow_state(dept) -> dict:
    return {"department": dept.slug, "following": queries.is_following(current_user.id, dept.id),
            "followers": queries.follower_count(dept.id)}


@bp.post("/departments/<slug>/follow")
@token_required
def follow_department(slug: str):
    """Follow a department (idempotent)."""
    dept = get_department(slug)
    ops.follow_department(current_user, dept)
    db.session.commit()
    return jsonify(_follow_state(dept))


@bp.delete("/departments/<slug>/follow")
@token_required
def unfollow_department(slug: str):
    """Stop following a department (idempotent)."""
    dept = get_department(slug)
    ops.unfollow_department(current_user, dept)
    db.session.commit()
    return jsonify(_follow_state(dept))


def _like_state(post) -> dict:
    return {"post_id": post.id, "liked": bool(queries.liked_post_ids(current_user.id, [post.id])),
            "likes": queries.like_count(post.id)}


@bp.post("/posts/<int:post_id>/like")
@token_required
def like_post(post_id: int):
    """Like a post (once per user)."""
    post = get_public_post(post_id)
    ops.like_post(current_user, post)
    db.session.commit()
    return jsonify(_like_state(post))


@bp.delete("/posts/<int:post_id>/like")
@token_required
def unlike_post(post_id: int):
    """Take a like back."""
    post = get_public_post(post_id)
    ops.unlike_post(current_user, post)
    db.session.commit()
    return jsonify(_like_state(post))


def repost_dict(r) -> dict:
    return {"id": r.id, "post_id": r.post_id, "comment": r.comment, "created_at": iso(r.created_at)}


@bp.post("/posts/<int:post_id>/reposts")
@token_required
def repost_post(post_id: int):
    """Repost (转发) with an optional comment of at most 140 Weibo-counted characters."""
    data = json_body()
    post = get_public_post(post_id)
    made = ops.repost_post(current_user, post, text_field(data, "comment", 2000, required=False))
    db.session.commit()
    return jsonify(repost_dict(made)), 201


@bp.get("/topics/<name>/posts")
def topic_posts(name: str):
    """Posts with #name#, newest first, cursor pagination."""
    result = queries.topic_posts(name, request.args.get("cursor"), 20)
    return jsonify({
        "topic": name,
        "posts": [post_dict(p, result.counts[p.id]) for p in result.page.items],
        "next_cursor": result.page.next_cursor,
    })


@bp.get("/notifications")
@token_required
def list_notifications():
    """The caller's notifications, newest first, with the unread count."""
    user = current_user
    page = notification_queries.notifications_of(user.id, request.args.get("cursor"), 20)
    return jsonify({
        "unread": notification_queries.unread_count(user.id),
        "notifications": [
            {"id": n.id, "kind": n.kind, "data": n.data, "text": describe(n.kind, n.data),
             "created_at": iso(n.created_at), "read": n.read_at is not None}
            for n in page.items
        ],
        "next_cursor": page.next_cursor,
    })


@bp.post("/notifications/read")
@token_required
def read_notifications():
    """Mark ``{"ids": [...]}`` read, or every one with ``{"all": true}``; nothing else is accepted."""
    data = json_body()
    user = current_user
    if set(data) == {"all"} and data["all"] is True:
        mark_all_read(user)
    elif set(data) == {"ids"}:
        for notification_id in id_list_field(data, "ids"):
            mark_read(user, notification_id)
    else:
        raise Invalid(_('请求体必须是 {"ids": [...]} 或 {"all": true}。'), "invalid_body")
    db.session.commit()
    return jsonify({"unread": notification_queries.unread_count(user.id)})


