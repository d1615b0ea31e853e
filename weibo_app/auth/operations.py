"""Account services shared by the pages, the API and the CLI."""

from __future__ import annotations

import functools
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.log import record
from ..core.clock import utcnow
from ..core.exceptions import Conflict, Invalid
from ..core.extensions import db
from ..core.text import clean_name
from ..departments.operations import get_department
from ..models import STAFF_ROLES, Role, User

USERNAME_RE = re.compile(r"^[A-Za-z0-9_\u4e00-\u9fff]{3,40}$")
MIN_PASSWORD = 8


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD or len(password) > 128:
        raise Invalid(_("密码需要8到128个字符。"), "weak_password")
    if password.isdigit() or password.isalpha():
        raise Invalid(_("密码需要同时包含字母和数字。"), "weak_password")


def create_user(
    username: str,
    password: str,
    role: str = Role.RESIDENT,
    department_slug: str | None = None,
    display_name: str = "",
    actor: User | None = None,
) -> User:
    """Add an account of any role; staff roles need a department."""
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise Invalid(_("用户名需为3到40个字母、数字、下划线或汉字。"), "invalid_username")
    try:
        role = Role(role)
    except ValueError:
        raise Invalid(_("未知的角色。"), "invalid_role") from None
    check_password_policy(password)
    if db.session.scalar(sa.select(User.id).where(sa.func.lower(User.username) == username.lower())):
        raise Conflict(_("该用户名已被使用。"), "username_taken")
    department = get_department(department_slug) if department_slug else None
    if role in STAFF_ROLES and department is None:
        raise Invalid(_("工作人员必须属于一个部门。"), "department_required")
    user = User(username=username, display_name=clean_name(display_name, 60) if display_name else "", role=role)
    if role in STAFF_ROLES:
        user.department = department
    elif role == Role.SUPERVISOR:
        user.supervised_department = department
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    if role != Role.RESIDENT:
        record(actor, "user.create", "user", user.id,
               department_id=department.id if department else None, role=role)
    return user


#: Failed logins in a row that lock an account, and for how long.
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)


def change_password(user: User, current: str, new: str) -> User:
    """Set a new password (the current one must match); every other session of the account ends.

    The caller starts this request's session again with the account's new identity.
    """
    if not check_password_hash(user.password_hash, current or ""):
        raise Invalid(_("当前密码不正确。"), "wrong_password")
    check_password_policy(new)
    if check_password_hash(user.password_hash, new):
        raise Invalid(_("新密码不能与当前密码相同。"), "same_password")
    user.set_password(new)
    user.end_sessions()
    db.session.flush()
    record(user, "user.password", "user", user.id, department_id=user.department_id)
    return user


def end_all_sessions(user: User) -> None:
    """Log the account out everywhere: every session and remember cookie stops working."""
    user.end_sessions()
    db.session.flush()


def authenticate(username: str, password: str) -> User | None:
    """The active account with these credentials, or None (never says which part was wrong).

    Failures are counted on the account; the fifth in a row locks it for
    ``LOCK_FOR``, during which even the right password is refused with the same
    answer. The caller commits in every case, so the count survives a failure.
    """
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.strip().lower()))
    # Exactly one password hash per attempt, whatever the outcome: an unknown, deactivated
    # or locked account answers in the same time as a wrong password.
    usable = user is not None and user.active
    matches = check_password_hash(user.password_hash if usable else _dummy_hash(), password)
    if not usable:
        return None
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        return None
    if not matches:
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= LOCK_AFTER:
            user.failed_logins = 0
            user.locked_until = now + LOCK_FOR
            record(None, "user.lock", "user", user.id, department_id=user.department_id,
                   until=user.locked_until.isoformat())
        db.session.flush()
        return None
    if user.failed_logins or user.locked_until is not None:
        user.failed_logins, user.locked_until = 0, None
    return user


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))

