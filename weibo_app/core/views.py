"""The step every form view repeats: run one service, then commit once or roll back.

    outcome = run_service(lambda: ops.rate_thread(current_user, thread, value), _("感谢您的评价。"))
    if outcome.ok: ...

On success the session is committed and ``done`` flashed. On a ServiceError the
session is rolled back; a status in ``abort_on`` becomes that HTTP error, and the
message goes to ``field`` (a form field, shown beside it) or else is flashed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash

from .exceptions import ServiceError
from .extensions import db


@dataclass
class Outcome:
    ok: bool
    value: Any = None
    error: ServiceError | None = None


def run_service(action: Callable[[], Any], done: str | None = None, *, field: Any = None,
                abort_on: Iterable[int] = ()) -> Outcome:
    try:
        value = action()
    except ServiceError as err:
        db.session.rollback()
        if err.status in tuple(abort_on):
            abort(err.status)
        if field is not None:
            field.errors = [*field.errors, err.message]
        else:
            flash(err.message, "error")
        return Outcome(False, error=err)
    db.session.commit()
    if done:
        flash(str(done), "success")
    return Outcome(True, value)
