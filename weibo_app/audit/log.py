"""Write one audit row (操作留痕). Services call this next to every decision they make."""

from __future__ import annotations

from typing import Any

from ..core.extensions import db
from ..models import AuditLog, User


def record(
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int | None,
    *,
    department_id: int | None = None,
    reason: str | None = None,
    **details: Any,
) -> AuditLog:
    entry = AuditLog(
        actor_id=actor.id if actor else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        department_id=department_id,
        reason=reason,
        details=details or None,
    )
    db.session.add(entry)
    return entry
