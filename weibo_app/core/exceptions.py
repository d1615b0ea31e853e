"""Errors the services raise; the UI turns them into flashes or pages, the API into JSON."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class Invalid(ServiceError):
    """The input breaks a rule (length, unknown value, missing reason)."""

    status = 422
    code = "invalid"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    """The object is not in a state that allows this."""

    status = 409
    code = "conflict"
