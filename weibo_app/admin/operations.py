"""Administration services: accounts, roles, departments, settings. Each change is audited."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ..audit.log import record
from ..auth.tokens import revoke_all_tokens
from ..core.exceptions import Conflict, Forbidden, Invalid
from ..core.extensions import db
from ..core.settings import EDITABLE, get_setting, set_setting
from ..core.text import clean_name, clean_reason, normalize
from ..departments.operations import NAME_MAX_CHARS, get_department
from ..models import STAFF_ROLES, Department, Role, User
from .setting_labels import MULTILINE, TEXT_LIMIT_DEFAULT, TEXT_LIMITS, setting_label


def _require_admin(actor: User) -> None:
    if not (actor and actor.is_authenticated and actor.is_admin):
        raise Forbidden(_("只有系统管理员可以进行此操作。"), "admin_only")


def change_role(actor: User, user: User, role: str, department_slug: str | None = None,
                whole_county: bool = False) -> User:
    """Give ``user`` a role; staff roles need a department. A supervisor oversees one
    department's subtree, or every department only when ``whole_county`` says so."""
    _require_admin(actor)
    try:
        role = Role(role)
    except ValueError:
        raise Invalid(_("未知的角色。"), "invalid_role") from None
    if user.id == actor.id and role != Role.ADMIN:
        raise Conflict(_("不能取消自己的管理员身份。"), "self_demotion")
    department = get_department(department_slug) if department_slug else None
    if role in STAFF_ROLES and department is None:
        raise Invalid(_("工作人员必须属于一个部门。"), "department_required")
    if role == Role.SUPERVISOR and department is None and not whole_county:
        raise Invalid(_("请为督办人员选择督办范围：一个部门，或“全县（所有部门）”。"), "scope_required")
    if whole_county and (role != Role.SUPERVISOR or department is not None):
        raise Invalid(_("“全县（所有部门）”只适用于督办人员。"), "invalid_scope")
    before = {"role": user.role, "department_id": user.department_id,
              "supervised_department_id": user.supervised_department_id}
    user.role = role
    user.department = department if role in STAFF_ROLES else None
    user.supervised_department = department if role == Role.SUPERVISOR else None
    db.session.flush()
    after = {"role": user.role, "department_id": user.department_id,
             "supervised_department_id": user.supervised_department_id}
    if before != after:
        record(actor, "user.role", "user", user.id, department_id=department.id if department else None,
               before=before, after=after)
    return user


def set_active(actor: User, user: User, active: bool, reason: str = "") -> User:
    """Deactivate (or reactivate) an account; its posts, replies and audit trail stay."""
    _require_admin(actor)
    reason = clean_reason(reason, required=False)
    if user.id == actor.id and not active:
        raise Conflict(_("不能停用自己的账号。"), "self_deactivation")
    if user.active == active:
        return user
    user.active = active
    if not active:  # a deactivated account keeps no session, remember cookie or API token
        user.end_sessions()
        revoke_all_tokens(user)
    db.session.flush()
    record(actor, "user.activate" if active else "user.deactivate", "user", user.id,
           department_id=user.department_id, reason=reason or None)
    return user


def unlock_user(actor: User, user: User) -> User:
    """Lift a login lockout before it runs out."""
    _require_admin(actor)
    if user.locked_until is None and not user.failed_logins:
        return user
    user.locked_until, user.failed_logins = None, 0
    db.session.flush()
    record(actor, "user.unlock", "user", user.id, department_id=user.department_id)
    return user


def update_department(actor: User, department: Department, name: str, description: str,
                      review_required: bool) -> Department:
    """Rename a department, change its description or whether its posts need review."""
    _require_admin(actor)
    name, description = clean_name(name, NAME_MAX_CHARS), normalize(description)
    if len(description) > 1000:
        raise Invalid(_("简介不能超过1000个字。"), "description_too_long")
    clash = db.session.scalar(
        db.select(Department.id).where(Department.name == name, Department.id != department.id)
    )
    if clash:
        raise Conflict(_("部门标识或名称已存在。"), "department_exists")
    changes = {}
    for field, value in (("name", name), ("description", description), ("review_required", review_required)):
        if getattr(department, field) != value:
            changes[field] = [getattr(department, field), value]
            setattr(department, field, value)
    if changes:
        db.session.flush()
        record(actor, "department.update", "department", department.id, department_id=department.id,
               changes=changes)
    return department


def _parse(name: str, raw: Any) -> Any:
    kind = EDITABLE[name]
    label = setting_label(name)
    if kind is int:
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise Invalid(_("%(name)s必须是整数。", name=label), "invalid_setting") from None
        if not 1 <= value <= 10000:
            raise Invalid(_("%(name)s必须在1到10000之间。", name=label), "invalid_setting")
        return value
    if kind is dict:
        if not isinstance(raw, dict):
            raise Invalid(_("%(name)s格式不正确。", name=label), "invalid_setting")
        current = get_setting(name)
        value = {}
        for key in current:
            try:
                value[key] = int(str(raw.get(key, current[key])).strip())
            except ValueError:
                raise Invalid(_("%(name)s必须是整数。", name=label), "invalid_setting") from None
            if not 1 <= value[key] <= 365:
                raise Invalid(_("%(name)s必须在1到365之间。", name=label), "invalid_setting")
        return value
    if kind is str:
        value = normalize(str(raw))
        if name not in MULTILINE:
            value = " ".join(value.split())
        limit = TEXT_LIMITS.get(name, TEXT_LIMIT_DEFAULT)
        if len(value) > limit:
            raise Invalid(_("%(name)s不能超过%(n)s个字。", name=label, n=limit), "invalid_setting")
        return value
    raise Invalid(_("%(name)s不能在此修改。", name=label), "invalid_setting")


def change_setting(actor: User, name: str, raw: Any) -> Any:
    """Store an admin's value for one of ``settings.EDITABLE``."""
    _require_admin(actor)
    if name not in EDITABLE:
        raise Invalid(_("未知的设置项。"), "invalid_setting")
    value = _parse(name, raw)
    before = get_setting(name)
    if value == before:
        return value
    set_setting(name, value)
    db.session.flush()
    record(actor, "setting.change", "setting", None, name=name, before=before, after=value)
    return value
