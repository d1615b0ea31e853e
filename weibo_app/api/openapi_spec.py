"""The OpenAPI 3.1 description of ``/api/v1``, written by hand.

``tests/test_openapi.py`` keeps it true: every API route is documented here,
every documented path exists, and the methods match. The fuzz test
(``tests/test_fuzz_api.py``) sends requests generated from it.
"""

from __future__ import annotations

import copy
from typing import Any

from ..core.ids import MAX_ID
from ..models.moderation import TARGET_TYPES, FlagReason
from .openapi_schemas import (
    CATEGORIES,
    CHANNELS,
    KINDS,
    RATINGS,
    SCHEMAS,
    STATES,
    _ref,
    _string,
)

PREFIX = "/api/v1"

_ERRORS = {
    "400": "Malformed request (not JSON, invalid UTF-8)",
    "401": "Missing, invalid or expired token",
    "403": "Not allowed for this account",
    "404": "No such object",
    "409": "The object is not in a state that allows this",
    "413": "Body too large",
    "422": "A field breaks a rule (missing, too long, unknown value)",
    "429": "Rate limited; see Retry-After and error.retry_after (seconds)",
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
        schema["maximum"] = MAX_ID
    else:
        schema["maxLength"] = 60
    if pattern:
        schema["pattern"] = pattern
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _read_notifications() -> dict:
    """``{"ids": [...]}`` marks those read, ``{"all": true}`` every one; any other body is a 422."""
    op = _op("Mark the given notifications read, or all of them with {\"all\": true}", tag="social")
    op["requestBody"] = {"required": True, "content": {"application/json": {"schema": {"oneOf": [
        {"type": "object", "additionalProperties": False, "required": ["ids"], "properties": {
            "ids": {"type": "array", "items": {"type": "integer", "minimum": 1,
                                               "maximum": MAX_ID}, "maxItems": 100}}},
        {"type": "object", "additionalProperties": False, "required": ["all"],
         "properties": {"all": {"const": True}}},
    ]}}}}
    return op


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


def _new_token_op() -> dict:
    """HTTP Basic in, a new named token out; the JSON body is optional. Earlier tokens keep working."""
    op = _op(
        "Exchange HTTP Basic credentials for a new bearer token (shown only in this answer)", ok="201",
        auth="basic", errors=("400", "401", "422"), tag="auth",
        body={"name": _string(60, description="Default: API 令牌"),
              "days": {"type": "integer", "minimum": 1, "maximum": 365,
                       "description": "Lifetime in days; default setting API_TOKEN_DAYS (90)"}},
        schema={"type": "object", "required": ["token", "id", "name", "expires_at"], "properties": {
            "token": {"type": "string"}, "id": {"type": "integer"}, "name": {"type": "string"},
            "expires_at": {"type": "string", "format": "date-time"}}})
    op["requestBody"]["required"] = False
    return op


def _paths() -> dict[str, dict]:
    from .openapi_loop import loop_paths

    p = PREFIX
    return loop_paths(p) | {
        f"{p}/openapi.json": {"get": _op("This document", auth=None, errors=(), tag="meta")},
        f"{p}/tokens": {
            "post": _new_token_op(),
            "get": _op("The caller's tokens, newest first (revoked and expired ones included)", tag="auth",
                       errors=("401",), schema={"type": "object", "properties": {
                           "tokens": {"type": "array", "items": _ref("ApiToken")}}}),
        },
        f"{p}/tokens/{{token_id}}": {"delete": _op(
            "Revoke one of the caller's tokens (404 for anyone else's)", tag="auth", errors=("401", "404"),
            schema=_ref("ApiToken"), params=[_path("token_id")])},
        f"{p}/departments": {"get": _op(
            "Every department with slug, name and parent", auth=None, errors=(), tag="departments",
            schema={"type": "object", "properties": {"departments": {"type": "array", "items": _ref("Department")}}})},
        f"{p}/departments/{{slug}}/threads": {"post": _op(
            "Resident: ask a department on its message board (private: 不公开; kind report is always private). "
            "Staff (own department) or a supervisor (subtree) with `channel`: record a request from another "
            "channel; the same `external_ref` returns the existing thread with 200",
            ok="201", schema=ONE_THREAD, params=[SLUG],
            body={"body": BODY, "kind": {"type": "string", "enum": KINDS}, "private": {"type": "boolean"},
                  "channel": {"type": "string", "enum": CHANNELS},
                  "contact": {"type": "object", "properties": {"name": _string(60), "phone": _string(30)}},
                  "external_ref": _string(100)},
            required=("body", "kind"),
            tag="threads")},
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
            "A post with its threads and replies. The department's staff and reviewers, and the "
            "supervisors over it, read any state of its posts (see state); others only public ones",
            auth=None, schema=ONE_POST, params=[POST_ID],
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
            "Resident: open a thread on a post (private: 不公开; kind report is always private)", ok="201",
            schema=ONE_THREAD, params=[POST_ID], tag="threads",
            body={"body": BODY, "kind": {"type": "string", "enum": KINDS}, "private": {"type": "boolean"}},
            required=("body", "kind"))},
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
            tag="threads", body={"body": BODY, "final": {"type": "boolean"}}, required=("body",))},
        f"{p}/threads/{{thread_id}}/dismiss": {"post": _op(
            "Staff: no answer needed, with a reason", schema=ONE_THREAD, params=[THREAD_ID], tag="threads",
            body={"reason": _string(500)}, required=("reason",))},
        f"{p}/threads/{{thread_id}}/rate": {"post": _op(
            "The opener rates the answer and says whether the problem was solved", schema=ONE_THREAD,
            params=[THREAD_ID], tag="threads",
            body={"rating": {"type": "string", "enum": RATINGS}, "resolved": {"type": ["boolean", "null"]}},
            required=("rating",))},
        f"{p}/inbox": {"get": _op(
            "Staff: the department's awaiting threads", tag="threads",
            schema={"type": "object", "properties": {"threads": {"type": "array", "items": ONE_THREAD}}})},
        f"{p}/metrics": {"get": _op(
            "The metric fields of every department, or one, for a period", auth=None, tag="metrics",
            errors=("404", "422"),
            params=[_query("from", {"type": "string", "format": "date"}, "First local day"),
                    _query("to", {"type": "string", "format": "date"}, "Local day after the last"),
                    _query("department", _string(60)),
                    _query("subtree", {"type": "string", "enum": ["0", "1", "true", "false"]}),
                    _query("channel", {"type": "string", "enum": CHANNELS}, "Only threads that came by this channel")])},
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
        f"{p}/notifications/read": {"post": _read_notifications()},
        f"{p}/flags": {"post": _op(
            "Report a post, thread or reply", ok="201", tag="moderation",
            body={"target_type": {"type": "string", "enum": list(TARGET_TYPES)},
                  "target_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
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


#: A header every write accepts (see weibo_app/api/idempotency.py).
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Send a write again with the same key (per account, 24 hours) to get the first "
                   "answer back instead of a second write; another request under a used key is 422, "
                   "one still running 409. Replays carry Idempotent-Replayed: true.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
WRITE_METHODS = ("post", "put", "patch", "delete")


def _with_common_headers(paths: dict[str, dict]) -> dict[str, dict]:
    for item in paths.values():
        for method, op in item.items():
            if method in WRITE_METHODS and op.get("security") != [{"basicAuth": []}]:
                op["parameters"] = [*op.get("parameters", []), copy.deepcopy(IDEMPOTENCY_KEY)]
    return paths


def _all_paths() -> dict[str, dict]:
    from . import openapi_disclosure

    return {**_paths(), **openapi_disclosure.paths(PREFIX, _op, _ref, _path, _query, _string)}


def _all_schemas() -> dict[str, Any]:
    from . import openapi_disclosure

    return copy.deepcopy({**SCHEMAS, **openapi_disclosure.SCHEMAS})


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
        "paths": _with_common_headers(_all_paths()),
        "components": {
            "schemas": _all_schemas(),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "basicAuth": {"type": "http", "scheme": "basic"},
            },
        },
    }
