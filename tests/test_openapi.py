"""The OpenAPI document is served, valid, and true to the routes."""

import re

from weibo_app.api.openapi_spec import build_spec

IGNORED = {"HEAD", "OPTIONS"}


def _flask_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _routes(app) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            found.setdefault(_flask_path(rule.rule), set()).update(rule.methods - IGNORED)
    return found


def _documented(spec) -> dict[str, set[str]]:
    return {path: {m.upper() for m in ops} for path, ops in spec["paths"].items()}


def test_every_route_is_documented_and_every_documented_path_exists(app):
    routes, documented = _routes(app), _documented(build_spec())
    assert set(routes) - set(documented) == set(), "routes missing from the OpenAPI document"
    assert set(documented) - set(routes) == set(), "documented paths that do not exist"
    assert {p: m for p, m in routes.items() if documented[p] != m} == {}


def test_path_parameters_match_the_placeholders():
    for path, ops in build_spec()["paths"].items():
        placeholders = set(re.findall(r"{([^}]+)}", path))
        for method, op in ops.items():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == placeholders, (method, path)


def test_served_document_is_valid_openapi(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    spec = resp.get_json()
    assert spec["openapi"].startswith("3.")
    # The OpenAPI 3.1 meta-schema that schemathesis ships.
    from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

    errors = [e.message for e in OPENAPI_31_VALIDATOR.iter_errors(spec)]
    assert errors == []

    import schemathesis

    schema = schemathesis.openapi.from_dict(spec)
    operations = list(schema.get_all_operations())
    assert len(operations) == sum(len(ops) for ops in spec["paths"].values())
    assert all(result.ok() for result in operations)


def test_every_operation_documents_its_error_shape():
    spec = build_spec()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert "429" in op["responses"], (method, path)
            assert op["responses"]["429"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"}
