"""A county with three bureaus and a supervisor over it, another county with its own supervisor,
for the closed-loop tests. Time: Mon 2 March 2026 (no holidays that month)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import time_machine

from weibo_app.core.extensions import db
from weibo_app.models import AuditLog, Notification, Role, Thread


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


MON = utc(2026, 3, 2, 2, 0)  # Mon Mar 2 2026, 10:00 local


def end_of_local_day(y, m, d) -> datetime:
    return utc(y, m, d, 15, 59, 59)


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


class LoopWorld:
    def __init__(self, make):
        with at(MON - timedelta(days=1)):
            self.county = make.department(slug="county", name="清河县")
            self.a = make.department(slug="dept-a", name="甲局", parent=self.county)
            self.b = make.department(slug="dept-b", name="乙局", parent=self.county)
            self.c = make.department(slug="dept-c", name="丙局", parent=self.county)
            self.far = make.department(slug="far", name="远县")
            self.staff_a, self.colleague_a = make.staff(self.a), make.staff(self.a)
            self.head_b = make.staff(self.b, Role.DEPT_HEAD)
            self.staff_b, self.staff_c = make.staff(self.b), make.staff(self.c)
            self.post = make.post(author=self.staff_a)
            self.resident, self.other_resident = make.user(), make.user()
            self.supervisor = make.user(Role.SUPERVISOR)
            self.supervisor.supervised_department_id = self.county.id
            self.outsider = make.user(Role.SUPERVISOR)  # oversees the other county only
            self.outsider.supervised_department_id = self.far.id
            self.admin = make.user(Role.ADMIN)
            db.session.commit()

    def thread(self, make, kind: str = "consultation", when: datetime = MON) -> Thread:
        with at(when):
            return make.thread(author=self.resident, post=self.post, kind=kind)


def fresh(thread_id: int) -> Thread:
    db.session.expire_all()
    return db.session.get(Thread, thread_id)


def audit_actions(thread_id: int) -> list[str]:
    return list(db.session.scalars(
        sa.select(AuditLog.action).where(AuditLog.target_type == "thread", AuditLog.target_id == thread_id)
        .order_by(AuditLog.id)
    ))


def kinds_for(user) -> list[str]:
    return list(db.session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == user.id).order_by(Notification.id)
    ))
