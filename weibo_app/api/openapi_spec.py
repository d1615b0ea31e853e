"""The OpenAPI 3.1 description of ``/api/v1``, written by hand.

``tests/test_openapi.py`` keeps it true: every API route is documented here,
every documented path exists, and the methods match. The fuzz test
(``tests/test_fuzz_api.py``) sends requests generated from it.
"""

from __future__ import annotations

import copy
from typing import Any

from ..models import Category, Channel, Rating, ThreadKind, ThreadState
from ..models.moderation import TARGET_TYPES, FlagReason

PREFIX = "/api/v1"

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
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
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
                       "created_at": {"type": "string", "format": "date-time"}},
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
            "body": {"type": ["string", "null"]},
            "opened_at": {"type": "string", "format": "date-time"},
            "due_at": {"type": "string", "format": "date-time"},
            "first_due_at": NULLABLE_TIME,
            "first_response_at": NULLABLE_TIME,
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
    "LikeState": {
        "type": "object",
        "properties": {"post_id": {"type": "integer"}, "liked": {"type": "boolean"}, "likes": {"type": "integer"}},
    },
}

_ERRORS = {
    "400": "Malformed request (not JSON, invalid UTF-8)",
    "401": "Missing, invalid or expired token",
    "403": "Not allowed for this account",
    "404": "No such object",
    "409": "The object is not in a state that allows this",
    "413": "Body too large",
    "422": "A field breaks a rule (missing, too long, unknown value)",
    "429": "Rate limited; see Retry-After",
}


def _op(summary: str, *, ok: str = "200", schema: dict | None = None, body: dict | None = None,
        required: tuple[str, ...] = (), params: list | None = None, auth: str | None = "bearer",
        errors: tuple[str, ...] = ("400", "401", "403", "404", "409", "422"), tag: str = "") -> dict:
    op: dict[str, Any] = {"summary": summary, "tags": [tag] if tag else []}
    if params:
        op["parameters"] = params
    if body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {
                "type": "object", "properties": body, "required": list(required),
            }}},
        }
    if auth == "bearer":
        op["security"] = [{"bearerAuth": []}]
    elif auth == "basic":
        op["security"] = [{"basicAuth": []}]
    else:
        op["security"] = []
    responses: dict[str, Any] = {ok: {"description": "Success", "content": {
        "application/json": {"schema": schema or {"type": "object"}}}}}
    for code in errors + ("429",):
        responses[code] = {"description": _ERRORS[code], "content": {"application/json": {"schema": _ref("Error")}}}
    op["responses"] = responses
    return op


def _path(name: str, kind: str = "integer", pattern: str | None = None) -> dict:
    schema: dict[str, Any] = {"type": kind}
    if kind == "integer":
        schema["minimum"] = 1
    else:
        schema["maxLength"] = 60
    if pattern:
        schema["pattern"] = pattern
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _query(name: str, schema: dict, description: str = "") -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


POST_ID = _path("post_id")
THREAD_ID = _path("thread_id")
SLUG = _path("slug", "string")
CURSOR = _query("cursor", _string(200), "Opaque cursor from next_cursor")
LIMIT = _query("limit", {"type": "integer", "minimum": 1, "maximum": 100})
ONE_POST = _ref("Post")
ONE_THREAD = _ref("Thread")
BODY = _string(2000)
SECRECY = {"type": "boolean", "description": "The confidentiality check (保密审查) was done"}


