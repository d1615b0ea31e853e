"""Refuse request input that is not valid UTF-8 with a clear 400, before any view reads it.

Werkzeug would otherwise decode such bytes with replacement characters and
pass mangled text on; refusing is the deliberate choice. Control and
zero-width characters in valid text are not refused here: ``text.normalize``
strips them when the text is stored.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from flask import Flask, request
from flask_babel import gettext as _

from ..core.exceptions import ServiceError


class BadEncoding(ServiceError):
    status = 400
    code = "invalid_encoding"


def _valid(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# JSON may spell a lone surrogate as "\ud800": valid JSON, but no UTF-8 can hold it.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def _has_surrogate(value) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def _urlencoded_ok(raw: bytes) -> bool:
    """Every name and value of a query string or urlencoded body decodes as UTF-8."""
    for pair in raw.replace(b";", b"&").split(b"&"):
        if not _valid(unquote_to_bytes(pair.replace(b"+", b" "))):
            return False
    return True


def _path_ok() -> bool:
    environ = request.environ
    # WSGI hands PATH_INFO over as bytes-in-latin-1, already percent-decoded...
    if not _valid(environ.get("PATH_INFO", "").encode("latin-1", "replace")):
        return False
    # ...but some servers (and Werkzeug's own) have already replaced bad bytes there;
    # the request line as sent is kept in RAW_URI or REQUEST_URI.
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    return _valid(unquote_to_bytes(raw.split("?", 1)[0].encode("latin-1", "replace")))


def check_encoding() -> None:
    if not _urlencoded_ok(request.query_string) or not _path_ok():
        raise BadEncoding(_("请求地址包含无效的 UTF-8 编码。"))
    mimetype = request.mimetype
    if mimetype == "application/x-www-form-urlencoded":
        ok = _urlencoded_ok(request.get_data(cache=True))
    elif mimetype == "application/json" or mimetype.endswith("+json"):
        raw = request.get_data(cache=True)
        ok = _valid(raw) and not (_ESCAPED_SURROGATE.search(raw) and _has_surrogate(request.get_json(silent=True)))
    elif mimetype == "multipart/form-data":
        ok = all("\ufffd" not in value for value in request.form.values())
    else:
        ok = True
    if not ok:
        raise BadEncoding(_("提交的内容包含无效的 UTF-8 编码。"))


def init_app(app: Flask) -> None:
    # First in line, so no other hook reads a body that is about to be refused.
    app.before_request_funcs.setdefault(None, []).insert(0, check_encoding)
