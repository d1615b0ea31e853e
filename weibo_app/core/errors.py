"""Error pages and JSON errors. No stack trace ever reaches a user."""

from __future__ import annotations

import math
import re
import time
from urllib.parse import urlsplit

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .exceptions import ServiceError
from .extensions import db, limiter
from .redirects import is_safe_target

_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
    429: "rate_limited", 500: "server_error",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str, code: str | None = None, headers=None):
    code = code or _CODES.get(status, "error")
    if wants_json():
        response = jsonify({"error": {"code": code, "message": message}})
    else:
        response = render_template("errors/error.html", status=status, message=message)
    return response, status, headers or {}


# ----- 429: when to come back, and what was typed ---------------------------

#: Form fields never shown back or re-posted.
_SECRET_FIELD = re.compile(r"csrf|password|passwd|secret|token|code|captcha", re.IGNORECASE)
#: Values that are choices (kind=complaint, anonymous=y), not text someone typed.
_CHOICE_VALUE = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")


def retry_after_seconds() -> int:
    """Seconds until the limit this request hit lets it through again (at least 1)."""
    limit = limiter.current_limit
    wait = math.ceil(limit.reset_at - time.time()) if limit else 1
    return max(wait, 1)


def wait_text(seconds: int) -> str:
    """A wait in words: seconds under a minute, minutes under two hours, else hours."""
    if seconds < 60:
        return _("%(n)s 秒", n=seconds)
    if seconds < 7200:
        return _("%(n)s 分钟", n=math.ceil(seconds / 60))
    return _("%(n)s 小时", n=math.ceil(seconds / 3600))


def _field_labels() -> dict[str, str]:
    return {
        "body": _("内容"), "reason": _("理由"), "text": _("说明"), "title": _("标题"),
        "comment": _("意见"), "note": _("备注"), "display_name": _("昵称"), "username": _("用户名"),
        "kind": _("类型"), "subject": _("主题"),
    }


def kept_fields() -> list[dict]:
    """What a refused form POST carried, minus secrets: shown back and re-posted after the wait."""
    if request.method != "POST" or not request.form:
        return []
    labels = _field_labels()
    kept = []
    for name, value in request.form.items(multi=True):
        if not value or _SECRET_FIELD.search(name):
            continue
        kept.append({
            "name": name, "value": value, "label": labels.get(name, name),
            "typed": not _CHOICE_VALUE.match(value),
        })
    return kept


def back_target() -> str | None:
    """The page the user came from (the Referer, when it is a path on this site)."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return target if is_safe_target(target) else None


def rate_limited_response(message: str):
    """429 in JSON (with ``retry_after``) or as a page that keeps what was typed."""
    wait = retry_after_seconds()
    headers = {"Retry-After": str(wait)}
    if wants_json():
        body = {"error": {"code": _CODES[429], "message": message, "retry_after": wait}}
        return jsonify(body), 429, headers
    page = render_template(
        "errors/rate_limited.html", status=429, message=message, wait=wait, wait_text=wait_text(wait),
        fields=kept_fields(), had_files=any(f.filename for f in request.files.values()), back=back_target(),
        repost=request.path if request.method == "POST" and is_safe_target(request.path) else None,
    )
    return page, 429, headers


def _messages() -> dict[int, str]:
    return {
        400: _("请求有误。"),
        401: _("请先登录。"),
        403: _("您没有权限进行此操作。"),
        404: _("页面不存在。"),
        405: _("不支持该请求方法。"),
        413: _("提交的内容太大。"),
        429: _("操作太频繁，请稍后再试。"),
        500: _("服务器出错了，我们已记录此问题。"),
    }


def register(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(err: ServiceError):
        db.session.rollback()
        return error_response(err.status, err.message, err.code)

    @app.errorhandler(CSRFError)
    def csrf_error(err: CSRFError):
        return error_response(400, _("表单已过期或来源无效，请刷新页面后重试。"), "csrf_failed")

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        status = err.code or 500
        message = _messages().get(status) or err.description or ""
        headers = {}
        if status == 429:
            return rate_limited_response(message)
        if status == 405 and err.get_response().headers.get("Allow"):
            headers["Allow"] = err.get_response().headers["Allow"]
        return error_response(status, message, headers=headers)

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return error_response(500, _messages()[500])
