"""The OpenAPI description of information requests (依申请公开) and the annual report,
merged into ``openapi_spec.build_spec``."""

from __future__ import annotations

from typing import Any

from ..models import AppealKind, AppealResult, ApplicantType, Delivery, Outcome, RequestChannel, RequestState

APPLICANT_TYPES = [t.value for t in ApplicantType]
REQUEST_STATES = [s.value for s in RequestState]
OUTCOMES = [o.value for o in Outcome]
APPEAL_KINDS = [k.value for k in AppealKind]
APPEAL_RESULTS = [r.value for r in AppealResult]
DAY = {"type": "string", "format": "date", "maxLength": 10}
NULLABLE_DAY = {"type": ["string", "null"], "format": "date"}
REPORT_ROWS = ["new", "carried_over", *OUTCOMES, "results_total", "carried_forward"]
REPORT_COLUMNS = [*APPLICANT_TYPES, "total"]


def _counts(keys: list[str]) -> dict:
    return {"type": "object", "required": keys, "properties": {k: {"type": "integer"} for k in keys}}


SCHEMAS: dict[str, Any] = {
    "InfoRequest": {
        "type": "object",
        "required": ["number", "department", "state", "received_on", "due_on", "extended", "outcome"],
        "properties": {
            "number": {"type": "string"},
            "department": {"type": "string"},
            "state": {"type": "string", "enum": REQUEST_STATES},
            "filed_on": DAY,
            "received_on": DAY,
            "due_on": NULLABLE_DAY,
            "extended": {"type": "boolean"},
            "outcome": {"type": ["string", "null"], "enum": [*OUTCOMES, None]},
            "overdue": {"type": "boolean"},
            "answered_on": NULLABLE_DAY,
            "answer": {"type": ["string", "null"]},
            "appeals": {"type": "array", "items": {"$ref": "#/components/schemas/Appeal"}},
            "attachments": {"type": "array", "items": {"$ref": "#/components/schemas/RequestAttachment"}},
        },
    },
    "RequestAttachment": {
        "type": "object",
        "required": ["id", "name", "content_type", "size", "sha256", "url"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "content_type": {"type": "string"},
                       "size": {"type": "integer"}, "sha256": {"type": "string"},
                       "created_at": {"type": "string", "format": "date-time"},
                       "url": {"type": "string", "format": "uri"}},
    },
    "Appeal": {
        "type": "object",
        "required": ["id", "request", "kind", "filed_on", "result"],
        "properties": {"id": {"type": "integer"}, "request": {"type": "string"},
                       "kind": {"type": "string", "enum": APPEAL_KINDS}, "filed_on": DAY,
                       "result": {"type": "string", "enum": APPEAL_RESULTS}, "result_on": NULLABLE_DAY},
    },
    "AnnualReport": {
        "type": "object",
        "required": ["year", "department", "subtree", "requests", "appeals", "proactive", "balanced"],
        "properties": {
            "year": {"type": "integer"},
            "department": {"type": "string"},
            "subtree": {"type": "boolean"},
            "published": {"type": "boolean"},
            "requests": {"type": "object", "required": REPORT_ROWS,
                         "properties": {row: _counts(REPORT_COLUMNS) for row in REPORT_ROWS}},
            "appeals": {"type": "object", "required": APPEAL_KINDS,
                        "properties": {k: _counts([*APPEAL_RESULTS, "total"]) for k in APPEAL_KINDS}},
            "proactive": {"type": "object"},
            "balanced": {"type": "boolean"},
        },
    },
}


def _with_files(operation: dict) -> dict:
    """The answer also taken as multipart/form-data: the same fields, and ``files``.

    Written as an extension next to the JSON body rather than as a second media type:
    the fuzz test's client cannot send the malformed multipart bodies it would generate
    for one (it fails before any request), so the form is documented here and tested in
    tests/test_disclosure_attachments.py.
    """
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    operation["description"] = ("Also accepted as multipart/form-data: the same fields, and one `files` part "
                                "per file (public or partial answers only); see x-multipart-form-data.")
    operation["x-multipart-form-data"] = {"schema": {
        "type": "object", "required": schema["required"], "properties": {
            **schema["properties"],
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
        }}}
    return operation


