"""Departments form a tree; ``path`` ("/1/4/9/") makes a subtree one prefix match."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.extensions import db
from .types import UTCDateTime


class Department(db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    path: Mapped[str] = mapped_column(sa.String(255), default="/", index=True)
    review_required: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Department | None] = relationship(remote_side=[id])

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def in_subtree_of(self, other: Department) -> bool:
        return self.path.startswith(other.path)

    @classmethod
    def subtree_clause(cls, root: Department) -> sa.ColumnElement[bool]:
        """SQL twin of ``in_subtree_of``: ``root`` and everything below it (paths hold only digits and /)."""
        return cls.path.startswith(root.path, autoescape=False)

    @classmethod
    def subtree_ids(cls, root: Department) -> sa.Select:
        """The ids of ``root``'s subtree, for ``department_id.in_(...)``."""
        return sa.select(cls.id).where(cls.subtree_clause(root))

    def __repr__(self) -> str:
        return f"<Department {self.slug}>"
