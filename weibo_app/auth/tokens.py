"""Named API tokens: issue, find, list, revoke. Only a SHA-256 digest of a token is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..audit.log import record
from ..core.clock import utcnow
from ..core.exceptions import Invalid, NotFound
from ..core.extensions import db
from ..core.text import normalize
from ..models import ApiToken, User

NAME_MAX = 60
#: ``last_used_at`` is written at most this often per token, not on every call.
USE_RESOLUTION = timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _days(days: object) -> int:
    longest = int(current_app.config["API_TOKEN_MAX_DAYS"])
    if days is None:
        return min(int(current_app.config["API_TOKEN_DAYS"]), longest)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= longest:
        raise Invalid(_("有效天数需为1到%(days)d之间的整数。", days=longest), "invalid_days")
    return days


def create_token(user: User, name: str | None = None, days: object = None) -> tuple[ApiToken, str]:
    """A new token for ``user`` (earlier ones keep working); the secret is returned only here."""
    if name is not None and not isinstance(name, str):
        raise Invalid(_("令牌名称需为文字。"), "invalid_name")
    name = normalize(name or "") or _("API 令牌")
    if len(name) > NAME_MAX:
        raise Invalid(_("令牌名称不能超过60个字符。"), "invalid_name")
    lifetime = _days(days)
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(user=user, name=name, token_hash=digest(secret), created_at=now,
                   expires_at=now + timedelta(days=lifetime))
    db.session.add(row)
    db.session.flush()
    record(user, "token.create", "api_token", row.id, department_id=user.department_id,
           name=name, expires_at=row.expires_at.isoformat())
    return row, secret


def issue_token(user: User) -> str:
    """A token with the default name and lifetime (scripts and the CLI)."""
    return create_token(user)[1]


#: Built once, with the token's account in the same statement: every API call runs it.
_TOKEN = sa.select(ApiToken).options(joinedload(ApiToken.user)).where(ApiToken.token_hash == sa.bindparam("token_hash"))


def user_for_token(secret: str) -> User | None:
    """The active account behind a usable token; notes when the token was last used."""
    if not secret:
        return None
    row = db.session.scalar(_TOKEN, {"token_hash": digest(secret)})
    now = utcnow()
    if row is None or not row.is_usable(now) or not row.user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= USE_RESOLUTION:
        db.session.execute(sa.update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
        db.session.commit()  # runs as the request starts (see auth.loader): nothing else is pending
    return row.user


def tokens_of(user: User) -> list[ApiToken]:
    """The account's tokens, newest first (revoked and expired ones included, marked by their times)."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the account's own tokens; someone else's is "not found"."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_("令牌不存在。"), "token_not_found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.flush()
        record(user, "token.revoke", "api_token", row.id, department_id=user.department_id, name=row.name)
    return row


def revoke_all_tokens(user: User) -> int:
    """Revoke every token of the account still in force (deactivation); the number revoked."""
    now = utcnow()
    result = db.session.execute(
        sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
    )
    return result.rowcount or 0

