"""What a user oversees: the one home of "which departments are this user's".

- an admin: every department;
- a supervisor: the subtree assigned to them, or every department when none is;
- staff (reviewers and heads included): their own department;
- anyone else: none.

``scope_of(user)`` answers in Python (``covers``) and in SQL (``clause``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..models import Department, User


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    root: Department | None = None  # a supervisor's subtree
    department_id: int | None = None  # staff: their own department

    @property
    def empty(self) -> bool:
        return not self.everything and self.root is None and self.department_id is None

    @property
    def subtree_root(self) -> Department | None:
        """For readers that take a subtree: None means every department."""
        return None if self.everything else self.root

    def covers(self, department: Department | None) -> bool:
        if department is None:
            return self.everything
        if self.everything:
            return True
        if self.root is not None:
            return department.in_subtree_of(self.root)
        return self.department_id is not None and department.id == self.department_id

    def clause(self, department_id_col) -> sa.ColumnElement[bool]:
        """SQL twin of ``covers`` for a column holding a department id."""
        if self.everything:
            return sa.true()
        if self.root is not None:
            return department_id_col.in_(Department.subtree_ids(self.root))
        if self.department_id is not None:
            return department_id_col == self.department_id
        return sa.false()


NOTHING = Scope()


def scope_of(user: User | None) -> Scope:
    """The departments ``user`` oversees (admins, supervisors) or works for (staff)."""
    if user is None or not user.is_authenticated:
        return NOTHING
    if user.is_admin:
        return Scope(everything=True)
    if user.is_supervisor:
        root = user.supervised_department
        return Scope(everything=True) if root is None else Scope(root=root)
    if user.is_staff:
        return Scope(department_id=user.department_id)
    return NOTHING


def oversight_of(user: User | None) -> Scope:
    """The scope of an admin or a supervisor; nothing for anyone else (staff included)."""
    if user is None or not user.is_authenticated or not user.can_oversee:
        return NOTHING
    return scope_of(user)


def oversees(user: User | None, department: Department) -> bool:
    """Admins everywhere; a supervisor in the subtree assigned to them."""
    return oversight_of(user).covers(department)
