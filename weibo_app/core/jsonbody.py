"""Bounds on every JSON request body: its size and how deeply it nests.

Python's parser recurses once per level, so a body nested a few thousand deep
raises ``RecursionError`` (a 500) in whatever code reads it. Here, at the
edge, a JSON body over ``JSON_MAX_BYTES`` is refused with a 413 and one nested
deeper than ``JSON_MAX_DEPTH`` with a 400, before any view reads it; and the
app's JSON parser itself refuses such text (as invalid JSON), so no code path
can parse one.
"""

from __future__ import annotations

import re

from flask import Flask, current_app, has_app_context, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _

from .exceptions import ServiceError

DEFAULT_MAX_DEPTH = 32
DEFAULT_MAX_BYTES = 1024 * 1024

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


class TooDeep(ServiceError):
    status = 400
    code = "json_too_deep"


class TooLarge(ServiceError):
    status = 413
    code = "too_large"


def nesting_depth(raw: bytes | str) -> int:
    """How deeply arrays and objects nest in JSON text (brackets inside strings not counted)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", raw))
    depth = deepest = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _limits() -> tuple[int, int]:
    if not has_app_context():
        return DEFAULT_MAX_DEPTH, DEFAULT_MAX_BYTES
    config = current_app.config
    return int(config["JSON_MAX_DEPTH"]), int(config["JSON_MAX_BYTES"])


class BoundedJSONProvider(DefaultJSONProvider):
    """Parses like Flask's own, but refuses over-large or over-deep text as invalid JSON."""

    def loads(self, s, **kwargs):
        max_depth, max_bytes = _limits()
        if len(s) > max_bytes:
            raise ValueError("JSON text too large")
        if nesting_depth(s) > max_depth:
            raise ValueError("JSON text nested too deeply")
        return super().loads(s, **kwargs)


def _is_json() -> bool:
    mimetype = request.mimetype
    return mimetype == "application/json" or mimetype.endswith("+json")


def check_json_body() -> None:
    if not _is_json():
        return
    max_depth, max_bytes = _limits()
    if request.content_length is not None and request.content_length > max_bytes:
        raise TooLarge(_("JSON 请求体太大。"))
    raw = request.get_data(cache=True)
    if len(raw) > max_bytes:
        raise TooLarge(_("JSON 请求体太大。"))
    if nesting_depth(raw) > max_depth:
        raise TooDeep(_("JSON 请求体嵌套太深。"))


def register(app: Flask) -> None:
    app.config.setdefault("JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH)
    app.config.setdefault("JSON_MAX_BYTES", DEFAULT_MAX_BYTES)
    app.json_provider_class = BoundedJSONProvider
    app.json = BoundedJSONProvider(app)
    # First of the hooks, so nothing before it parses the body.
    app.before_request_funcs.setdefault(None, []).insert(0, check_json_body)
