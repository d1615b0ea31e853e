"""Who may act where: one helper per question, used by the UI, the API and the CLI."""

from __future__ import annotations

from flask_babel import gettext as _

from ..core.exceptions import Forbidden
from ..models import User
from .scope import oversees

__all__ = ["acts_for", "oversees", "require_acts_for"]


def acts_for(user: User | None, department_id: int) -> bool:
    """Staff act only for their own department."""
    return bool(user and user.is_authenticated and user.is_staff and user.department_id == department_id)


def require_acts_for(user: User | None, department_id: int) -> None:
    if not acts_for(user, department_id):
        raise Forbidden(_("只有该部门的工作人员可以办理。"), "not_department_staff")
