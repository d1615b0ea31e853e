"""The data shapes of the OpenAPI description (``components.schemas``), with the codes they use."""

from __future__ import annotations

from typing import Any

from ..models import Category, Channel, Rating, ThreadKind, ThreadState

KINDS = [k.value for k in ThreadKind]
CHANNELS = [c.value for c in Channel]
STATES = [s.value for s in ThreadState]
RATINGS = [r.value for r in Rating]
CATEGORIES = [c.value for c in Category]
POST_STATES = ["draft", "pending", "pending_final", "scheduled", "published", "withdrawn"]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _string(max_len: int, **extra) -> dict:
    return {"type": "string", "maxLength": max_len, **extra}


NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                           "retry_after": {"type": "integer", "minimum": 1,
                                           "description": "429 only: seconds until the call may be made again"}},
        }},
    },
    "Department": {
        "type": "object",
        "required": ["slug", "name", "parent"],
        "properties": {"slug": {"type": "string"}, "name": {"type": "string"},
                       "parent": {"type": ["string", "null"]}},
    },
    "Counts": {
        "type": "object",
        "properties": {"threads": {"type": "integer"}, "likes": {"type": "integer"},
                       "reposts": {"type": "integer"}},
    },
    "Post": {
        "type": "object",
        "required": ["id", "department", "body", "category", "major", "state"],
        "properties": {
            "id": {"type": "integer"},
            "department": {"type": "string"},
            "body": {"type": ["string", "null"]},
            "category": {"type": "string", "enum": CATEGORIES},
            "major": {"type": "boolean"},
            "state": {"type": "string", "enum": POST_STATES},
            "published_at": NULLABLE_TIME,
            "scheduled_at": NULLABLE_TIME,
            "withdrawn_at": NULLABLE_TIME,
            "withdraw_reason": {"type": ["string", "null"]},
            "images": {"type": "array", "items": _ref("Image")},
            "counts": _ref("Counts"),
            "threads": {"type": "array", "items": _ref("Thread")},
        },
    },
    "Image": {
        "type": "object",
        "required": ["url", "thumb_url", "width", "height", "content_type"],
        "properties": {"url": {"type": "string", "format": "uri"}, "thumb_url": {"type": "string", "format": "uri"},
                       "width": {"type": "integer"}, "height": {"type": "integer"},
                       "content_type": {"type": "string", "enum": ["image/jpeg", "image/png", "image/webp"]}},
    },
    "Reply": {
        "type": "object",
        "required": ["id", "official", "body"],
        "properties": {"id": {"type": "integer"}, "official": {"type": "boolean"},
                       "department": {"type": ["string", "null"]}, "body": {"type": "string"},
                       "created_at": {"type": "string", "format": "date-time"},
                       "final": {"type": "boolean"}, "interim": {"type": "boolean"},
                       "reworked": {"type": "boolean"}},
    },
    "Thread": {
        "type": "object",
        "required": ["id", "post_id", "department", "kind", "state", "opened_at", "due_at"],
        "properties": {
            "id": {"type": "integer"},
            "post_id": {"type": ["integer", "null"]},
            "department": {"type": "string"},
            "kind": {"type": "string", "enum": KINDS},
            "state": {"type": "string", "enum": STATES},
            "channel": {"type": "string", "enum": CHANNELS},
            "contact": {"type": ["object", "null"], "description": "Only for the department and its supervisors",
                        "properties": {"name": {"type": "string"}, "phone": {"type": ["string", "null"]}}},
            "external_ref": {"type": ["string", "null"]},
            "private": {"type": "boolean"},
            "body": {"type": ["string", "null"]},
            "opened_at": {"type": "string", "format": "date-time"},
            "due_at": {"type": "string", "format": "date-time"},
            "first_due_at": NULLABLE_TIME,
            "first_response_at": NULLABLE_TIME,
            "answered_at": NULLABLE_TIME,
            "accepted_at": NULLABLE_TIME,
            "handler": {"type": ["string", "null"]},
            "resolved": {"type": ["boolean", "null"]},
            "transfers": {"type": "array"},
            "overdue": {"type": "boolean"},
            "rating": {"type": ["string", "null"]},
            "dismiss_reason": {"type": ["string", "null"]},
            "images": {"type": "array", "items": _ref("Image")},
            "replies": {"type": "array", "items": _ref("Reply")},
        },
    },
    "ReplyTemplate": {
        "type": "object",
        "required": ["id", "department", "title", "body"],
        "properties": {"id": {"type": "integer"}, "department": {"type": ["string", "null"]},
                       "title": {"type": "string"}, "body": {"type": "string",
                       "description": "May contain {姓名} {编号} {部门}, filled in when inserted"}},
    },
    "PostPage": {
        "type": "object",
        "required": ["posts", "next_cursor"],
        "properties": {"posts": {"type": "array", "items": _ref("Post")},
                       "next_cursor": {"type": ["string", "null"]},
                       "topic": {"type": "string"}},
    },
    "FollowState": {
        "type": "object",
        "properties": {"department": {"type": "string"}, "following": {"type": "boolean"},
                       "followers": {"type": "integer"}},
    },
    "Notice": {
        "type": "object",
        "required": ["id", "department", "body", "state", "deadline"],
        "properties": {
            "id": {"type": "integer"},
            "department": {"type": "string"},
            "thread_id": {"type": ["integer", "null"]},
            "body": {"type": "string"},
            "state": {"type": "string", "enum": ["open", "acknowledged", "overdue", "closed"]},
            "created_at": {"type": "string", "format": "date-time"},
            "deadline": {"type": "string", "format": "date-time"},
            "acknowledged_at": NULLABLE_TIME,
            "response": {"type": ["string", "null"]},
            "closed_at": NULLABLE_TIME,
        },
    },
    "ApiToken": {
        "type": "object",
        "required": ["id", "name", "created_at", "expires_at", "active"],
        "description": "A token as listed: never its secret",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
            "last_used_at": NULLABLE_TIME,
            "expires_at": {"type": "string", "format": "date-time"},
            "revoked_at": NULLABLE_TIME,
            "active": {"type": "boolean", "description": "Neither revoked nor expired"},
        },
    },
    "LikeState": {
        "type": "object",
        "properties": {"post_id": {"type": "integer"}, "liked": {"type": "boolean"}, "likes": {"type": "integer"}},
    },
}
