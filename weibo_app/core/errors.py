"""Error pages and JSON errors. No stack trace ever reaches a user."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .exceptions import ServiceError
from .extensions import db

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
            retry = getattr(err, "retry_after", None)
            if retry:
                headers["Retry-After"] = str(retry)
        if status == 405 and err.get_response().headers.get("Allow"):
            headers["Allow"] = err.get_response().headers["Allow"]
        return error_response(status, message, headers=headers)

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return error_response(500, _messages()[500])