def _download(operation: dict) -> dict:
    operation["responses"]["200"] = {"description": "The file (Content-Disposition: attachment)", "content": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
    return operation


def paths(p: str, op, ref, path, query, string) -> dict[str, dict]:
    """The paths; the helpers come from ``openapi_spec`` so every operation has the same shape."""
    number = path("number", "string")
    one = ref("InfoRequest")
    return {
        f"{p}/requests": {
            "post": op(
                "Resident: file an information request; staff: record one received another way",
                ok="201", schema=one, tag="requests",
                body={"department": string(60),
                      "applicant": {"type": "object", "required": ["type", "name"], "properties": {
                          "type": {"type": "string", "enum": APPLICANT_TYPES}, "name": string(100),
                          "id_number": string(40), "phone": string(30), "email": string(254),
                          "address": string(200)}},
                      "description": string(5000),
                      "delivery": {"type": "string", "enum": [d.value for d in Delivery]},
                      "channel": {"type": "string", "enum": [c.value for c in RequestChannel]},
                      "received_on": DAY},
                required=("department", "applicant", "description", "delivery")),
            "get": op(
                "Staff and supervisors: information requests, the one due first on top", tag="requests",
                params=[query("department", string(60)), query("state", {"type": "string", "enum": REQUEST_STATES})],
                schema={"type": "object", "required": ["requests"],
                        "properties": {"requests": {"type": "array", "items": one}}}),
        },
        f"{p}/requests/{{number}}": {"get": op(
            "One request: the applicant, the department's staff and supervisors over it",
            schema=one, params=[number], tag="requests")},
        f"{p}/requests/{{number}}/correction-notice": {"post": op(
            "Staff: ask once, within 7 working days, for a correction (补正); the clock stops",
            schema=one, params=[number], tag="requests",
            body={"items": string(5000), "deadline": {"anyOf": [DAY, {"type": "integer", "minimum": 1,
                                                                        "maximum": 60}]}},
            required=("items",))},
        f"{p}/requests/{{number}}/correction": {"post": op(
            "The applicant: the correction; the clock restarts today", schema=one, params=[number],
            tag="requests", body={"body": string(5000)}, required=("body",))},
        f"{p}/requests/{{number}}/third-party": {"post": op(
            "Staff: a third party was asked today", schema=one, params=[number], tag="requests",
            body={"party": string(200)}, required=("party",))},
        f"{p}/requests/{{number}}/third-party-reply": {"post": op(
            "Staff: the third party answered today", schema=one, params=[number], tag="requests", body={})},
        f"{p}/requests/{{number}}/extend": {"post": op(
            "Department head or supervisor: extend by up to 20 working days, once", schema=one,
            params=[number], tag="requests",
            body={"reason": string(2000), "days": {"type": "integer", "minimum": 1, "maximum": 20}},
            required=("reason",))},
        f"{p}/requests/{{number}}/answer": {"post": _with_files(op(
            "Staff: the decision with one outcome (multipart/form-data adds files to public or partial answers)",
            schema=one, params=[number], tag="requests",
            body={"outcome": {"type": "string", "enum": OUTCOMES}, "body": string(20000)},
            required=("outcome", "body")))},
        f"{p}/requests/{{number}}/attachments/{{attachment_id}}": {"get": _download(op(
            "A file of the answer, as a download: the applicant, the department's staff, supervisors over it",
            params=[number, path("attachment_id")], tag="requests", errors=("401", "404")))},
        f"{p}/requests/{{number}}/appeals": {"post": op(
            "Staff: record an administrative review or lawsuit", ok="201", schema=ref("Appeal"),
            params=[number], tag="requests",
            body={"kind": {"type": "string", "enum": APPEAL_KINDS}, "filed_on": DAY},
            required=("kind", "filed_on"))},
        f"{p}/appeals/{{appeal_id}}": {"patch": op(
            "Staff: an appeal's result", schema=ref("Appeal"), params=[path("appeal_id")], tag="requests",
            body={"result": {"type": "string", "enum": APPEAL_RESULTS}}, required=("result",))},
        f"{p}/reports/annual": {"get": op(
            "The annual report's figures (published ones for everybody; drafts for the department and supervisors)",
            auth=None, schema=ref("AnnualReport"), tag="reports", errors=("401", "404", "422"),
            params=[{"name": "year", "in": "query", "required": True,
                     "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}},
                    {"name": "department", "in": "query", "required": True, "schema": string(60)},
                    query("subtree", {"type": "string", "enum": ["0", "1", "true", "false"]})])},
    }
