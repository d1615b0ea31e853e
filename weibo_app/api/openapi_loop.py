"""The closed loop's part of the OpenAPI description (see openapi_spec.py)."""

from __future__ import annotations

from typing import Any

from ..models import Rating, VisitChannel

RATINGS = [r.value for r in Rating]
CHANNELS = [c.value for c in VisitChannel]


def _request_schema(name: str) -> dict:
    return {"type": "object", "required": [name], "properties": {name: {
        "type": "object", "required": ["id", "state"],
        "properties": {"id": {"type": "integer"}, "state": {"type": "string",
                                                           "enum": ["pending", "approved", "rejected"]}},
    }}}


def loop_paths(p: str) -> dict[str, Any]:
    from .openapi_spec import BODY, ONE_THREAD, THREAD_ID, _op, _path, _string

    reason = {"reason": _string(500)}
    comment = {"comment": {"type": ["string", "null"], "maxLength": 500}}
    ext_id, transfer_id = _path("extension_id"), _path("transfer_id")
    return {
        f"{p}/threads/{{thread_id}}/accept": {"post": _op(
            "Staff: sign for the thread (签收) and name the handler, by default themselves",
            schema=ONE_THREAD, params=[THREAD_ID], tag="loop",
            body={"handler": {"type": ["string", "null"], "maxLength": 40}})},
        f"{p}/threads/{{thread_id}}/notes": {
            "get": _op("The department's staff and supervisors over it: internal notes", params=[THREAD_ID],
                       tag="loop", schema={"type": "object", "properties": {"notes": {"type": "array"}}}),
            "post": _op("Write an internal note (内部备注)", ok="201", params=[THREAD_ID], tag="loop",
                        body={"body": BODY}, required=("body",)),
        },
        f"{p}/threads/{{thread_id}}/transfer": {"post": _op(
            "Staff: a transfer request (202) while TRANSFER_APPROVAL is on; a supervisor: dispatch (200)",
            schema=ONE_THREAD, params=[THREAD_ID], tag="loop",
            body={"department": _string(60), "reason": {"type": ["string", "null"], "maxLength": 500}},
            required=("department",))},
        f"{p}/transfers/{{transfer_id}}/approve": {"post": _op(
            "A supervisor over the thread's department approves, possibly to another department",
            params=[transfer_id], tag="loop", schema=_request_schema("transfer"),
            body={"department": {"type": ["string", "null"], "maxLength": 60}, **comment})},
        f"{p}/transfers/{{transfer_id}}/reject": {"post": _op(
            "A supervisor rejects a transfer request, with a comment", params=[transfer_id], tag="loop",
            schema=_request_schema("transfer"), body={"comment": _string(500)}, required=("comment",))},
        f"{p}/threads/{{thread_id}}/extension": {"post": _op(
            "Staff: ask for a later due date (a local date), with a reason", ok="201", params=[THREAD_ID],
            tag="loop", schema=_request_schema("extension"),
            body={"until": {"type": "string", "format": "date", "maxLength": 10}, **reason},
            required=("until", "reason"))},
        f"{p}/extensions/{{extension_id}}/approve": {"post": _op(
            "A supervisor over the department approves an extension", params=[ext_id], tag="loop",
            schema=_request_schema("extension"), body=comment)},
        f"{p}/extensions/{{extension_id}}/reject": {"post": _op(
            "A supervisor rejects an extension, with a comment", params=[ext_id], tag="loop",
            schema=_request_schema("extension"), body={"comment": _string(500)}, required=("comment",))},
        f"{p}/threads/{{thread_id}}/rework": {"post": _op(
            "A supervisor sends an answered or closed thread back (发回重办)", schema=ONE_THREAD,
            params=[THREAD_ID], tag="loop", body=reason, required=("reason",))},
        f"{p}/threads/{{thread_id}}/urge": {"post": _op(
            "A supervisor urges an awaiting thread (催办)", ok="201", params=[THREAD_ID], tag="loop",
            body=comment)},
        f"{p}/threads/{{thread_id}}/visit": {"post": _op(
            "A supervisor's office records a return visit (回访)", ok="201", schema=ONE_THREAD,
            params=[THREAD_ID], tag="loop",
            body={"resolved": {"type": "boolean"}, "rating": {"type": "string", "enum": RATINGS},
                  "channel": {"type": "string", "enum": CHANNELS},
                  "note": {"type": ["string", "null"], "maxLength": 500}},
            required=("resolved", "rating", "channel"))},
    }
