"""Safe retries: API writes sent with an ``Idempotency-Key`` header happen once.

A client that did not hear the answer to a POST, PATCH, PUT or DELETE sends
it again with the same header. Per account, the first request with a key
*claims* it (a row in ``idempotency_keys``, unique on account and key,
committed before the view runs); its answer (status and body) is stored
after the view. A repeat within ``IDEMPOTENCY_KEY_HOURS`` (24) gets that
answer again, marked ``Idempotent-Replayed: true``, and writes nothing:

* the same key with another method, path or body: 422 ``idempotency_key_reused``;
* while the first request still runs (a concurrent duplicate): 409
  ``idempotency_in_progress``, retry later;
* the first request's writes were committed but its process died before
  its answer was stored: 409 ``idempotency_result_lost`` (nothing is done
  twice). The view's commit marks the claim in the same transaction.

A first request that failed with 5xx or 429 (and committed nothing) releases
its key, so the retry runs for real. Requests without a bearer token are
left to the view (401). Expired rows of the account are deleted when it
claims a key; ``flask purge-idempotency-keys`` deletes everyone's.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from ..core.clock import utcnow
from ..core.exceptions import Conflict, Invalid
from ..core.extensions import db
from ..models import IdempotencyKey
from . import bp

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY = 255
#: A claim still unanswered after this long belongs to a request that died before committing.
ABANDONED = timedelta(minutes=2)

log = logging.getLogger(__name__)


def _key() -> str | None:
    if request.method not in WRITES:
        return None
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY or any(not "!" <= ch <= "~" for ch in key):
        raise Invalid(_("Idempotency-Key 须为 1 到 255 个可见 ASCII 字符。"), "invalid_idempotency_key")
    return key


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.query_string):
        digest.update(part + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _lifetime() -> timedelta:
    return timedelta(hours=float(current_app.config.get("IDEMPOTENCY_KEY_HOURS", 24)))


def _repeat(row: IdempotencyKey, fingerprint: str) -> Response:
    if row.fingerprint != fingerprint:
        raise Invalid(_("该 Idempotency-Key 已用于另一个请求。"), "idempotency_key_reused")
    if row.status is None:
        raise Conflict(_("使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。"), "idempotency_in_progress")
    if row.status == 0:
        raise Conflict(_("该请求已执行，但其响应未能保存。"), "idempotency_result_lost")
    response = Response(row.body or "", status=row.status, mimetype="application/json")
    response.headers[REPLAYED] = "true"
    return response


@bp.before_request
def claim_key():
    key = _key()
    if key is None:
        return None
    if not current_user.is_authenticated:
        return None  # the view answers 401
    user = current_user
    user_id, fingerprint, now = user.id, _fingerprint(), utcnow()
    expired = now - _lifetime()
    for _attempt in range(3):
        row = db.session.execute(
            sa.select(IdempotencyKey).filter_by(user_id=user_id, key=key)
        ).scalar_one_or_none()
        if row is not None and (row.created_at < expired or (row.status is None and row.created_at < now - ABANDONED)):
            db.session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.id == row.id))
            db.session.commit()
            continue
        if row is not None:
            response = _repeat(row, fingerprint)
            db.session.rollback()
            return response
        claim = IdempotencyKey(user_id=user_id, key=key, fingerprint=fingerprint, created_at=now)
        db.session.execute(sa.delete(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id, IdempotencyKey.created_at < expired))
        db.session.add(claim)
        try:
            db.session.commit()
        except IntegrityError:  # a concurrent duplicate claimed it first
            db.session.rollback()
            continue
        g.idempotency_claim = claim.id
        return None
    raise Conflict(_("使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。"), "idempotency_in_progress")


@bp.after_request
def store_answer(response: Response) -> Response:
    claim_id = g.pop("idempotency_claim", None)
    if claim_id is None:
        return response
    committed = g.pop("idempotency_committed", False)
    status = response.status_code
    try:
        db.session.rollback()  # whatever the view left open is not ours to commit
        where = IdempotencyKey.id == claim_id
        if (status >= 500 or status == 429) and not committed:
            db.session.execute(sa.delete(IdempotencyKey).where(where))  # nothing happened: the retry runs
        elif response.is_streamed or response.direct_passthrough:
            db.session.execute(sa.update(IdempotencyKey).where(where).values(status=0))
        else:
            db.session.execute(sa.update(IdempotencyKey).where(where).values(
                status=status, body=response.get_data(as_text=True)))
        db.session.commit()
    except Exception:  # noqa: BLE001 - the answer stands; a retry then sees the claim
        db.session.rollback()
        log.exception("storing the answer for an idempotency key failed")
    return response


def _mark_committed(session) -> None:
    """The view's commit carries the mark that its writes happened (same transaction)."""
    if not has_request_context():
        return
    claim_id = g.get("idempotency_claim")
    if claim_id is None or g.get("idempotency_committed"):
        return
    session.execute(sa.update(IdempotencyKey).where(IdempotencyKey.id == claim_id).values(status=0))


def _committed(_session) -> None:
    if has_request_context() and g.get("idempotency_claim") is not None:
        g.idempotency_committed = True


event.listen(db.session, "before_commit", _mark_committed)
event.listen(db.session, "after_commit", _committed)


def purge_expired(app: Flask | None = None) -> int:
    """Delete every row older than the replay window; returns how many."""
    hours = float((app or current_app).config.get("IDEMPOTENCY_KEY_HOURS", 24))
    result = db.session.execute(
        sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < utcnow() - timedelta(hours=hours)))
    db.session.commit()
    return result.rowcount or 0
