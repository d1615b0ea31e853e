"""Accounts and roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.clock import utcnow
from ..core.extensions import db
from .types import UTCDateTime

if TYPE_CHECKING:
    from .department import Department


class Role(StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"
    REVIEWER = "reviewer"
    DEPT_HEAD = "dept_head"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


#: Roles that belong to one department and act for it.
STAFF_ROLES = frozenset({Role.STAFF, Role.REVIEWER, Role.DEPT_HEAD})


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(60), default="")
    email: Mapped[str | None] = mapped_column(sa.String(254))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.RESIDENT, index=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    # A supervisor oversees this department's subtree; None means every department.
    supervised_department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Raised by logout, a password change, deactivation and "log out everywhere": every
    # session and remember cookie carries the value it was made with and dies when it moves on.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    # Login throttling: failures in a row, and the lockout they caused.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    supervised_department: Mapped[Department | None] = relationship(
        foreign_keys=[supervised_department_id]
    )

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Flask-Login's identity for the session and the remember cookie: "<id>:<epoch>"."""
        return f"{self.id}:{self.session_epoch or 0}"

    def end_sessions(self) -> None:
        """Every session and remember cookie of this account stops working."""
        self.session_epoch = (self.session_epoch or 0) + 1

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated accounts cannot log in
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES and self.department_id is not None

    @property
    def can_review(self) -> bool:
        return self.is_staff and self.role in (Role.REVIEWER, Role.DEPT_HEAD)

    @property
    def is_dept_head(self) -> bool:
        return self.is_staff and self.role == Role.DEPT_HEAD

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_resident(self) -> bool:
        return self.role == Role.RESIDENT

    @property
    def can_oversee(self) -> bool:
        """Supervisors and admins read every dashboard."""
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