def _paths() -> dict[str, dict]:
    p = PREFIX
    return {
        f"{p}/openapi.json": {"get": _op("This document", auth=None, errors=(), tag="meta")},
        f"{p}/tokens": {"post": _op(
            "Exchange HTTP Basic credentials for a bearer token", ok="201", auth="basic", errors=("401",),
            schema={"type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}},
            tag="auth")},
        f"{p}/departments": {"get": _op(
            "Every department with slug, name and parent", auth=None, errors=(), tag="departments",
            schema={"type": "object", "properties": {"departments": {"type": "array", "items": _ref("Department")}}})},
        f"{p}/departments/{{slug}}/threads": {"post": _op(
            "Resident: ask a department on its message board. Staff (own department) or a supervisor "
            "(subtree) with `channel`: record a request from another channel; the same `external_ref` "
            "returns the existing thread with 200", ok="201", schema=ONE_THREAD, params=[SLUG],
            body={"body": BODY, "kind": {"type": "string", "enum": KINDS},
                  "channel": {"type": "string", "enum": CHANNELS},
                  "contact": {"type": "object", "properties": {"name": _string(60), "phone": _string(30)}},
                  "external_ref": _string(100)},
            required=("body", "kind"), tag="threads")},
        f"{p}/departments/{{slug}}/follow": {
            "post": _op("Follow a department", schema=_ref("FollowState"), params=[SLUG], tag="social"),
            "delete": _op("Stop following a department", schema=_ref("FollowState"), params=[SLUG], tag="social"),
        },
        f"{p}/posts": {
            "get": _op("Published posts, newest first", auth=None, schema=_ref("PostPage"), tag="posts",
                       errors=("404", "422"),
                       params=[_query("department", _string(60)), CURSOR, LIMIT]),
            "post": _op("Staff: create a draft, or publish where no review is needed", ok="201", schema=ONE_POST,
                        body={"body": BODY, "category": {"type": "string", "enum": CATEGORIES},
                              "major": {"type": "boolean"}},
                        required=("body", "category"), tag="posts"),
        },
        f"{p}/posts/{{post_id}}": {"get": _op(
            "A post with its threads and replies", auth=None, schema=ONE_POST, params=[POST_ID],
            errors=("404",), tag="posts")},
        f"{p}/posts/{{post_id}}/submit": {"post": _op(
            "The author submits a draft for review", schema=ONE_POST, params=[POST_ID], tag="review")},
        f"{p}/posts/{{post_id}}/approve": {"post": _op(
            "Approve (or give final approval)", schema=ONE_POST, params=[POST_ID], tag="review",
            body={"secrecy_checked": SECRECY})},
        f"{p}/posts/{{post_id}}/fast-track": {"post": _op(
            "Head: publish emergency information or a rebuttal at once", schema=ONE_POST, params=[POST_ID],
            tag="review", body={"secrecy_checked": SECRECY, "pin_until": {
                "anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}})},
        f"{p}/posts/{{post_id}}/return": {"post": _op(
            "Return a post to its author with a comment", schema=ONE_POST, params=[POST_ID], tag="review",
            body={"comment": BODY}, required=("comment",))},
        f"{p}/posts/{{post_id}}/schedule": {"post": _op(
            "Set the time the post goes public", schema=ONE_POST, params=[POST_ID], tag="review",
            body={"at": {"type": "string", "format": "date-time", "maxLength": 64}}, required=("at",))},
        f"{p}/posts/{{post_id}}/withdraw": {"post": _op(
            "Withdraw a public post with a reason", schema=ONE_POST, params=[POST_ID], tag="review",
            body={"reason": BODY}, required=("reason",))},
        f"{p}/posts/{{post_id}}/corrections": {"post": _op(
            "Append a correction (更正)", ok="201", params=[POST_ID], tag="review",
            body={"body": BODY}, required=("body",))},
        f"{p}/posts/{{post_id}}/threads": {"post": _op(
            "Resident: open a thread on a post", ok="201", schema=ONE_THREAD, params=[POST_ID], tag="threads",
            body={"body": BODY, "kind": {"type": "string", "enum": KINDS}}, required=("body", "kind"))},
        f"{p}/posts/{{post_id}}/like": {
            "post": _op("Like a post", schema=_ref("LikeState"), params=[POST_ID], tag="social"),
            "delete": _op("Take a like back", schema=_ref("LikeState"), params=[POST_ID], tag="social"),
        },
        f"{p}/posts/{{post_id}}/reposts": {"post": _op(
            "Repost (转发) with an optional comment", ok="201", params=[POST_ID], tag="social",
            body={"comment": {"type": ["string", "null"], "maxLength": 2000}})},
        f"{p}/review": {"get": _op(
            "Posts waiting for the caller's decision", tag="review",
            schema={"type": "object", "properties": {"posts": {"type": "array", "items": ONE_POST}}})},
        f"{p}/threads/{{thread_id}}": {"get": _op(
            "A thread with its replies", auth=None, schema=ONE_THREAD, params=[THREAD_ID], errors=("404",),
            tag="threads")},
        f"{p}/threads/{{thread_id}}/replies": {"post": _op(
            "Staff: official reply; the opener: follow-up", ok="201", schema=ONE_THREAD, params=[THREAD_ID],
            tag="threads", body={"body": BODY}, required=("body",))},
        f"{p}/threads/{{thread_id}}/dismiss": {"post": _op(
            "Staff: no answer needed, with a reason", schema=ONE_THREAD, params=[THREAD_ID], tag="threads",
            body={"reason": _string(500)}, required=("reason",))},
        f"{p}/threads/{{thread_id}}/transfer": {"post": _op(
            "Staff: transfer to another department", schema=ONE_THREAD, params=[THREAD_ID], tag="threads",
            body={"department": _string(60), "reason": {"type": ["string", "null"], "maxLength": 500}},
            required=("department",))},
        f"{p}/threads/{{thread_id}}/rate": {"post": _op(
            "The opener rates the answer", schema=ONE_THREAD, params=[THREAD_ID], tag="threads",
            body={"rating": {"type": "string", "enum": RATINGS}}, required=("rating",))},
        f"{p}/inbox": {"get": _op(
            "Staff: the department's awaiting threads", tag="threads",
            schema={"type": "object", "properties": {"threads": {"type": "array", "items": ONE_THREAD}}})},
        f"{p}/metrics": {"get": _op(
            "The metric fields of every department, or one, for a period", auth=None, tag="metrics",
            errors=("404", "422"),
            params=[_query("from", {"type": "string", "format": "date"}, "First local day"),
                    _query("to", {"type": "string", "format": "date"}, "Local day after the last"),
                    _query("department", _string(60)),
                    _query("subtree", {"type": "string", "enum": ["0", "1", "true", "false"]})])},
        f"{p}/search": {"get": _op(
            "Posts and threads containing every word of q", auth=None, tag="search", errors=("404", "422"),
            params=[{"name": "q", "in": "query", "required": True, "schema": _string(100)},
                    _query("department", _string(60)),
                    _query("category", {"type": "string", "enum": CATEGORIES}),
                    _query("kind", {"type": "string", "enum": KINDS}),
                    _query("state", {"type": "string", "enum": STATES}),
                    _query("type", {"type": "string", "enum": ["all", "posts", "threads"]}),
                    CURSOR, LIMIT])},
        f"{p}/topics/{{name}}/posts": {"get": _op(
            "Posts with #name#, newest first", auth=None, schema=_ref("PostPage"), tag="social", errors=("422",),
            params=[_path("name", "string"), CURSOR])},
        f"{p}/notifications": {"get": _op(
            "The caller's notifications, newest first", tag="social", params=[CURSOR],
            schema={"type": "object", "properties": {"unread": {"type": "integer"},
                                                     "notifications": {"type": "array"},
                                                     "next_cursor": {"type": ["string", "null"]}}})},
        f"{p}/templates": {
            "get": _op("Staff: their department's reply templates (常用回复) and the site-wide ones; admins: all",
                       tag="templates", schema={"type": "object", "properties": {
                           "templates": {"type": "array", "items": _ref("ReplyTemplate")}}}),
            "post": _op("Head: a template of their own department; admin: a site-wide one (no department)",
                        ok="201", tag="templates", schema=_ref("ReplyTemplate"),
                        body={"title": _string(60), "body": BODY, "department": _string(60)},
                        required=("title", "body")),
        },
        f"{p}/templates/{{template_id}}": {
            "patch": _op("Change a template's title or text (whoever manages it)", tag="templates",
                         schema=_ref("ReplyTemplate"), params=[_path("template_id")],
                         body={"title": _string(60), "body": BODY}),
            "delete": _op("Remove a template (whoever manages it)", tag="templates", params=[_path("template_id")],
                          schema={"type": "object", "properties": {"deleted": {"type": "integer"}}}),
        },
        f"{p}/notifications/read": {"post": _op(
            "Mark the given notifications read, or all of them", tag="social",
            body={"ids": {"type": "array", "items": {"type": "integer"}, "maxItems": 100}})},
        f"{p}/flags": {"post": _op(
            "Report a post, thread or reply", ok="201", tag="moderation",
            body={"target_type": {"type": "string", "enum": list(TARGET_TYPES)},
                  "target_id": {"type": "integer", "minimum": 1},
                  "reason": {"type": "string", "enum": [r.value for r in FlagReason]},
                  "text": {"type": ["string", "null"], "maxLength": 500}},
            required=("target_type", "target_id", "reason"))},
        f"{p}/notices": {"get": _op(
            "Supervision notices: staff see their department's open ones, overseers every one in scope",
            tag="supervision", errors=("401", "403"),
            schema={"type": "object", "required": ["notices"],
                    "properties": {"notices": {"type": "array", "items": _ref("Notice")}}})},
        f"{p}/notices/{{notice_id}}/acknowledge": {"post": _op(
            "Staff of the department acknowledge a supervision notice once", tag="supervision",
            schema=_ref("Notice"), params=[_path("notice_id")],
            body={"response": BODY}, required=("response",))},
    }


def build_spec() -> dict[str, Any]:
    """The whole document (a fresh dict each call, so nobody can change the served one)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "weibo_app API",
            "version": "1",
            "description": "政务微博与群众留言平台的 JSON 接口。Errors are "
                           '{"error": {"code", "message"}}; times are ISO 8601 with an offset.',
        },
        "paths": _paths(),
        "components": {
            "schemas": copy.deepcopy(SCHEMAS),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "basicAuth": {"type": "http", "scheme": "basic"},
            },
        },
    }
